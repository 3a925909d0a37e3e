/** The VOEC seller statement: per VOEC number and quarter, totals that match the API. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quarterOf } from '../../lib/domain/voec-statement.ts';
import {
  api,
  exampleManifest,
  keys,
  open,
  postManifest,
  RESULTS_DIR,
  shipmentStatus,
  signIn,
  until,
  useConsolePage,
} from './support/console.ts';

const current = useConsolePage('statement');

describe('the VOEC seller statement', () => {
  it('shows per VOEC number the shipments, item lines and whole-kroner value of a quarter, with totals that match the API, and downloads CSV', async () => {
    const { page } = current();
    const manifest = exampleManifest({ etaMinutes: 180, tag: 'ST' });
    await postManifest(keys.acme, manifest);
    for (const shipment of manifest.shipments) {
      await until(`${shipment.shipmentNumber} accepted`, async () =>
        (await shipmentStatus(keys.acme, shipment.shipmentNumber)) === 'ACCEPTED' ? true : undefined,
      );
    }
    // The quarter is the page's input (this one, as the house was accepted now), not its answer.
    const quarter = quarterOf(new Date().toISOString());
    await until('the statement holds the three shipments', async () => {
      const body = (await api(keys.acme, 'GET', `/v1/voec-statements?quarter=${quarter}`)).body;
      const numbers = body.sellers.flatMap((s: any) => s.shipments.map((x: any) => x.shipmentNumber));
      return manifest.shipments.every((s) => numbers.includes(s.shipmentNumber)) ? true : undefined;
    });
    await signIn(page, keys.acme);
    await open(page, `#/statements?quarter=${quarter}`);
    const sum = (statement: any, pick: (seller: any) => number) =>
      statement.sellers.reduce((n: number, s: any) => n + pick(s), 0);
    const digits = (text: string | null) => Number((text ?? '').replace(/\D/g, ''));
    // Other browser tests' houses under this partner are accepted meanwhile, each adding to the
    // statement: compare the page with an API answer that did not change while the page loaded.
    const statement = await until('a page and an API answer of the same moment', async () => {
      const before = (await api(keys.acme, 'GET', `/v1/voec-statements?quarter=${quarter}`)).body;
      await page.reload();
      await page.locator('[data-total="shipments"]').waitFor();
      const shown = {
        rows: await page.locator('table.statement tbody tr[data-voec]').count(),
        shipments: digits(await page.locator('[data-total="shipments"]').textContent()),
        lines: digits(await page.locator('[data-total="lines"]').textContent()),
        value: digits(await page.locator('[data-total="value"]').textContent()),
      };
      const after = (await api(keys.acme, 'GET', `/v1/voec-statements?quarter=${quarter}`)).body;
      if (JSON.stringify(before.sellers) !== JSON.stringify(after.sellers)) return undefined;
      return { body: after, shown };
    });
    expect(statement.shown).toEqual({
      rows: statement.body.sellers.length,
      shipments: sum(statement.body, (s) => s.shipmentCount),
      lines: sum(statement.body, (s) => s.itemLineCount),
      value: sum(statement.body, (s) => s.valueNok),
    });
    // By hand from the example: LX…'s seller (VOEC 2021137) has one line of 1,249.00 NOK here.
    const mine = statement.body.sellers
      .find((s: any) => s.voecNumber === '2021137')
      ?.shipments.find((s: any) => s.shipmentNumber === manifest.shipments[1]?.shipmentNumber);
    expect(mine).toMatchObject({ itemLines: 1, valueNok: 1249 });

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    const saved = join(RESULTS_DIR, download.suggestedFilename());
    await download.saveAs(saved);
    expect(readFileSync(saved, 'utf8')).toContain(`,2021137,`);
  });

  it('a partner sees only its own shipments in the statement; an operator sees every partner', async () => {
    const manifest = exampleManifest({ etaMinutes: 180, tag: 'SN' });
    await postManifest(keys.nordic, manifest);
    const [first] = manifest.shipments;
    if (!first) throw new Error('fixture changed');
    await until('accepted', async () =>
      (await shipmentStatus(keys.nordic, first.shipmentNumber)) === 'ACCEPTED' ? true : undefined,
    );
    const quarter = quarterOf(new Date().toISOString());
    const numbers = async (key: string) =>
      JSON.stringify((await api(key, 'GET', `/v1/voec-statements?quarter=${quarter}`)).body);
    await until('in the statement of nordic', async () =>
      (await numbers(keys.nordic)).includes(first.shipmentNumber) ? true : undefined,
    );
    expect(await numbers(keys.acme)).not.toContain(first.shipmentNumber);
    expect(await numbers(keys.operator)).toContain(first.shipmentNumber);
  });
});
