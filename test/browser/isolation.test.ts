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
    // The board (GET /v1/manifests: acme's transports) does not list it either.
    await open(page, '#/');
    await expect.poll(() => page.locator('.summary').first().textContent()).toMatch(/^\d+ transports?/);
    expect(await page.locator(`table.board tbody tr[data-manifest-id="${manifestId}"]`).count()).toBe(0);
    // …while its owner sees it, on the board and opened.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(page, keys.nordic);
    await page.locator(`table.board tbody tr[data-manifest-id="${manifestId}"]`).waitFor();
    await open(page, `#/manifests/${manifestId}`);
    await expect.poll(() => page.locator('table.shipments tbody tr').count()).toBe(3);
  });
});
