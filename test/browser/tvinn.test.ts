/** TVINN backup drafts: a manifest whose ETA passed without acceptance, downloaded as CSV. */
import { readFileSync } from 'node:fs';
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

const current = useConsolePage('tvinn');

describe('TVINN drafts', () => {
  it('download as CSV for a manifest past its ETA', async () => {
    const { page } = current();
    // Its ETA is 40 s away: Digitoll refuses the house with an unknown VOEC number and accepts the
    // others before it, so once the ETA has passed the sweep must draft exactly that one for TVINN.
    // Not already past its ETA: the browser files run at once, and another file's sweep would then
    // draft every house still in flight at that moment (the sweep prepares a manifest's drafts once).
    const manifest = exampleManifest({ etaMinutes: 40 / 60, tag: 'TV' });
    const etaMs = Date.parse(manifest.transport.estimatedArrival);
    const refused = manifest.shipments[0];
    if (!refused) throw new Error('fixture changed');
    refused.voecNumber = UNKNOWN_VOEC_NUMBER;
    const manifestId = await postManifest(keys.acme, manifest);
    for (const shipment of manifest.shipments) {
      await until(`${shipment.shipmentNumber} settled`, async () =>
        settled(await shipmentStatus(keys.acme, shipment.shipmentNumber)) ? true : undefined,
      );
    }
    expect(Date.now(), 'every house settled before the ETA').toBeLessThan(etaMs);
    await new Promise((resolve) => setTimeout(resolve, etaMs - Date.now() + 1_000));
    expect((await api(keys.acme, 'POST', '/__local/schedules/run')).status).toBe(200);

    await signIn(page, keys.acme);
    await open(page, `#/manifests/${manifestId}`);
    await expect
      .poll(() => page.locator('.tvinn').textContent())
      .toContain('1 TVINN backup declaration draft ready');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download TVINN drafts (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`tvinn-${manifestId}.csv`);
    // The browser runs in its own process (launchServer): the file is copied over, then read.
    const saved = join(RESULTS_DIR, download.suggestedFilename());
    await download.saveAs(saved);
    const csv = readFileSync(saved, 'utf8');
    const [header, ...lines] = csv.trim().split('\n');
    expect(header).toMatch(/^draftId,consigneeName,/);
    expect(header).toContain('box44');
    expect(lines.length).toBe(2); // the refused shipment's two item lines
    for (const line of lines) {
      expect(line).toContain(refused.shipmentNumber);
      expect(line).toContain(`"VEC${UNKNOWN_VOEC_NUMBER}"`); // box 44: VEC + the VOEC number
    }
    const drafts = (await api(keys.acme, 'GET', `/v1/manifests/${manifestId}/tvinn-declarations`)).body;
    expect(drafts.declarations).toHaveLength(1);
    await expect.poll(() => page.locator('.banner').textContent()).toContain('to declare in TVINN');
  });
});
