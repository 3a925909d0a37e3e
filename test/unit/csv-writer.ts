/**
 * A CSV writer for tests only: shipments → the bulk-upload CSV format (one row per item line), with
 * RFC 4180 quoting, either delimiter, optional BOM, CRLF and decimal commas. The reader under test
 * (lib/manifest/csv.ts) must read back exactly what this writes.
 */
import { CSV_COLUMNS, type CsvColumn } from '../../lib/manifest/csv.ts';
import type { ShipmentInput } from '../../lib/manifest/schema.ts';

export interface CsvWriteOptions {
  delimiter?: ',' | ';';
  /** Write numbers as 19,99 (quoted when the delimiter is a comma). */
  decimalComma?: boolean;
  bom?: boolean;
  lineBreak?: '\n' | '\r\n';
  /** Quote every field, not only those that need it. */
  quoteAll?: boolean;
  /** The header's columns, in this order (default: all of them). */
  columns?: readonly CsvColumn[];
}

function lookup(source: unknown, path: string[]): unknown {
  let node = source;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

export function csvField(value: string, delimiter: string, quoteAll = false): string {
  const needsQuotes = quoteAll || value.includes(delimiter) || /["\r\n]/.test(value);
  return needsQuotes ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvRows(shipment: ShipmentInput, options: CsvWriteOptions = {}): string[][] {
  const columns = options.columns ?? CSV_COLUMNS;
  return shipment.items.map((item) =>
    columns.map((column) => {
      const value =
        column.level === 'item'
          ? lookup(item, [column.name.slice('items.'.length)])
          : lookup(shipment, column.name.split('.'));
      if (value === undefined) return '';
      if (typeof value === 'number') {
        const text = String(value);
        return options.decimalComma ? text.replace('.', ',') : text;
      }
      return String(value);
    }),
  );
}

export function shipmentsToCsv(shipments: readonly ShipmentInput[], options: CsvWriteOptions = {}): string {
  const delimiter = options.delimiter ?? ',';
  const lineBreak = options.lineBreak ?? '\n';
  const columns = options.columns ?? CSV_COLUMNS;
  const line = (fields: string[]) =>
    fields.map((field) => csvField(field, delimiter, options.quoteAll)).join(delimiter);
  const lines = [line(columns.map((column) => column.name))];
  for (const shipment of shipments) {
    for (const row of csvRows(shipment, options)) lines.push(line(row));
  }
  return `${options.bom ? '\uFEFF' : ''}${lines.join(lineBreak)}${lineBreak}`;
}
