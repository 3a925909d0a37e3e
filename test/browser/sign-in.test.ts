/** Signing in and out, and the console as the local gateway serves it. */
import { describe, expect, it } from 'vitest';
import {
  consoleUrl,
  exampleManifest,
  keys,
  postManifest,
  signIn,
  useConsolePage,
} from './support/console.ts';

const current = useConsolePage('sign-in');

describe('signing in', () => {
  it('signs in with a partner key by keyboard, keeps the key in sessionStorage only, and signs out', async () => {
    const { page } = current();
    await signIn(page, keys.acme);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Border board');
    await expect.poll(() => page.locator('.who').textContent()).toContain('Partner');
    const storage = await page.evaluate(() => ({
      session: sessionStorage.getItem('voec-border.console.key'),
      local: localStorage.length,
      cookies: document.cookie,
      url: location.href,
    }));
    expect(storage).toMatchObject({ session: keys.acme, local: 0, cookies: '' });
    expect(storage.url).not.toContain(keys.acme);

    // A reload keeps the session (the tab's sessionStorage), and the skip button reaches the content.
    await page.reload();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('You are signed out');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  });

  it('refuses a wrong key with a clear message', async () => {
    const { page } = current();
    await page.goto(consoleUrl);
    await page.getByLabel('API key').fill('vb_this_is_not_a_key_anyone_has');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('This key was not accepted. Check that you pasted the whole key');
    expect(await page.getByLabel('API key').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    // An empty field is refused without asking the API.
    await page.getByLabel('API key').fill('');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Enter your API key.');
  });

  it('signs in with an operator key and sees every partner’s manifests', async () => {
    const { page } = current();
    const acme = exampleManifest({ etaMinutes: 320, tag: 'SA', plate: 'SIGN01' });
    const nordic = exampleManifest({ etaMinutes: 330, tag: 'SN', plate: 'SIGN02' });
    const acmeId = await postManifest(keys.acme, acme);
    const nordicId = await postManifest(keys.nordic, nordic);
    await signIn(page, keys.operator);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Border board');
    await expect.poll(() => page.locator('.who').textContent()).toContain('Operator');
    for (const id of [acmeId, nordicId]) {
      await page.locator(`table.board tbody tr[data-manifest-id="${id}"]`).waitFor({ timeout: 20_000 });
    }
    expect(await page.locator(`tr[data-manifest-id="${nordicId}"] td.partner`).textContent()).toBe('nordic');
    expect(await page.evaluate(() => sessionStorage.getItem('voec-border.console.key'))).toBe(keys.operator);
    // The partner acme, signed in, does not see nordic's transport.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    await signIn(page, keys.acme);
    await page.locator(`table.board tbody tr[data-manifest-id="${acmeId}"]`).waitFor({ timeout: 20_000 });
    expect(await page.locator(`table.board tbody tr[data-manifest-id="${nordicId}"]`).count()).toBe(0);
  });
});

describe('the console on the local gateway', () => {
  it('is served with the security headers, its content types, and the app for any path', async () => {
    const index = await fetch(consoleUrl);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toMatch(
      /^default-src 'self';.*frame-ancestors 'none'/,
    );
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(index.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    const html = await index.text();
    const script = /<script type="module" crossorigin src="(\/console\/assets\/[^"]+\.js)"><\/script>/.exec(
      html,
    )?.[1];
    expect(script).toBeDefined();
    const js = await fetch(new URL(script ?? '', consoleUrl));
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const deep = await fetch(new URL('manifests/anything', consoleUrl));
    expect(await deep.text()).toBe(html);
    expect((await fetch(new URL('config.json', consoleUrl))).status).toBe(404);
  });
});
