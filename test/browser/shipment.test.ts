/** The shipment page: MRN, the timeline as a readable sequence, Norway's time, the border outcome. */
import { describe, expect, it } from 'vitest';
import {
  api,
  exampleManifest,
  keys,
  open,
  postManifest,
  runSchedules,
  signIn,
  simulator,
  until,
  useConsolePage,
} from './support/console.ts';

const current = useConsolePage('shipment');
/** The page's "At the border" panel. */
const BORDER_PANEL = 'section[aria-labelledby="border-heading"]';

describe('the shipment page', () => {
  it('shows the MRN and the timeline, in Oslo time whatever the browser’s zone', async () => {
    const { page } = current();
    const manifest = exampleManifest({ etaMinutes: 200, tag: 'SH' });
    const manifestId = await postManifest(keys.acme, manifest);
    const number = manifest.shipments[0]?.shipmentNumber ?? '';
    const accepted = await until('the shipment accepted', async () => {
      const detail = (await api(keys.acme, 'GET', `/v1/shipments/${number}`)).body;
      return detail.status === 'ACCEPTED' ? detail : undefined;
    });
    await signIn(page, keys.acme);
    await open(page, `#/manifests/${manifestId}`);
    await page.getByRole('link', { name: number }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe(`Shipment ${number}`);
    await expect.poll(() => page.getByTestId('mrn').textContent()).toBe(accepted.mrn);

    // The timeline keeps growing after ACCEPTED (the transport's own acceptance follows), and the
    // page refreshes itself: compare with what the API says at the same moment, not at first read.
    const events = page.locator('ol.timeline > li');
    const timelineLength = async () =>
      ((await api(keys.acme, 'GET', `/v1/shipments/${number}`)).body.timeline as unknown[]).length;
    await expect
      .poll(
        async () =>
          (await events.count()) === (await timelineLength()) &&
          (await events.count()) >= accepted.timeline.length,
        {
          timeout: 30_000,
        },
      )
      .toBe(true);
    await expect
      .poll(async () => (await events.allTextContents()).some((text) => text.includes('Transport: accepted')))
      .toBe(true);
    const texts = await events.allTextContents();
    expect(texts[0]).toContain('Received');
    expect(texts.some((text) => /Shipment: accepted.*accepted by Digitoll with MRN/.test(text))).toBe(true);
    expect(texts.some((text) => text.includes('Transport: accepted'))).toBe(true);
    // December in Norway is UTC+01:00; the browser runs on New York time.
    const times = await page.locator('ol.timeline time').allTextContents();
    for (const time of times) expect(time).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC\+01:00$/);
    const datetimes = await page
      .locator('ol.timeline time')
      .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('datetime') ?? ''));
    expect(datetimes).toEqual([...datetimes].sort());
    // The submitted data: item lines with their values.
    await expect.poll(() => page.locator('table.items tbody tr').count()).toBe(2);
  });

  it('shows the border outcome once Customs sent a control signal', async () => {
    const { page } = current();
    const manifest = exampleManifest({ etaMinutes: 210, tag: 'SB' });
    const manifestId = await postManifest(keys.acme, manifest);
    const [controlled, released] = manifest.shipments.map((s) => s.shipmentNumber) as [string, string];
    // Customs routes only what Digitoll accepted, on a transport with its MRN.
    const transportMrn = await until('the transport accepted with its MRN', async () => {
      const view = (await api(keys.acme, 'GET', `/v1/manifests/${manifestId}`)).body;
      return view.transport.mrn && view.counts.ACCEPTED === 3 ? (view.transport.mrn as string) : undefined;
    });
    await signIn(page, keys.acme);
    await open(page, `#/manifests/${manifestId}/shipments/${controlled}`);
    await expect
      .poll(() => page.locator(BORDER_PANEL).textContent())
      .toContain('No signal from Customs at the border yet.');

    // Customs orders a control of one house; the camera at the border registers the truck.
    await simulator('/__sim/routing', {
      waybill: controlled,
      routing: 'TO_CONTROL',
      controlLocation: 'ON_ENTRY',
    });
    await simulator('/__sim/arrivals', { transportMrn });
    await runSchedules();
    const border = (await api(keys.acme, 'GET', `/v1/manifests/${manifestId}/shipments/${controlled}`)).body
      .border;
    expect(border).toMatchObject({ routing: 'TO_CONTROL', controlLocation: 'ON_ENTRY' });

    // The page refreshes itself: the routing, where, and when (Oslo time).
    await expect
      .poll(() => page.locator(BORDER_PANEL).textContent(), { timeout: 30_000 })
      .toContain('To control');
    const panel = await page.locator(BORDER_PANEL).textContent();
    expect(panel).toContain('ON_ENTRY');
    expect(await page.locator(`${BORDER_PANEL} time`).textContent()).toMatch(/UTC\+01:00$/);
    expect(await page.locator(`${BORDER_PANEL} time`).getAttribute('datetime')).toBe(border.at);
    // The other houses were released at the border.
    await open(page, `#/manifests/${manifestId}/shipments/${released}`);
    await expect
      .poll(() => page.locator(BORDER_PANEL).textContent(), { timeout: 30_000 })
      .toContain('To entry');
  });
});
