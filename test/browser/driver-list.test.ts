/** The driver's list: printable on the page, and as a PDF from the API. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  api,
  exampleManifest,
  keys,
  open,
  postManifest,
  RESULTS_DIR,
  settled,
  shipmentStatus,
  signIn,
  UNKNOWN_VOEC_NUMBER,
  until,
  useConsolePage,
} from './support/console.ts';

const current = useConsolePage('driver-list');

describe("the driver's list", () => {
  it('lists every VOEC shipment on board with VOEC number, item count, MRN and status, marks the unaccepted, and downloads the PDF', async () => {
    const { page } = current();
    const manifest = exampleManifest({ etaMinutes: 150, tag: 'DL' });
    const refused = manifest.shipments[2];
    if (!refused) throw new Error('fixture changed');
    refused.voecNumber = UNKNOWN_VOEC_NUMBER;
    const manifestId = await postManifest(keys.acme, manifest);
    for (const shipment of manifest.shipments) {
      await until(`${shipment.shipmentNumber} settled`, async () =>
        settled(await shipmentStatus(keys.acme, shipment.shipmentNumber)) ? true : undefined,
      );
    }

    await signIn(page, keys.acme);
    await open(page, `#/manifests/${manifestId}/driver-list`);
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe('Driver’s list: VOEC shipments on board');
    const rows = page.locator('table.driver-list tbody tr');
    await expect.poll(() => rows.count()).toBe(3);
    const refusedRow = page.locator('table.driver-list tbody tr.not-accepted');
    await expect.poll(() => refusedRow.count()).toBe(1);
    expect(await refusedRow.textContent()).toContain(refused.shipmentNumber);
    expect(await refusedRow.textContent()).toContain(UNKNOWN_VOEC_NUMBER);
    const accepted = await page.locator('table.driver-list tbody tr:not(.not-accepted)').allTextContents();
    // By hand from the example: the first shipment has VOEC 2056550 and two item lines.
    expect(
      accepted.some(
        (text) => text.includes(manifest.shipments[0]?.shipmentNumber ?? '?') && text.includes('2056550'),
      ),
    ).toBe(true);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download PDF' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`driver-list-${manifest.reference}.pdf`);
    const saved = join(RESULTS_DIR, download.suggestedFilename());
    await download.saveAs(saved);
    const text = execFileSync('pdftotext', ['-layout', saved, '-'], { encoding: 'utf8' });
    expect(text).toContain('3 VOEC shipments; 1 NOT accepted by Digitoll');
    expect(text).toContain(`NOT ACCEPTED (${await shipmentStatus(keys.acme, refused.shipmentNumber)})`);
    // One look at the PDF as an image, kept with the screenshots.
    execFileSync('pdftoppm', [
      '-png',
      '-r',
      '60',
      '-singlefile',
      saved,
      join(RESULTS_DIR, 'driver-list-pdf'),
    ]);

    // A partner never reads another partner's list.
    expect((await api(keys.nordic, 'GET', `/v1/manifests/${manifestId}/driver-list`)).status).toBe(404);
  });
});
