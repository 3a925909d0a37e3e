/**
 * Shipments from CSV, for bulk uploads (docs/csv-format.md): one row per item line, the shipment
 * and consignee columns repeated on each of a shipment's rows, a header row naming the columns
 * after the JSON fields (dot-separated). Streaming: records are pulled from csv-parse (RFC 4180) as
 * the caller asks for chunks, so memory stays flat whatever the file's size (only the set of
 * shipment numbers already seen grows, to reject a shipment whose rows are not consecutive).
 *
 * Each shipment is validated with the same zod `Shipment` schema as `POST /v1/manifests`, and its
 * problems carry the same codes and messages, located by CSV line and column instead of a JSON pointer.
 */
import { CsvError, Parser } from 'csv-parse';
import { LIMITS, Shipment, type ShipmentInput } from './schema.ts';
import { fieldErrorsFromZod, PARSE_OPTIONS } from './validation.ts';

/** One CSV column: where its value goes in the JSON shipment, and how it is read. */
export interface CsvColumn {
  /** The header name: the JSON path, dot-separated (`items.` for the item line's fields). */
  name: string;
  /** `shipment`: repeated on every row of the shipment; `item`: this row's item line. */
  level: 'shipment' | 'item';
  type: 'text' | 'number';
  /** Required columns must be in the header; optional ones may be left out (or left empty). */
  required: boolean;
}

const column = (name: string, type: 'text' | 'number' = 'text', required = true): CsvColumn => ({
  name,
  level: name.startsWith('items.') ? 'item' : 'shipment',
  type,
  required,
});
const address = (party: string) =>
  ['street', 'postcode', 'city', 'country'].map((field) => column(`${party}.address.${field}`));

/** The columns, in the order the examples use (any order is accepted). The one list of them. */
export const CSV_COLUMNS: readonly CsvColumn[] = [
  column('shipmentNumber'),
  column('voecNumber'),
  column('goodsDescription'),
  column('grossMassKg', 'number'),
  column('packages', 'number'),
  column('consignor.name'),
  column('consignor.identificationNumber', 'text', false),
  ...address('consignor'),
  column('consignee.name'),
  column('consignee.type'),
  column('consignee.identificationNumber', 'text', false),
  ...address('consignee'),
  column('consignee.phone', 'text', false),
  column('consignee.email', 'text', false),
  column('items.commodityCode'),
  column('items.description'),
  column('items.unitValueNok', 'number'),
  column('items.quantity', 'number'),
];

/** A problem in the file, located like a spreadsheet user would look for it. */
export interface CsvProblem {
  /** 1-based line of the CSV row the field came from (a quoted field may span lines: its first). */
  line: number;
  /** The column's header name, e.g. `items.commodityCode`; null when no one column is at fault. */
  column: string | null;
  /** 1-based position of that column in this file's header; null as above or when it is missing. */
  columnNumber: number | null;
  /** The JSON validation's code (`invalid_string`, `required`, `too_big`, …) or a CSV one (below). */
  code: string;
  message: string;
  /** The shipment the problem belongs to, when known. */
  shipmentNumber?: string;
}

/**
 * CSV-specific codes, next to the JSON validation's: the header's (`missing_header`,
 * `unknown_column`, `missing_column`, `duplicate_column`), a row's (`field_count`, `inconsistent`,
 * `not_consecutive`) and the file's (`csv_syntax`: the file cannot be read past that line).
 */
export const CSV_PROBLEM_CODES = [
  'missing_header',
  'unknown_column',
  'missing_column',
  'duplicate_column',
  'field_count',
  'inconsistent',
  'not_consecutive',
  'csv_syntax',
] as const;

export interface CsvShipment {
  shipment: ShipmentInput;
  /** The lines of its first and last rows. */
  firstLine: number;
  lastLine: number;
}

export interface CsvChunk {
  /** Valid shipments, in file order. */
  shipments: CsvShipment[];
  /** Problems found since the previous chunk; an invalid shipment is reported here, not yielded. */
  problems: CsvProblem[];
  /** Lines read so far (header included). */
  linesRead: number;
  /** Shipments read so far, valid or not. */
  shipmentsRead: number;
}

export interface CsvReadOptions {
  /** Yield a chunk once this many shipments (valid or not) are complete. Default 500. */
  chunkSize?: number;
}

/** A record longer than this is not a shipment row (an unclosed quote swallowing the file). */
const MAX_RECORD_CHARACTERS = 64 * 1024;

type Source = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

interface Header {
  delimiter: ',' | ';';
  /** Field index → column (undefined for none). */
  columns: Array<CsvColumn | undefined>;
  /** Column name → 1-based column number. */
  numbers: Map<string, number>;
  shipmentNumberIndex: number;
}

