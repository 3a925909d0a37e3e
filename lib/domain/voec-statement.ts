/**
 * The VOEC seller statement (seed 004): a VOEC seller reports and pays the VAT per quarter, due 20
 * days after the quarter ends, in whole kroner ("avrundes til nærmeste hele krone"). The carrier
 * knows which shipments it reported to Customs under each VOEC number and their declared NOK
 * value; this statement lists them per seller and quarter so a seller or marketplace can
 * reconcile what crossed the border with its return. It is not the VAT return: it knows neither
 * sales that did not cross with this carrier nor the VAT itself.
 *
 * A shipment counts in the quarter (Norway's time) in which Digitoll accepted its house
 * consignment; withdrawing it removes it. Values are summed in øre (integers, exact) and rounded
 * to whole kroner once per shipment and once per seller total, half a krone up.
 */
import { z } from 'zod';
import { norwayMidnight, norwayWallClock } from './norway-time.ts';

export const Quarter = z
  .string()
  .regex(/^\d{4}-Q[1-4]$/, { message: 'must be a quarter such as 2026-Q4' })
  .describe('A calendar quarter in Norway: YYYY-Q1..Q4');
export type Quarter = z.infer<typeof Quarter>;

/** Days after the quarter's end by which the return and the payment are due (seed 004). */
export const FILING_DAYS_AFTER_QUARTER = 20;

export interface QuarterPeriod {
  quarter: Quarter;
  /** The first instant of the quarter (Norway's midnight), ISO 8601 UTC. */
  periodStart: string;
  /** The first instant after the quarter, exclusive. */
  periodEnd: string;
  /** The last day to file and pay, a calendar date in Norway. */
  filingDeadline: string;
}

const parse = (quarter: Quarter) => {
  const [year, q] = quarter.split('-Q').map(Number) as [number, number];
  return { year, q };
};

export function quarterPeriod(quarter: Quarter): QuarterPeriod {
  const { year, q } = parse(quarter);
  const startMonth = (q - 1) * 3 + 1;
  const next = q === 4 ? { year: year + 1, month: 1 } : { year, month: startMonth + 3 };
  // The quarter's last day + 20 days, as a calendar date (no time zone arithmetic needed).
  const lastDay = new Date(Date.UTC(next.year, next.month - 1, 1) - 86_400_000);
  const deadline = new Date(lastDay.getTime() + FILING_DAYS_AFTER_QUARTER * 86_400_000);
  return {
    quarter,
    periodStart: norwayMidnight(year, startMonth, 1).toISOString(),
    periodEnd: norwayMidnight(next.year, next.month, 1).toISOString(),
    filingDeadline: deadline.toISOString().slice(0, 10),
  };
}

/** The quarter an instant falls in, on Norway's calendar. */
export function quarterOf(instant: string): Quarter {
  const clock = norwayWallClock(new Date(instant));
  return `${clock.year}-Q${Math.floor((clock.month - 1) / 3) + 1}`;
}

/** One reported shipment as the statement counts it. */
export interface StatementLine {
  voecNumber: string;
  manifestId: string;
  shipmentNumber: string;
  itemLines: number;
  /** The declared value, Σ unit value × quantity, in øre. */
  valueOre: number;
}

/** What a shipment contributes: its item lines and their value in øre. */
export function statementValueOf(items: ReadonlyArray<{ unitValueNok: number; quantity: number }>): {
  itemLines: number;
  valueOre: number;
} {
  return {
    itemLines: items.length,
    // Unit values have at most 2 decimals (the schema), so øre are exact integers.
    valueOre: items.reduce((sum, item) => sum + Math.round(item.unitValueNok * 100) * item.quantity, 0),
  };
}

/** Nearest whole krone, half a krone up. */
export function wholeKroner(ore: number): number {
  return Math.floor((ore + 50) / 100);
}

export interface SellerStatement {
  voecNumber: string;
  shipmentCount: number;
  itemLineCount: number;
  valueNok: number;
  shipments: Array<{ manifestId: string; shipmentNumber: string; itemLines: number; valueNok: number }>;
}

export interface VoecStatement extends QuarterPeriod {
  timeZone: 'Europe/Oslo';
  sellers: SellerStatement[];
}

export interface StatementReads {
  /** The lines a partner's reported shipments made in a quarter, optionally of one VOEC number. */
  statementLines(partnerId: string, quarter: Quarter, voecNumber?: string): Promise<StatementLine[]>;
}

/** The statement of a quarter over the given partners' shipments, sellers by VOEC number. */
export async function voecStatement(
  reads: StatementReads,
  partnerIds: readonly string[],
  quarter: Quarter,
  voecNumber?: string,
): Promise<VoecStatement> {
  const lines = (
    await Promise.all(partnerIds.map((partnerId) => reads.statementLines(partnerId, quarter, voecNumber)))
  ).flat();
  const bySeller = new Map<string, StatementLine[]>();
  for (const line of lines) bySeller.set(line.voecNumber, [...(bySeller.get(line.voecNumber) ?? []), line]);
  const sellers = [...bySeller.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([number, own]): SellerStatement => {
      const sorted = [...own].sort(
        (a, b) =>
          a.manifestId.localeCompare(b.manifestId) || a.shipmentNumber.localeCompare(b.shipmentNumber),
      );
      return {
        voecNumber: number,
        shipmentCount: sorted.length,
        itemLineCount: sorted.reduce((sum, line) => sum + line.itemLines, 0),
        valueNok: wholeKroner(sorted.reduce((sum, line) => sum + line.valueOre, 0)),
        shipments: sorted.map((line) => ({
          manifestId: line.manifestId,
          shipmentNumber: line.shipmentNumber,
          itemLines: line.itemLines,
          valueNok: wholeKroner(line.valueOre),
        })),
      };
    });
  return { ...quarterPeriod(quarter), timeZone: 'Europe/Oslo', sellers };
}

/** The statement as CSV, one row per shipment (a spreadsheet sums it). */
export function voecStatementCsv(statement: VoecStatement): string {
  const rows = [
    ['quarter', 'voecNumber', 'manifestId', 'shipmentNumber', 'itemLines', 'valueNok', 'filingDeadline'],
  ];
  for (const seller of statement.sellers) {
    for (const shipment of seller.shipments) {
      rows.push([
        statement.quarter,
        seller.voecNumber,
        shipment.manifestId,
        shipment.shipmentNumber,
        String(shipment.itemLines),
        String(shipment.valueNok),
        statement.filingDeadline,
      ]);
    }
  }
  // No field can hold a comma, quote or line break (ids, digits, dates), so none needs quoting.
  return `${rows.map((row) => row.join(',')).join('\r\n')}\r\n`;
}
