/**
 * Uploaded files as chunks of validated shipments, streamed (memory stays flat whatever the file's
 * size; only the set of shipment numbers seen grows, to refuse duplicates as POST /v1/manifests does).
 * - csv: `readShipmentsCsv` (line and column in each error);
 * - json: a whole manifest body, parsed with @streamparser/json: each element of `shipments` is
 *   validated with the `Shipment` schema as it completes and dropped from the parser's stack, the
 *   other fields are validated once the file ends (JSON pointers into the file in each error).
 */
import { JSONParser } from '@streamparser/json';
import type { ManifestHead, UploadChunk, UploadError } from '../domain/uploads.ts';
import { readShipmentsCsv } from './csv.ts';
import { ManifestFields, manifestRules, Shipment, type ShipmentInput } from './schema.ts';
import { fieldErrorsFromZod, jsonPointer } from './validation.ts';

type Source = AsyncIterable<Uint8Array>;

export async function* readUploadCsv(
  source: Source,
  chunkSize: number,
): AsyncGenerator<UploadChunk, ManifestHead | undefined> {
  for await (const chunk of readShipmentsCsv(source, { chunkSize })) {
    yield {
      shipments: chunk.shipments.map((entry) => entry.shipment),
      errors: chunk.problems.map(({ line, column, columnNumber, code, message, shipmentNumber }) => ({
        line,
        column,
        columnNumber,
        code,
        message,
        ...(shipmentNumber ? { shipmentNumber } : {}),
      })),
      shipmentsRead: chunk.shipmentsRead,
    };
  }
  return undefined;
}

// The head of a JSON upload: the manifest without its shipments, with the rules across its fields.
const HeadSchema = ManifestFields.omit({ shipments: true }).superRefine(manifestRules);

export async function* readUploadJson(
  source: Source,
  chunkSize: number,
): AsyncGenerator<UploadChunk, ManifestHead | undefined> {
  const parser = new JSONParser({ paths: ['$.*', '$.shipments.*'], keepStack: true });
  const head: Record<string, unknown> = {};
  let notAnObject = false;
  let empty = true;
  let shipments: ShipmentInput[] = [];
  let errors: UploadError[] = [];
  let shipmentsRead = 0;
  let sawShipments = false;
  let syntax: UploadError | undefined;
  const seen = new Map<string, number>();
  parser.onValue = ({ value, key, parent, stack }) => {
    if (stack.length === 0 || (stack.length === 1 && typeof key !== 'string')) {
      notAnObject = true;
      return;
    }
    if (stack.length === 2 && stack[1]?.key === 'shipments' && typeof key === 'number') {
      // Drop the element from the array being built: the file is never whole in memory.
      if (Array.isArray(parent)) parent.length = 0;
      const index = key;
      shipmentsRead++;
      const result = Shipment.safeParse(value);
      if (!result.success) {
        errors.push(...fieldErrorsFromZod(result.error.issues, ['shipments', index]).map(toUploadError));
        return;
      }
      const first = seen.get(result.data.shipmentNumber);
      if (first !== undefined) {
        errors.push({
          pointer: jsonPointer(['shipments', index, 'shipmentNumber']),
          code: 'duplicate',
          message: `duplicates the shipment number at /shipments/${first}`,
          shipmentNumber: result.data.shipmentNumber,
        });
        return;
      }
      seen.set(result.data.shipmentNumber, index);
      shipments.push(result.data);
      return;
    }
    if (stack.length === 1 && typeof key === 'string') {
      if (key === 'shipments') {
        sawShipments = true;
        if (!Array.isArray(value)) head[key] = value;
      } else head[key] = value;
    }
  };
  parser.onError = (error) => {
    syntax ??= { pointer: '', code: 'invalid_json', message: `the file is not valid JSON: ${error.message}` };
  };
  const take = (): UploadChunk => {
    const out = { shipments, errors, shipmentsRead };
    shipments = [];
    errors = [];
    return out;
  };
  try {
    for await (const bytes of source) {
      if (syntax) break;
      if (empty)
        empty = bytes.every((byte) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09);
      try {
        parser.write(bytes);
      } catch (error) {
        syntax ??= {
          pointer: '',
          code: 'invalid_json',
          message: `the file is not valid JSON: ${(error as Error).message}`,
        };
      }
      if (shipments.length + errors.length >= chunkSize) yield take();
    }
    if (!syntax && !parser.isEnded) {
      try {
        parser.end();
      } catch (error) {
        syntax = {
          pointer: '',
          code: 'invalid_json',
          message: `the file ends before the JSON does: ${(error as Error).message}`,
        };
      }
    }
  } finally {
    if (!parser.isEnded) {
      parser.onError = () => undefined;
      try {
        parser.end();
      } catch {
        // Only ends the parser.
      }
    }
  }
  if (!syntax && empty) syntax = { pointer: '', code: 'invalid_json', message: 'the file is empty' };
  if (syntax) {
    errors.push(syntax);
    yield take();
    return undefined;
  }
  if (notAnObject) {
    errors.push({ pointer: '', code: 'invalid_type', message: 'must be a JSON object (a manifest body)' });
    yield take();
    return undefined;
  }
  const parsed = HeadSchema.safeParse(head);
  if (!parsed.success) errors.push(...fieldErrorsFromZod(parsed.error.issues).map(toUploadError));
  if (!sawShipments) errors.push({ pointer: '/shipments', code: 'required', message: 'is required' });
  else if (head.shipments !== undefined) {
    errors.push({ pointer: '/shipments', code: 'invalid_type', message: 'must be an array of shipments' });
  } else if (shipmentsRead === 0) {
    errors.push({ pointer: '/shipments', code: 'too_small', message: 'must have at least 1 shipment' });
  }
  yield take();
  return parsed.success ? parsed.data : undefined;
}

function toUploadError(error: { path: string; code: string; message: string }): UploadError {
  return { pointer: error.path, code: error.code, message: error.message };
}
