/** Alerts: the open border flags, most urgent first, each leading to its shipment. */
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

const current = useConsolePage('alerts');

describe('the alerts page', () => {
  it('lists the open flags, most urgent first, each linking to its shipment', async () => {
    const { page } = current();
    // Refused 90 minutes before the border (inside the cut-off) and refused after its ETA.
    const soon = exampleManifest({ etaMinutes: 90, tag: 'AS' });
    const late = exampleManifest({ etaMinutes: -5, tag: 'AL' });
    const [soonRefused, lateRefused] = [soon.shipments[0], late.shipments[0]];
    if (!soonRefused || !lateRefused) throw new Error('fixture changed');
    soonRefused.voecNumber = UNKNOWN_VOEC_NUMBER;
    lateRefused.voecNumber = UNKNOWN_VOEC_NUMBER;
    const soonId = await postManifest(keys.acme, soon);
    await postManifest(keys.acme, late);
    await until('both refused houses settled', async () => {
      const statuses = await Promise.all(
        [soonRefused, lateRefused].map((s) => shipmentStatus(keys.acme, s.shipmentNumber)),
      );
      return statuses.every(settled) ? true : undefined;
    });
    expect((await api(keys.acme, 'POST', '/__local/schedules/run')).status).toBe(200);

    await signIn(page, keys.acme);
    await open(page, '#/alerts');
    const rows = page.locator('table.alerts tbody tr');
    const mine = async () =>
      (await rows.allTextContents()).filter(
        (text) => text.includes(soonRefused.shipmentNumber) || text.includes(lateRefused.shipmentNumber),
      );
    await expect.poll(async () => (await mine()).length).toBeGreaterThanOrEqual(2);
    const texts = await mine();
    const lateIndex = texts.findIndex(
      (text) => text.includes(lateRefused.shipmentNumber) && text.includes('Declare in TVINN'),
    );
    const soonIndex = texts.findIndex(
      (text) => text.includes(soonRefused.shipmentNumber) && text.includes('Not accepted at cut-off'),
    );
    expect(lateIndex).toBeGreaterThanOrEqual(0);
    expect(soonIndex).toBeGreaterThan(lateIndex); // a passed ETA is more urgent
    expect(texts[soonIndex]).toMatch(/in 1 h \d\d min/);

    await page.getByLabel('Flag').selectOption('DECLARE_IN_TVINN');
    await expect
      .poll(async () => (await rows.allTextContents()).every((t) => t.includes('Declare in TVINN')))
      .toBe(true);
    await page.getByLabel('Flag').selectOption('');

    await page.getByRole('link', { name: soonRefused.shipmentNumber }).click();
    await expect
      .poll(() => page.getByRole('heading', { level: 1 }).textContent())
      .toBe(`Shipment ${soonRefused.shipmentNumber}`);
    expect(page.url()).toContain(`#/manifests/${soonId}/shipments/${soonRefused.shipmentNumber}`);
    await page.getByRole('heading', { name: 'Reporting' }).waitFor();
  });
});
