/**
 * The key-based lookup (`GET /api/movement/road/status/v2/{master|house}-consignment/transport-document/status
 * ?documentNumber=&type=&carrierId=`, §2.3) and how we read its answer. This is the ONE place that knows the
 * response shape, because beyond the §7.3 document-status fields it is [INF]:
 *
 * - documented (§7.3): `documentNumber`, `type`, `documentStatus`, `incompleteDocumentationReasonList`;
 * - [INF] (what the simulator sends; unknown for the real service): `mrn` and/or `masterReferenceNumber`,
 *   `carrierId`, `messageStatus` (`ACTIVE`/`CANCELLED`), `activeMessagesWithKey`, `received` (masters).
 * - [INF] whether the answer is one object or a list: we accept both.
 *
 * Reading rules: a message whose `messageStatus` is `CANCELLED` does not count (it must be sent again, so
 * NOT_FOUND); an entry whose documentNumber/type/carrierId differ from the key we asked for is ignored; a
 * live entry without an MRN cannot be used (the port needs the MRN) and is reported as unusable.
 */
import { z } from 'zod';
import { TransportDocumentStatus, type WaybillKey } from '../../digitoll/schemas.ts';

export const LOOKUP_PATHS = {
  'master-consignment': '/api/movement/road/status/v2/master-consignment/transport-document/status',
  'house-consignment': '/api/movement/road/status/v2/house-consignment/transport-document/status',
} as const;

/** One transport document's status as the lookup answers it (lenient: extra fields pass through). */
export const WaybillLookupEntry = TransportDocumentStatus.extend({
  activeMessagesWithKey: z.number().int().nonnegative().optional(),
  received: z.boolean().optional(),
});
export type WaybillLookupEntry = z.infer<typeof WaybillLookupEntry>;

export const WaybillLookupBody = z.union([WaybillLookupEntry, z.array(WaybillLookupEntry)]);
export type WaybillLookupBody = z.infer<typeof WaybillLookupBody>;

export function lookupQuery(key: WaybillKey): string {
  return new URLSearchParams({
    documentNumber: key.documentNumber,
    type: key.type,
    carrierId: key.carrierId,
  }).toString();
}

export type LookupReading = { found: true; mrn: string } | { found: false } | { unusable: string };

/** Interprets a parsed 200 answer for `key`. */
export function readLookup(body: WaybillLookupBody, key: WaybillKey): LookupReading {
  const entries = (Array.isArray(body) ? body : [body]).filter(
    (entry) =>
      entry.documentNumber === key.documentNumber &&
      entry.type === key.type &&
      (entry.carrierId === undefined || entry.carrierId === key.carrierId),
  );
  const live = entries.filter((entry) => entry.messageStatus !== 'CANCELLED');
  const withMrn = live.find((entry) => (entry.mrn ?? entry.masterReferenceNumber) !== undefined);
  const mrn = withMrn?.mrn ?? withMrn?.masterReferenceNumber;
  if (mrn !== undefined) return { found: true, mrn };
  if (live.length > 0) return { unusable: 'lookup found the waybill key but its answer carries no MRN' };
  if (entries.length === 0 && (Array.isArray(body) ? body.length > 0 : true)) {
    return { unusable: 'lookup answered for a different waybill key' };
  }
  return { found: false };
}
