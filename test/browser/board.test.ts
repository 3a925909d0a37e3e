/**
 * The border board: transports with live countdowns, counts by status and a colour (with its
 * words) for what needs a human; auto-refresh that keeps filters and scroll.
 *
 * The board is GET /v1/manifests: every transport of the partner (an operator: of every partner)
 * not yet across, so each test looks at its own rows (by manifest id) among the others;
 * `CONSOLE_BOARD_SCREENSHOT=docs/console-board.png npx vitest run --project browser board` also
 * writes the README's screenshot from this real run.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  exampleAirManifest,
  exampleManifest,
  keys,
  type Manifest,
  postManifest,
  settled,
  shipmentStatus,
  signIn,
  UNKNOWN_VOEC_NUMBER,
  until,
  useConsolePage,
} from './support/console.ts';

const current = useConsolePage('board');
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The board's rows of these manifests, in the board's order. */
const rowsOf = (page: Page, ids: readonly string[]) =>
  page
    .locator('table.board tbody tr')
    .evaluateAll(
      (trs, wanted) =>
        trs
          .filter((tr) => wanted.includes(tr.getAttribute('data-manifest-id') ?? ''))
          .map((tr) => tr.getAttribute('data-manifest-id') ?? ''),
      ids,
    );
const row = (page: Page, id: string) => page.locator(`table.board tbody tr[data-manifest-id="${id}"]`);

async function allSettled(key: string, manifests: Manifest[]): Promise<void> {
  const numbers = manifests.flatMap((m) => m.shipments.map((s) => s.shipmentNumber));
  await until('every house settled', async () => {
    const statuses = await Promise.all(numbers.map((n) => shipmentStatus(key, n)));
    return statuses.every(settled) ? true : undefined;
  });
}

