/**
 * The seller statement's arithmetic, by hand from seed 004: quarterly, due 20 days after the
 * quarter ends, amounts rounded to the nearest whole krone; quarters on Norway's calendar.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  quarterOf,
  quarterPeriod,
  type StatementLine,
  statementValueOf,
  voecStatement,
  voecStatementCsv,
  wholeKroner,
} from '../../lib/domain/voec-statement.ts';

describe('quarters in Norway', () => {
  it('start and end at Norwegian midnight, winter and summer time, and are due 20 days after', () => {
    expect(quarterPeriod('2026-Q4')).toEqual({
      quarter: '2026-Q4',
      periodStart: '2026-09-30T22:00:00.000Z', // 1 October 00:00 CEST
      periodEnd: '2026-12-31T23:00:00.000Z', // 1 January 00:00 CET
      filingDeadline: '2027-01-20',
    });
    expect(quarterPeriod('2027-Q1')).toEqual({
      quarter: '2027-Q1',
      periodStart: '2026-12-31T23:00:00.000Z',
      periodEnd: '2027-03-31T22:00:00.000Z', // 1 April is summer time
      filingDeadline: '2027-04-20',
    });
    expect(quarterPeriod('2026-Q2').filingDeadline).toBe('2026-07-20');
    expect(quarterPeriod('2026-Q3').filingDeadline).toBe('2026-10-20');
    // 2028 is a leap year: Q1 ends 31 March whatever February had.
    expect(quarterPeriod('2028-Q1').filingDeadline).toBe('2028-04-20');
  });

  it("puts an instant in the quarter of Norway's calendar, not of UTC", () => {
    expect(quarterOf('2026-12-31T22:59:59.999Z')).toBe('2026-Q4');
    expect(quarterOf('2026-12-31T23:00:00.000Z')).toBe('2027-Q1'); // already New Year in Oslo
    expect(quarterOf('2026-09-30T21:59:59.999Z')).toBe('2026-Q3');
    expect(quarterOf('2026-09-30T22:00:00.000Z')).toBe('2026-Q4');
  });

  it('every quarter contains its own first and last instant (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2000, max: 2100 }), fc.integer({ min: 1, max: 4 }), (year, q) => {
        const quarter = `${year}-Q${q}`;
        const period = quarterPeriod(quarter);
        expect(quarterOf(period.periodStart)).toBe(quarter);
        expect(quarterOf(new Date(Date.parse(period.periodEnd) - 1).toISOString())).toBe(quarter);
        expect(quarterOf(period.periodEnd)).not.toBe(quarter);
      }),
    );
  });
});

describe('whole kroner', () => {
  it('rounds to the nearest krone, half a krone up', () => {
    expect(wholeKroner(19_949)).toBe(199);
    expect(wholeKroner(19_950)).toBe(200);
    expect(wholeKroner(84_750)).toBe(848);
    expect(wholeKroner(0)).toBe(0);
  });

  it('is never more than half a krone away (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), (ore) => {
        const kroner = wholeKroner(ore);
        expect(Number.isInteger(kroner)).toBe(true);
        expect(Math.abs(kroner * 100 - ore)).toBeLessThanOrEqual(50);
        if (ore % 100 === 50) expect(kroner * 100).toBeGreaterThan(ore);
      }),
    );
  });

  it("values the example's shipments in øre exactly: Σ unit value × quantity", () => {
    // RR123456785SE: 2 × 199.00 + 1 × 449.50 = 847.50 NOK.
    expect(
      statementValueOf([
        { unitValueNok: 199, quantity: 2 },
        { unitValueNok: 449.5, quantity: 1 },
      ]),
    ).toEqual({ itemLines: 2, valueOre: 84_750 });
    // 0.1 + 0.2 in floating point is not 0.3; in øre it is.
    expect(
      statementValueOf([
        { unitValueNok: 0.1, quantity: 1 },
        { unitValueNok: 0.2, quantity: 1 },
      ]).valueOre,
    ).toBe(30);
  });
});

describe('the statement', () => {
  const lines: Record<string, StatementLine[]> = {
    acme: [
      { voecNumber: '2056550', manifestId: 'm-2', shipmentNumber: 'B1', itemLines: 2, valueOre: 84_750 },
      { voecNumber: '2056550', manifestId: 'm-1', shipmentNumber: 'A1', itemLines: 1, valueOre: 84_750 },
      { voecNumber: '2021137', manifestId: 'm-1', shipmentNumber: 'A2', itemLines: 1, valueOre: 124_900 },
    ],
    beta: [
      { voecNumber: '2056550', manifestId: 'm-9', shipmentNumber: 'C1', itemLines: 3, valueOre: 316_600 },
    ],
  };
  const reads = {
    asked: [] as string[],
    async statementLines(partnerId: string, quarter: string, voecNumber?: string) {
      this.asked.push(`${partnerId}/${quarter}/${voecNumber ?? '*'}`);
      return (lines[partnerId] ?? []).filter((line) => !voecNumber || line.voecNumber === voecNumber);
    },
  };

  it('groups by VOEC number across the partners asked for, totals rounded once from the exact sum', async () => {
    const statement = await voecStatement(reads, ['acme', 'beta'], '2026-Q4');
    expect(statement).toEqual({
      quarter: '2026-Q4',
      periodStart: '2026-09-30T22:00:00.000Z',
      periodEnd: '2026-12-31T23:00:00.000Z',
      filingDeadline: '2027-01-20',
      timeZone: 'Europe/Oslo',
      sellers: [
        {
          voecNumber: '2021137',
          shipmentCount: 1,
          itemLineCount: 1,
          valueNok: 1249,
          shipments: [{ manifestId: 'm-1', shipmentNumber: 'A2', itemLines: 1, valueNok: 1249 }],
        },
        {
          voecNumber: '2056550',
          shipmentCount: 3,
          itemLineCount: 6,
          // 847.50 + 847.50 + 3,166.00 = 4,861.00 (each shipment alone rounds to 848).
          valueNok: 4861,
          shipments: [
            { manifestId: 'm-1', shipmentNumber: 'A1', itemLines: 1, valueNok: 848 },
            { manifestId: 'm-2', shipmentNumber: 'B1', itemLines: 2, valueNok: 848 },
            { manifestId: 'm-9', shipmentNumber: 'C1', itemLines: 3, valueNok: 3166 },
          ],
        },
      ],
    });
    expect(reads.asked).toEqual(['acme/2026-Q4/*', 'beta/2026-Q4/*']);
  });

  it('reads only the partner it is asked for, one seller when named, and writes CSV rows per shipment', async () => {
    const statement = await voecStatement(reads, ['acme'], '2026-Q4', '2056550');
    expect(statement.sellers.map((seller) => [seller.voecNumber, seller.valueNok])).toEqual([
      ['2056550', 1695],
    ]);
    expect(voecStatementCsv(statement)).toBe(
      'quarter,voecNumber,manifestId,shipmentNumber,itemLines,valueNok,filingDeadline\r\n' +
        '2026-Q4,2056550,m-1,A1,1,848,2027-01-20\r\n' +
        '2026-Q4,2056550,m-2,B1,2,848,2027-01-20\r\n',
    );
  });
});