interface Row {
  line: number;
  fields: string[];
}

/** A shipment being assembled from consecutive rows. */
interface Group {
  shipmentNumber: string;
  rows: Row[];
  /** Rows beyond the item limit are counted, not kept (one shipment cannot fill the memory). */
  extraRows: number;
  problems: CsvProblem[];
}

const BOM = '\uFEFF';

/**
 * csv-parse fails the stream on a syntax error, and a failed stream's reader loses the records
 * still buffered before it. This parser instead keeps the error and ends the stream there, so every
 * row before the broken one is read and the error is reported after them.
 */
class TolerantParser extends Parser {
  syntaxError?: CsvError;

  override _transform(
    chunk: Buffer,
    encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    super._transform(chunk, encoding, (error?: Error | null) => {
      if (error instanceof CsvError) {
        this.syntaxError = error;
        this.push(null);
        callback();
      } else callback(error);
    });
  }

  override _flush(callback: (error?: Error | null) => void): void {
    super._flush((error?: Error | null) => {
      if (error instanceof CsvError) this.syntaxError = error;
      callback(error instanceof CsvError ? null : error);
    });
  }
}
const LINE_BREAK = /\r\n|\r|\n/g;

/**
 * Reads shipments from a CSV byte (or text) stream, UTF-8 with or without a byte order mark, comma
 * or semicolon separated (whichever the header row uses). Yields chunks of validated shipments and
 * problems; bad data never throws (an unreadable file ends with a `csv_syntax` problem), only a
 * failing source does.
 */
export async function* readShipmentsCsv(
  source: Source,
  options: CsvReadOptions = {},
): AsyncGenerator<CsvChunk> {
  const chunkSize = Math.max(1, options.chunkSize ?? 500);
  const input = withFirstLine(source);
  const firstLine = await input.firstLine();
  const delimiter = detectDelimiter(firstLine);
  const parser = new TolerantParser({
    delimiter,
    bom: true,
    encoding: 'utf8',
    record_delimiter: ['\r\n', '\n', '\r'],
    relax_column_count: true,
    skip_empty_lines: false,
    max_record_size: MAX_RECORD_CHARACTERS,
  });
  const feeding = feed(input.chunks(), parser);

  let header: Header | undefined;
  let nextLine = 1;
  let linesRead = 0;
  let shipmentsRead = 0;
  let group: Group | undefined;
  const seen = new Map<string, number>();
  let shipments: CsvShipment[] = [];
  let problems: CsvProblem[] = [];
  let pending = 0;
  const chunk = (): CsvChunk => {
    const out = { shipments, problems, linesRead, shipmentsRead };
    shipments = [];
    problems = [];
    pending = 0;
    return out;
  };
  const close = (finished: Group) => {
    shipmentsRead++;
    pending++;
    const built = header ? buildShipment(finished, header) : undefined;
    if (built?.shipment) {
      shipments.push(built.shipment);
    } else {
      problems.push(...finished.problems, ...(built?.problems ?? []));
    }
  };

  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      const line = nextLine;
      nextLine += 1 + record.reduce((breaks, field) => breaks + countLineBreaks(field), 0);
      linesRead = nextLine - 1;
      if (!header) {
        const parsed = readHeader(record, delimiter);
        if ('problems' in parsed) {
          yield { shipments: [], problems: parsed.problems, linesRead, shipmentsRead: 0 };
          return;
        }
        header = parsed;
        continue;
      }
      if (record.every((field) => field === '')) continue; // a blank line, or a row of empty cells
      const row: Row = { line, fields: record };
      const number = record[header.shipmentNumberIndex] ?? '';
      if (group && number !== '' && number === group.shipmentNumber) {
        addRow(group, row, header);
        continue;
      }
      if (group) {
        close(group);
        if (pending >= chunkSize) yield chunk();
      }
      group = { shipmentNumber: number, rows: [], extraRows: 0, problems: [] };
      const earlier = number === '' ? undefined : seen.get(number);
      if (earlier !== undefined) {
        group.problems.push({
          line,
          column: 'shipmentNumber',
          columnNumber: header.numbers.get('shipmentNumber') ?? null,
          code: 'not_consecutive',
          message: `shipment ${number} already ended before this line (its rows start at line ${earlier}): a shipment's rows must be consecutive`,
          shipmentNumber: number,
        });
      } else if (number !== '') {
        seen.set(number, line);
      }
      addRow(group, row, header);
    }
    await feeding;
  } finally {
    parser.destroy();
    await input.close();
  }
  if (group) close(group);
  if (!header && !parser.syntaxError) {
    problems.push({
      line: 1,
      column: null,
      columnNumber: null,
      code: 'missing_header',
      message: 'the file is empty: the first line must be the header row naming the columns',
    });
  }
  if (parser.syntaxError) {
    problems.push({
      line: nextLine,
      column: null,
      columnNumber: null,
      code: 'csv_syntax',
      message: syntaxMessage(parser.syntaxError),
    });
  }
  if (pending > 0 || problems.length > 0 || shipmentsRead === 0) yield chunk();
}

