/**
 * What a mapping from our records to one Digitoll movement API provides (road v2 in
 * `road-v2/mapping.ts`; the air API's mapping will sit beside it): the message body with what the
 * reporter needs of it, the body of a deletion, and where Digitoll's error paths point in our data.
 */
import type { MessageKind, WaybillKey } from '../../digitoll/schemas.ts';
import type { DigitollMessage } from '../../domain/digitoll-port.ts';

export interface ReportContent<T> {
  kind: MessageKind;
  body: T;
  /** Hash of the content, without the issue date: equal hashes mean nothing to update. */
  contentHash: string;
  /** Master and house waybill key, for key-based lookups. */
  waybillKey?: WaybillKey;
  /** Transport: the scheduled arrival the body carries (Digitoll keeps the first one). */
  scheduledArrival?: string;
}

/** Where a Digitoll error path points: into the shipment, or into the manifest. */
export interface LocatedPath {
  in: 'shipment' | 'manifest';
  path: string;
}

export interface WireMapping {
  content(message: DigitollMessage, issuedAt: Date): ReportContent<unknown>;
  deleteBody(issuedAt: Date): { documentIssueDate?: string | undefined };
  locate(kind: MessageKind, digitollPath: string): LocatedPath | undefined;
}
