/** A partner sees its own manifests only: the API decides, and the console says "not found". */
import { describe, expect, it } from 'vitest';
import { exampleManifest, keys, open, postManifest, signIn, useConsolePage } from './support/console.ts';

const current = useConsolePage('isolation');

describe('partners', () => {
  it("do not see another partner's manifest or shipment", async () => {
    const { page } = current();
    const theirs = exampleManifest({ etaMinutes: 240, tag: 'IS' });
    const manifestId = await postManifest(keys.nordic, theirs);
    await signIn(page, keys.acme);
    await open(page, `#/manifests/${manifestId}`);
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain(`Manifest ${manifestId} was not found`);
    expect(await page.locator('table.shipments').count()).toBe(0);
    await open(page, `#/manifests/${manifestId}/shipments/${theirs.shipments[0]?.shipmentNumber}`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('was not found');
    // The board (the manifests this session opened) does not list it either.
    await open(page, '#/');
    await expect.poll(() => page.locator('.summary').first().textContent()).toMatch(/^0 transports/);
    // …while its owner sees it.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, keys.nordic);
    await open(page, `#/manifests/${manifestId}`);
    await expect.poll(() => page.locator('table.shipments tbody tr').count()).toBe(3);
  });
});
