/** The manifest page: live statuses, Digitoll's refusals in words, filters, cursor paging. */
import { describe, expect, it } from 'vitest';
import {
  api,
  exampleManifest,
  keys,
  open,
  postManifest,
  settled,
  shipmentStatus,
  signIn,
  UNKNOWN_VOEC_NUMBER,
  until,
  useConsolePage,
} from './support/console.ts';

const current = useConsolePage('manifest');

describe('the manifest page', () => {
  it('shows a manifest posted over HTTP, and its shipments turn ACCEPTED on screen without a reload', async () => {
    const { page } = current();
    await signIn(page, keys.acme);
    const manifest = exampleManifest({ etaMinutes: 180, tag: 'MA', plate: 'LIVE01' });
    const manifestId = await postManifest(keys.acme, manifest);
    await open(page, `#/manifests/${manifestId}`);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain('LIVE01');
    await expect.poll(() => page.locator('table.shipments tbody tr').count()).toBe(3);
    // Marks this document: a reload would lose the mark.
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    // The page refreshes itself every 15 s; the reporter needs a few seconds per shipment.
    await expect
      .poll(() => page.locator('table.shipments tbody .status-accepted').count(), { timeout: 60_000 })
      .toBe(3);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    const shipment = (await api(keys.acme, 'GET', `/v1/shipments/${manifest.shipments[0]?.shipmentNumber}`))
      .body;
    await expect.poll(() => page.locator('table.shipments').textContent()).toContain(shipment.mrn);
    await expect.poll(() => page.locator('.banner').textContent()).toContain('All accepted');
  });

  it("shows Digitoll's refusal in plain words with the field, and filters by status and flag", async () => {
    const { page } = current();
    const manifest = exampleManifest({ etaMinutes: 240, tag: 'MR' });
    const refused = manifest.shipments[1];
    if (!refused) throw new Error('fixture changed');
    refused.voecNumber = UNKNOWN_VOEC_NUMBER; // also fails the MOD-11 check: VOEC_NUMBER_SUSPECT
    const manifestId = await postManifest(keys.acme, manifest);
    await until('the shipments settled', async () => {
      const statuses = await Promise.all(
        manifest.shipments.map((s) => shipmentStatus(keys.acme, s.shipmentNumber)),
      );
      return statuses.every(settled) ? true : undefined;
    });
    await signIn(page, keys.acme);
    await open(page, `#/manifests/${manifestId}`);
    await expect.poll(() => page.locator('table.shipments tbody tr').count()).toBe(3);
    await expect.poll(() => page.locator('.banner').textContent()).toContain('Needs action');

    await page.getByLabel('Status', { exact: true }).selectOption('FAILED');
    await expect.poll(() => page.locator('table.shipments tbody tr').count()).toBe(1);
    const row = page.locator('table.shipments tbody tr');
    await expect.poll(() => row.textContent()).toContain(refused.shipmentNumber);
    expect(await row.textContent()).toContain('Digitoll refused it: Digitoll does not know this VOEC number');
    expect(await row.textContent()).toContain('Field: shipment › VOEC number');
    expect(page.url()).toContain('status=FAILED');

    await page.getByLabel('Status', { exact: true }).selectOption('');
    await page.getByLabel('Flag', { exact: true }).selectOption('VOEC_NUMBER_SUSPECT');
    await expect.poll(() => page.locator('table.shipments tbody tr').count()).toBe(1);
    expect(await row.textContent()).toContain('VOEC number suspect');
    // The count chips filter too, and say which one is on.
    await page.getByLabel('Flag', { exact: true }).selectOption('');
    await page.locator('.chips button', { hasText: 'Accepted' }).click();
    await expect.poll(() => page.locator('table.shipments tbody tr').count()).toBe(2);
    expect(await page.locator('.chips button[aria-pressed="true"]').count()).toBe(1);
  });

  it("pages through a large manifest's shipments with the API's cursor", async () => {
    const { page } = current();
    const manifest = exampleManifest({ etaMinutes: 300, tag: 'MP' });
    const [template] = manifest.shipments;
    if (!template) throw new Error('fixture changed');
    manifest.shipments = Array.from({ length: 120 }, (_, index) => ({
      ...template,
      shipmentNumber: `${template.shipmentNumber.slice(0, -2)}P${String(index).padStart(3, '0')}SE`,
    }));
    const manifestId = await postManifest(keys.acme, manifest);
    await signIn(page, keys.acme);
    await open(page, `#/manifests/${manifestId}?limit=50`);
    const summary = page.locator('#shipments-heading ~ .summary');
    await expect.poll(() => summary.textContent()).toBe('Shipments 1–50 of 120 (page 1).');
    const seen = new Set(await page.locator('table.shipments tbody tr').evaluateAll(rowNumbers));
    const next = page.getByRole('button', { name: 'Next page' });
    await next.click();
    await expect.poll(() => summary.textContent()).toBe('Shipments 51–100 of 120 (page 2).');
    for (const n of await page.locator('table.shipments tbody tr').evaluateAll(rowNumbers)) seen.add(n);
    await next.click();
    await expect.poll(() => summary.textContent()).toBe('Shipments 101–120 of 120 (page 3).');
    for (const n of await page.locator('table.shipments tbody tr').evaluateAll(rowNumbers)) seen.add(n);
    expect(seen.size).toBe(120);
    expect(await next.isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Previous page' }).click();
    await expect.poll(() => summary.textContent()).toBe('Shipments 51–100 of 120 (page 2).');
  });
});

function rowNumbers(rows: Element[]): string[] {
  return rows.map((row) => row.getAttribute('data-shipment') ?? '');
}
