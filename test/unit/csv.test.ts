import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CSV_COLUMNS,
  type CsvChunk,
  type CsvProblem,
  type CsvReadOptions,
  readShipmentsCsv,
} from '../../lib/manifest/csv.ts';
import { ManifestRequest, Shipment, type ShipmentInput } from '../../lib/manifest/schema.ts';
import { fieldErrorsFromZod, PARSE_OPTIONS } from '../../lib/manifest/validation.ts';
import { csvRows, shipmentsToCsv } from './csv-writer.ts';
import { shipment as shipmentArbitrary } from './rules/arbitraries.ts';

const example = ManifestRequest.parse(
  JSON.parse(readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8')),
);
const exampleCsv = readFileSync(new URL('../../examples/manifest.example.csv', import.meta.url));

async function readAll(
  input: string | Buffer | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  options?: CsvReadOptions,
) {
  const source = typeof input === 'string' || Buffer.isBuffer(input) ? [input] : input;
  const chunks: CsvChunk[] = [];
  for await (const chunk of readShipmentsCsv(source, options)) chunks.push(chunk);
  return {
    chunks,
    shipments: chunks.flatMap((chunk) => chunk.shipments.map((entry) => entry.shipment)),
    located: chunks.flatMap((chunk) => chunk.shipments),
    problems: chunks.flatMap((chunk) => chunk.problems),
  };
}

const [template] = example.shipments;
if (!template) throw new Error('the example has no shipment');
const header = CSV_COLUMNS.map((column) => column.name);
const columnNumber = (name: string) => header.indexOf(name) + 1;

/** The example's first shipment as CSV rows, with one field replaced on the given item row. */
function csvWith(
  replace: { column: string; value: string; itemRow?: number },
  delimiter: ',' | ';' = ',',
): string {
  const rows = csvRows(template as ShipmentInput);
  const row = rows[replace.itemRow ?? 0];
  if (!row) throw new Error('no such row');
  row[header.indexOf(replace.column)] = replace.value;
  const quote = (field: string) =>
    field.includes(delimiter) || /["\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
  return [header, ...rows].map((fields) => fields.map(quote).join(delimiter)).join('\n');
}

describe('CSV shipments: the example', () => {
  it('examples/manifest.example.csv holds exactly the JSON example’s shipments', async () => {
    const { shipments, problems, located } = await readAll(exampleCsv);
    expect(problems).toEqual([]);
    expect(shipments).toEqual(example.shipments);
    expect(located.map(({ firstLine, lastLine }) => [firstLine, lastLine])).toEqual([
      [2, 3],
      [4, 4],
      [5, 6],
    ]);
  });

  it('the column list mirrors the Shipment schema: every leaf field once, required as in the schema', () => {
    const leaves = (schema: unknown, prefix: string): Array<{ name: string; required: boolean }> => {
      const shape = (schema as { shape?: Record<string, unknown> }).shape;
      if (!shape) return [];
      return Object.entries(shape).flatMap(([key, field]) => {
        const optional = (field as { isOptional(): boolean }).isOptional();
        const inner = optional ? (field as { unwrap(): unknown }).unwrap() : field;
        const element = (inner as { element?: unknown }).element;
        const name = `${prefix}${key}`;
        if (element) return leaves(element, `${name}.`);
        if ((inner as { shape?: unknown }).shape) return leaves(inner, `${name}.`);
        return [{ name, required: !optional }];
      });
    };
    expect(
      CSV_COLUMNS.map(({ name, required }) => ({ name, required })).sort((a, b) =>
        a.name.localeCompare(b.name),
      ),
    ).toEqual(leaves(Shipment, '').sort((a, b) => a.name.localeCompare(b.name)));
  });
});

describe('CSV shipments: the rules', () => {
  it('reads UTF-8 with or without a BOM, either delimiter, LF or CRLF', async () => {
    for (const delimiter of [',', ';'] as const) {
      for (const bom of [false, true]) {
        for (const lineBreak of ['\n', '\r\n'] as const) {
          const { shipments, problems } = await readAll(
            shipmentsToCsv(example.shipments, { delimiter, bom, lineBreak }),
          );
          expect(problems).toEqual([]);
          expect(shipments).toEqual(example.shipments);
        }
      }
    }
  });

  it('reads a BOM and multi-byte characters split across chunks', async () => {
    const bytes = Buffer.from(shipmentsToCsv(example.shipments, { bom: true }), 'utf8');
    // One byte at a time: the BOM, "å" and "ø" are split between chunks.
    const { shipments } = await readAll(Readable.from(Array.from(bytes, (byte) => Buffer.from([byte]))));
    expect(shipments).toEqual(example.shipments);
  });

  it('takes quoted fields per RFC 4180: embedded delimiters, doubled quotes and line breaks', async () => {
    const tricky = {
      ...template,
      goodsDescription: 'Shirts; "premium", with\nnotes',
      consignee: { ...template.consignee, name: 'Kari "K" Nordmann, Jr.' },
      items: [{ ...template.items[0], description: 'line one\r\nline two; "quoted"' }],
    } as ShipmentInput;
    for (const delimiter of [',', ';'] as const) {
      const { shipments, problems, located } = await readAll(
        shipmentsToCsv([tricky, example.shipments[1] as ShipmentInput], { delimiter }),
      );
      expect(problems).toEqual([]);
      expect(shipments).toEqual([tricky, example.shipments[1]]);
      // Lines count the breaks inside quoted fields: the row after the tricky one starts at line 5.
      expect(located.map((entry) => entry.firstLine)).toEqual([2, 5]);
    }
  });

  it('accepts a decimal comma with ";" and, quoted, with ","', async () => {
    const semicolon = await readAll(
      shipmentsToCsv(example.shipments, { delimiter: ';', decimalComma: true }),
    );
    expect(semicolon.problems).toEqual([]);
    expect(semicolon.shipments).toEqual(example.shipments);
    const comma = await readAll(shipmentsToCsv(example.shipments, { delimiter: ',', decimalComma: true }));
    expect(comma.problems).toEqual([]);
    expect(comma.shipments).toEqual(example.shipments);
    const quoted = await readAll(csvWith({ column: 'items.unitValueNok', value: '19,99' }));
    expect(quoted.shipments[0]?.items[0]?.unitValueNok).toBe(19.99);
  });

  it('says why when an unquoted decimal comma splits a field under ","', async () => {
    const text = csvWith({ column: 'items.unitValueNok', value: '19,99' }).replace('"19,99"', '19,99');
    const { shipments, problems } = await readAll(text);
    expect(shipments).toEqual([]);
    expect(problems).toContainEqual(
      expect.objectContaining({
        line: 2,
        code: 'field_count',
        message: expect.stringMatching(/must be quoted/),
      }),
    );
  });

  it('refuses unknown and duplicate columns and names each missing required one', async () => {
    const unknown = await readAll(`${header.join(',')},consignee.fax\n`);
    expect(unknown.problems).toEqual([
      expect.objectContaining({
        line: 1,
        column: 'consignee.fax',
        columnNumber: header.length + 1,
        code: 'unknown_column',
      }),
    ]);
    const missing = await readAll(
      `${header.filter((name) => name !== 'items.quantity' && name !== 'voecNumber').join(';')}\n`,
    );
    expect(missing.problems.map(({ column, code, line }) => ({ column, code, line }))).toEqual([
      { column: 'voecNumber', code: 'missing_column', line: 1 },
      { column: 'items.quantity', code: 'missing_column', line: 1 },
    ]);
    const duplicate = await readAll(`${header.join(',')},packages\n`);
    expect(duplicate.problems).toEqual([
      expect.objectContaining({ code: 'duplicate_column', columnNumber: header.length + 1 }),
    ]);
    const empty = await readAll('');
    expect(empty.problems).toEqual([expect.objectContaining({ line: 1, code: 'missing_header' })]);
  });

  it('accepts optional columns left out of the header, and the columns in any order', async () => {
    const columns = [...CSV_COLUMNS].filter((column) => column.required).reverse();
    const { shipments, problems } = await readAll(shipmentsToCsv(example.shipments, { columns }));
    expect(problems).toEqual([]);
    expect(shipments).toEqual(example.shipments);
  });

  it('refuses a shipment whose rows are not consecutive, at the line where it reappears', async () => {
    const [first, second] = example.shipments as [ShipmentInput, ShipmentInput];
    const text = shipmentsToCsv([
      { ...first, items: [first.items[0] as ShipmentInput['items'][number]] },
      second,
      { ...first, items: [first.items[1] as ShipmentInput['items'][number]] },
    ]);
    const { shipments, problems } = await readAll(text);
    expect(shipments.map((shipment) => shipment.shipmentNumber)).toEqual([
      first.shipmentNumber,
      second.shipmentNumber,
    ]);
    expect(problems).toEqual([
      {
        line: 4,
        column: 'shipmentNumber',
        columnNumber: 1,
        code: 'not_consecutive',
        message: expect.stringMatching(/rows start at line 2.*must be consecutive/),
        shipmentNumber: first.shipmentNumber,
      },
    ]);
  });

  it('refuses rows of one shipment that disagree on a shipment column', async () => {
    const { shipments, problems } = await readAll(
      csvWith({ column: 'consignee.name', value: 'Someone Else', itemRow: 1 }),
    );
    expect(shipments).toEqual([]);
    expect(problems).toEqual([
      expect.objectContaining({
        line: 3,
        column: 'consignee.name',
        columnNumber: columnNumber('consignee.name'),
        code: 'inconsistent',
      }),
    ]);
  });

  it('a bad commodity code on line 3 is reported at line 3, column items.commodityCode, as JSON would word it', async () => {
    const { shipments, problems } = await readAll(
      csvWith({ column: 'items.commodityCode', value: '61091', itemRow: 1 }),
    );
    expect(shipments).toEqual([]);
    const bad = structuredClone(template) as ShipmentInput;
    (bad.items[1] as { commodityCode: string }).commodityCode = '61091';
    const [json] = fieldErrorsFromZod(Shipment.safeParse(bad).error?.issues ?? []);
    expect(json?.path).toBe('/items/1/commodityCode');
    expect(problems).toEqual([
      {
        line: 3,
        column: 'items.commodityCode',
        columnNumber: columnNumber('items.commodityCode'),
        code: json?.code,
        message: json?.message,
        shipmentNumber: template.shipmentNumber,
      },
    ]);
  });

  it('reports every problem of a shipment with the codes and messages the JSON validation gives', async () => {
    const one = example.shipments[1] as ShipmentInput;
    const text = shipmentsToCsv([one]).replace(',2.3,', ',heavy,').replace(',PRIVATE,', ',,');
    const { shipments, problems } = await readAll(text);
    expect(shipments).toEqual([]);
    // The same shipment in JSON: grossMassKg a string, consignee.type left out.
    const { type: _, ...consignee } = one.consignee;
    const json = fieldErrorsFromZod(
      Shipment.safeParse({ ...one, grossMassKg: 'heavy', consignee }, PARSE_OPTIONS).error?.issues ?? [],
    );
    expect(json.length).toBe(2);
    expect(problems.map(({ column, code, message }) => ({ column, code, message }))).toEqual(
      json.map(({ path, code, message }) => ({ column: path.slice(1).replaceAll('/', '.'), code, message })),
    );
    expect(problems.every((problem) => problem.line === 2)).toBe(true);
  });

  it('ends with a csv_syntax problem at the row where the file stops being CSV', async () => {
    const text = `${exampleCsv.toString('utf8')}XX1,"never closed\n`;
    const { shipments, problems } = await readAll(text);
    expect(shipments).toEqual(example.shipments);
    expect(problems).toEqual([expect.objectContaining({ line: 7, code: 'csv_syntax', column: null })]);
  });

  it('skips blank lines and rows of empty cells, counting them as lines', async () => {
    const lines = exampleCsv.toString('utf8').split('\n');
    const text = [lines[0], '', lines[1], lines[2], ',,,,', lines[3], lines[4], lines[5]].join('\n');
    const { located, problems } = await readAll(text);
    expect(problems).toEqual([]);
    expect(located.map((entry) => entry.firstLine)).toEqual([3, 6, 7]);
  });

  it('yields chunks of the requested size', async () => {
    const many = Array.from({ length: 7 }, (_, i) => ({ ...template, shipmentNumber: `S${i}` }));
    const { chunks } = await readAll(shipmentsToCsv(many), { chunkSize: 3 });
    expect(chunks.map((chunk) => chunk.shipments.length)).toEqual([3, 3, 1]);
    expect(chunks.at(-1)?.shipmentsRead).toBe(7);
  });
});

describe('CSV shipments: properties', () => {
  it('round-trips arbitrary valid shipments through the test writer (either delimiter, decimal comma, quoting)', async () => {
    const uniqueShipments = fc.uniqueArray(shipmentArbitrary, {
      minLength: 1,
      maxLength: 6,
      selector: (shipment) => shipment.shipmentNumber,
    });
    await fc.assert(
      fc.asyncProperty(
        uniqueShipments,
        fc.record({
          delimiter: fc.constantFrom(',' as const, ';' as const),
          decimalComma: fc.boolean(),
          bom: fc.boolean(),
          lineBreak: fc.constantFrom('\n' as const, '\r\n' as const),
          quoteAll: fc.boolean(),
        }),
        async (shipments, options) => {
          const parsed = shipments.map((shipment) => Shipment.parse(shipment));
          const { shipments: read, problems } = await readAll(shipmentsToCsv(parsed, options));
          expect(problems).toEqual([]);
          expect(read).toEqual(parsed);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('CSV shipments: streaming', () => {
  it('reads 100,000 shipments from a generated stream without holding the file', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const count = 100_000;
    let bytes = 0;
    const headerLine = `${header.join(',')}\n`;
    // The first shipment's first item line, properly quoted; the shipment number is the first column.
    expect(header[0]).toBe('shipmentNumber');
    const quote = (field: string) => (/[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field);
    // Long descriptions make the file (~60 MB) far bigger than what the reader may keep.
    const long = 'Assorted cotton garments, '.repeat(8);
    const wide = {
      ...template,
      goodsDescription: long,
      items: [{ ...template.items[0], description: long }],
    };
    const fields = csvRows(wide as ShipmentInput)[0] ?? [];
    const rest = fields.slice(1).map(quote).join(',');
    function* generate() {
      yield headerLine;
      for (let i = 0; i < count; i += 500) {
        let block = '';
        for (let j = i; j < Math.min(count, i + 500); j++) {
          block += `BULK${String(j).padStart(8, '0')},${rest}\n`;
        }
        bytes += block.length;
        yield block;
      }
    }
    gc();
    const baseline = process.memoryUsage().heapUsed;
    let peakLive = 0;
    let valid = 0;
    let problems: CsvProblem[] = [];
    let chunks = 0;
    for await (const chunk of readShipmentsCsv(Readable.from(generate()), { chunkSize: 1_000 })) {
      valid += chunk.shipments.length;
      problems = problems.concat(chunk.problems);
      if (++chunks % 10 === 0) {
        gc();
        peakLive = Math.max(peakLive, process.memoryUsage().heapUsed - baseline);
      }
    }
    expect(problems).toEqual([]);
    expect(valid).toBe(count);
    expect(bytes).toBeGreaterThan(50 * 1024 * 1024);
    // Live heap after GC: the shipment numbers seen (~70 bytes each) and a chunk, not the file.
    expect(peakLive).toBeLessThan(20 * 1024 * 1024);
  }, 180_000);
});