/** The delimiter the header row uses: column names contain neither `,` nor `;`. */
function detectDelimiter(headerLine: string): ',' | ';' {
  const count = (char: string) => headerLine.split(char).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

function countLineBreaks(field: string): number {
  if (!field.includes('\n') && !field.includes('\r')) return 0;
  return field.match(LINE_BREAK)?.length ?? 0;
}

function readHeader(record: string[], delimiter: ',' | ';'): Header | { problems: CsvProblem[] } {
  const known = new Map(CSV_COLUMNS.map((entry) => [entry.name, entry]));
  const problems: CsvProblem[] = [];
  const numbers = new Map<string, number>();
  const columns = record.map((raw, index) => {
    const name = raw.trim();
    const entry = known.get(name);
    const at = { line: 1, column: name, columnNumber: index + 1 };
    if (!entry) {
      problems.push({
        ...at,
        code: 'unknown_column',
        message: `"${name}" is not a column of the shipment CSV format (check the spelling; see docs/csv-format.md)`,
      });
      return undefined;
    }
    if (numbers.has(name)) {
      problems.push({
        ...at,
        code: 'duplicate_column',
        message: `"${name}" is already column ${numbers.get(name)}`,
      });
      return undefined;
    }
    numbers.set(name, index + 1);
    return entry;
  });
  for (const entry of CSV_COLUMNS) {
    if (entry.required && !numbers.has(entry.name)) {
      problems.push({
        line: 1,
        column: entry.name,
        columnNumber: null,
        code: 'missing_column',
        message: `the header has no "${entry.name}" column, which is required`,
      });
    }
  }
  if (problems.length) return { problems };
  return { delimiter, columns, numbers, shipmentNumberIndex: (numbers.get('shipmentNumber') ?? 1) - 1 };
}

function addRow(group: Group, row: Row, header: Header): void {
  if (row.fields.length !== header.columns.length) {
    const hint =
      header.delimiter === ',' && row.fields.length > header.columns.length
        ? ' (with "," as the delimiter, a value holding a comma, such as a decimal comma, must be quoted)'
        : '';
    group.problems.push({
      line: row.line,
      column: null,
      columnNumber: null,
      code: 'field_count',
      message: `has ${row.fields.length} fields, the header has ${header.columns.length}${hint}`,
      shipmentNumber: group.shipmentNumber,
    });
  }
  const first = group.rows[0];
  if (first) {
    // Every row of a shipment carries the same shipment and consignee values.
    header.columns.forEach((entry, index) => {
      if (entry?.level !== 'shipment') return;
      const value = row.fields[index] ?? '';
      if (value !== (first.fields[index] ?? '')) {
        group.problems.push({
          line: row.line,
          column: entry.name,
          columnNumber: index + 1,
          code: 'inconsistent',
          message: `must repeat this shipment's value from line ${first.line}: every row of a shipment carries the same shipment and consignee columns`,
          shipmentNumber: group.shipmentNumber,
        });
      }
    });
  }
  // One row more than allowed is kept, so that the schema reports the limit as for JSON.
  if (group.rows.length <= LIMITS.itemsPerShipment) group.rows.push(row);
  else group.extraRows++;
}

/**
 * `19.99`, and the decimal comma `19,99`: with `;` as the delimiter a comma is never a separator,
 * and with `,` a value can only hold one when quoted. Anything else is left as text for the schema
 * to refuse ("must be a number"), exactly as a string in JSON would be.
 */
function toNumber(value: string): number | string {
  const trimmed = value.trim();
  if (/^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/.test(trimmed)) return Number(trimmed);
  if (/^[+-]?\d+,\d+$/.test(trimmed)) return Number(trimmed.replace(',', '.'));
  return value;
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    node[key] ??= {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

function cellValue(entry: CsvColumn, raw: string | undefined): unknown {
  // An empty cell is an absent field: "is required" for a required one, left out for an optional one.
  if (raw === undefined || raw === '') return undefined;
  return entry.type === 'number' ? toNumber(raw) : raw;
}

function buildShipment(group: Group, header: Header): { shipment?: CsvShipment; problems: CsvProblem[] } {
  const [first] = group.rows;
  const last = group.rows[group.rows.length - 1];
  if (!first || !last) return { problems: [] };
  const shipment: Record<string, unknown> = {};
  const items: Array<Record<string, unknown>> = [];
  header.columns.forEach((entry, index) => {
    if (entry?.level !== 'shipment') return;
    const value = cellValue(entry, first.fields[index]);
    if (value !== undefined) setPath(shipment, entry.name.split('.'), value);
  });
  for (const row of group.rows) {
    const item: Record<string, unknown> = {};
    header.columns.forEach((entry, index) => {
      if (entry?.level !== 'item') return;
      const value = cellValue(entry, row.fields[index]);
      if (value !== undefined) item[entry.name.slice('items.'.length)] = value;
    });
    items.push(item);
  }
  shipment.items = items;
  const result = Shipment.safeParse(shipment, PARSE_OPTIONS);
  if (result.success && group.problems.length === 0) {
    return { shipment: { shipment: result.data, firstLine: first.line, lastLine: last.line }, problems: [] };
  }
  if (result.success) return { problems: [] };
  const number = group.shipmentNumber || undefined;
  const problems = fieldErrorsFromZod(result.error.issues).map((error): CsvProblem => {
    const segments = error.path.split('/').slice(1);
    const itemIndex =
      segments[0] === 'items' && /^\d+$/.test(segments[1] ?? '') ? Number(segments[1]) : undefined;
    const name = segments.filter((segment) => !/^\d+$/.test(segment)).join('.');
    const columnNumber = header.numbers.get(name);
    const line = itemIndex === undefined ? first.line : (group.rows[itemIndex]?.line ?? last.line);
    return {
      line,
      column: columnNumber === undefined ? null : name,
      columnNumber: columnNumber ?? null,
      code: error.code,
      message: columnNumber === undefined && name ? `${name} ${error.message}` : error.message,
      ...(number ? { shipmentNumber: number } : {}),
    };
  });
  return { problems };
}

function syntaxMessage(error: CsvError): string {
  const reason: Record<string, string> = {
    CSV_QUOTE_NOT_CLOSED: 'a quoted field opened here is never closed',
    CSV_MAX_RECORD_SIZE: `a row starting here is longer than ${MAX_RECORD_CHARACTERS.toLocaleString('en-US')} characters (an unclosed quote?)`,
    CSV_INVALID_CLOSING_QUOTE:
      'a quoted field is followed by something other than the delimiter or the end of the line',
    INVALID_OPENING_QUOTE:
      'a quote inside an unquoted field: quote the whole field and double the quotes inside it ("")',
  };
  return `the file cannot be read from this row on: ${reason[error.code] ?? error.message}`;
}

/**
 * The source's first line (for the delimiter), without consuming it: the bytes read to find it are
 * handed to the parser first, then the rest of the source, chunk by chunk.
 */
function withFirstLine(source: Source) {
  const iterator =
    Symbol.asyncIterator in source
      ? (source as AsyncIterable<Uint8Array | string>)[Symbol.asyncIterator]()
      : (source as Iterable<Uint8Array | string>)[Symbol.iterator]();
  const head: Buffer[] = [];
  return {
    async firstLine(): Promise<string> {
      // A header row is short: look at most this far for its end.
      let bytes = 0;
      for (;;) {
        const text = Buffer.concat(head).toString('utf8');
        if (/[\r\n]/.test(text) || bytes > MAX_RECORD_CHARACTERS)
          return text.replace(BOM, '').split(/[\r\n]/)[0] ?? '';
        const next = await iterator.next();
        if (next.done) return text.replace(BOM, '');
        const chunk =
          typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : Buffer.from(next.value);
        head.push(chunk);
        bytes += chunk.length;
      }
    },
    async *chunks(): AsyncGenerator<Buffer> {
      yield* head.splice(0);
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : Buffer.from(next.value);
      }
    },
    async close(): Promise<void> {
      await iterator.return?.();
    },
  };
}

/** Writes the chunks into the parser with back-pressure; a failing source destroys the parser with its error. */
async function feed(chunks: AsyncIterable<Buffer>, parser: Parser): Promise<void> {
  try {
    for await (const chunk of chunks) {
      if (parser.destroyed) return;
      if (!parser.write(chunk)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            parser.off('drain', done);
            parser.off('close', done);
            resolve();
          };
          parser.on('drain', done);
          parser.on('close', done);
        });
      }
    }
    if (!parser.destroyed) parser.end();
  } catch (error) {
    parser.destroy(error as Error);
  }
}