describe('the border board', () => {
  it('shows each transport with live countdowns, counts by status and what needs a human', async () => {
    const { page } = current();
    const calm = exampleManifest({ etaMinutes: 300, tag: 'BC', plate: 'CALM01' });
    // ETA in 2 h 10 min: the cut-off is 10 minutes away, so its countdown runs in seconds.
    const near = exampleManifest({ etaMinutes: 130, tag: 'BN', plate: 'NEAR02' });
    const refused = exampleManifest({ etaMinutes: 95, tag: 'BR', plate: 'STOP03' });
    const [bad] = refused.shipments;
    if (!bad) throw new Error('fixture changed');
    bad.voecNumber = UNKNOWN_VOEC_NUMBER;
    // One shipment breaks a VOEC rule (an item at NOK 3,000 or more): it is never reported.
    const rejected = exampleManifest({ etaMinutes: 200, tag: 'BW', plate: 'WARN04' });
    const [, , expensive] = rejected.shipments;
    const item = (expensive?.items as Array<{ unitValueNok: number }> | undefined)?.[0];
    if (!item) throw new Error('fixture changed');
    item.unitValueNok = 3500;
    // Without a transit: a rejected shipment in a transit would make it mixed (red).
    delete rejected.transit;
    const ids = [
      await postManifest(keys.acme, calm),
      await postManifest(keys.acme, near),
      await postManifest(keys.acme, refused),
      await postManifest(keys.acme, rejected),
    ];
    // Every reported house settled (the rejected one never is reported).
    const reported = [
      ...calm.shipments,
      ...near.shipments,
      ...refused.shipments,
      ...rejected.shipments.slice(0, 2),
    ];
    await until('every house settled', async () => {
      const statuses = await Promise.all(reported.map((s) => shipmentStatus(keys.acme, s.shipmentNumber)));
      return statuses.every(settled) ? true : undefined;
    });

    await signIn(page, keys.acme);
    // The board lists them without anything opened first; counts may lag their snapshot by up to 30 s.
    await expect.poll(() => rowsOf(page, ids), { timeout: 20_000 }).toHaveLength(4);
    const [calmId, nearId, refusedId, rejectedId] = ids as [string, string, string, string];
    await expect
      .poll(() => row(page, calmId).textContent(), { timeout: 60_000, interval: 1_000 })
      .toContain('Accepted 3');
    await expect
      .poll(() => row(page, refusedId).locator('td.needs').textContent(), {
        timeout: 60_000,
        interval: 1_000,
      })
      .toContain('1 shipment refused by Digitoll');
    // Every row's counts taken after the houses settled (a snapshot from before lasts up to 30 s).
    await expect
      .poll(() => Promise.all(ids.map((id) => row(page, id).getAttribute('class'))), {
        timeout: 60_000,
        interval: 1_000,
      })
      .toEqual(['level-ok', 'level-ok', 'level-action', 'level-watch']);
    expect(await page.getByText('does not list transports yet').count()).toBe(0);

    // Most urgent first (red, amber, then the rest), each group by ETA.
    expect(await rowsOf(page, ids)).toEqual([refusedId, rejectedId, nearId, calmId]);
    const plates = await Promise.all(
      [refusedId, rejectedId, nearId, calmId].map((id) => row(page, id).locator('a.vehicle').textContent()),
    );
    expect(plates).toEqual(['STOP03 (SE)', 'WARN04 (SE)', 'NEAR02 (SE)', 'CALM01 (SE)']);
    const stop = row(page, refusedId);
    expect(await stop.getAttribute('class')).toBe('level-action');
    expect(await stop.locator('td.needs').textContent()).toContain(
      'Needs action1 shipment refused by Digitoll',
    );
    expect(await stop.locator('td.needs').textContent()).toContain('not accepted inside the cut-off');
    expect(await row(page, rejectedId).getAttribute('class')).toBe('level-watch');
    expect(await row(page, rejectedId).locator('td.needs').textContent()).toBe(
      'Watch1 shipment rejected by the VOEC rules',
    );
    expect(await row(page, calmId).getAttribute('class')).toBe('level-ok');
    expect(await row(page, calmId).textContent()).toContain('Accepted 3');
    // A partner sees no partner column (it is the operator's).
    expect(await page.locator('table.board thead th', { hasText: 'Partner' }).count()).toBe(0);

    // The cut-off countdown ticks by itself, in Oslo time.
    const nearRow = row(page, nearId);
    const cutoff = nearRow.locator('td:nth-child(4) .countdown');
    const first = await cutoff.locator('strong').textContent();
    expect(first).toMatch(/^in (9|10) min \d\d s$/);
    await expect.poll(() => cutoff.locator('strong').textContent(), { timeout: 5_000 }).not.toBe(first);
    expect(await cutoff.locator('time').textContent()).toMatch(/UTC\+01:00$/);
    expect(await nearRow.locator('td:nth-child(5) strong').textContent()).toMatch(/^in 2 h (09|10) min$/);

    const screenshot = process.env.CONSOLE_BOARD_SCREENSHOT;
    if (screenshot) await page.screenshot({ path: join(projectRoot, screenshot), fullPage: true });
  });

  it('refreshes every 15 s without losing its filters or the scroll position', async () => {
    const { page } = current();
    await page.setViewportSize({ width: 1000, height: 420 });
    const manifest = exampleManifest({ etaMinutes: 100, tag: 'BF', plate: 'FILT04' });
    const [bad] = manifest.shipments;
    if (!bad) throw new Error('fixture changed');
    bad.voecNumber = UNKNOWN_VOEC_NUMBER;
    const calm = exampleManifest({ etaMinutes: 400, tag: 'BG', plate: 'CALM05' });
    const ids = [await postManifest(keys.acme, manifest), await postManifest(keys.acme, calm)];
    await signIn(page, keys.acme);
    await expect.poll(() => rowsOf(page, ids), { timeout: 20_000 }).toHaveLength(2);
    await page.getByLabel('Only what needs a human').check();
    // Only the one with a refused house (red) of these two stays; other tests' rows may be there too.
    await expect.poll(() => rowsOf(page, ids), { timeout: 60_000, interval: 1_000 }).toEqual([ids[0]]);
    expect(page.url()).toContain('attention=1');
    await page.evaluate(() => window.scrollTo(0, 200));
    const scrolled = await page.evaluate(() => window.scrollY);
    expect(scrolled).toBeGreaterThan(0);
    const updated = page.locator('.refresh time');
    const before = await updated.textContent();
    await expect.poll(() => updated.textContent(), { timeout: 25_000, interval: 1_000 }).not.toBe(before);
    expect(await page.getByLabel('Only what needs a human').isChecked()).toBe(true);
    expect(await rowsOf(page, ids)).toEqual([ids[0]]);
    expect(await page.evaluate(() => window.scrollY)).toBe(scrolled);
  });

  it('lists every transport not yet across the border, trucks and flights, soonest first', async () => {
    const { page } = current();
    const truck = exampleManifest({ etaMinutes: 330, tag: 'LT', plate: 'LIST01' });
    const flight = exampleAirManifest({ etaMinutes: 270, tag: 'LF', flightNumber: 'QR5150' });
    // Arrived 4 hours ago: more than 3 hours past its ETA, it has crossed and leaves the board.
    const gone = exampleManifest({ etaMinutes: -240, tag: 'LG', plate: 'GONE02' });
    const ids = [
      await postManifest(keys.acme, truck),
      await postManifest(keys.acme, flight),
      await postManifest(keys.acme, gone),
    ];
    const [truckId, flightId, goneId] = ids as [string, string, string];
    await allSettled(keys.acme, [truck, flight]);
    await signIn(page, keys.acme);
    // Both all accepted (the same colour): the flight, 1 hour sooner, comes first.
    await expect
      .poll(
        async () => [
          await row(page, truckId).getAttribute('class'),
          await row(page, flightId).getAttribute('class'),
        ],
        { timeout: 60_000, interval: 1_000 },
      )
      .toEqual(['level-ok', 'level-ok']);
    expect(await rowsOf(page, ids)).toEqual([flightId, truckId]);
    expect(await row(page, goneId).count()).toBe(0);
    // The filter by transport keeps one of them.
    await page.getByLabel('Transport').selectOption('AIR');
    await expect.poll(() => rowsOf(page, ids)).toEqual([flightId]);
    await page.getByLabel('Transport').selectOption('ROAD');
    await expect.poll(() => rowsOf(page, ids)).toEqual([truckId]);
  });

  it('shows a flight with its flight number instead of a plate', async () => {
    const { page } = current();
    const flight = exampleAirManifest({ etaMinutes: 280, tag: 'FN', flightNumber: 'EX0836' });
    const flightId = await postManifest(keys.acme, flight);
    await signIn(page, keys.acme);
    const flightRow = row(page, flightId);
    await flightRow.waitFor({ timeout: 20_000 });
    expect(await flightRow.locator('.mode').textContent()).toBe('Flight');
    expect(await flightRow.locator('a.vehicle').textContent()).toBe('EX0836');
    expect(await flightRow.textContent()).toContain('Gardermoen');
    await flightRow.locator('a.vehicle').click();
    await expect.poll(() => page.url()).toContain(`#/manifests/${flightId}`);
    await page.locator('table.shipments').waitFor();
  });

  it('an operator sees every partner’s transports, each with its partner', async () => {
    const { page } = current();
    const acme = exampleManifest({ etaMinutes: 310, tag: 'OA', plate: 'ACME01' });
    const nordic = exampleManifest({ etaMinutes: 290, tag: 'ON', plate: 'NORD02' });
    const ids = [await postManifest(keys.acme, acme), await postManifest(keys.nordic, nordic)];
    const [acmeId, nordicId] = ids as [string, string];
    await allSettled(keys.acme, [acme]);
    await allSettled(keys.nordic, [nordic]);
    await signIn(page, keys.operator);
    await expect.poll(() => page.locator('.who').textContent()).toContain('Operator');
    await expect
      .poll(() => rowsOf(page, ids), { timeout: 60_000, interval: 1_000 })
      .toEqual([nordicId, acmeId]);
    expect(await page.locator('table.board thead th', { hasText: 'Partner' }).count()).toBe(1);
    expect(await row(page, acmeId).locator('td.partner').textContent()).toBe('acme');
    expect(await row(page, nordicId).locator('td.partner').textContent()).toBe('nordic');
    // The operator opens another partner's manifest from the board, read-only.
    await row(page, nordicId).locator('a.vehicle').click();
    await page.locator('table.shipments').waitFor();
    expect(await page.locator('table.shipments tbody tr').count()).toBe(3);
  });
});
