/**
 * Bulk uploads: a manifest too large for one request, as a file the partner PUTs to a presigned
 * URL (JSON: a whole manifest body; CSV: its shipments, the transport coming with the upload
 * request). Processing runs in two passes over the streamed file, so memory never grows with it:
 *
 * 1. VALIDATING: every shipment is checked with the rules of the intake (the same schema,
 *    codes and messages); any error FAILS the upload with the first errors and nothing is
 *    stored or reported, as a bad POST body stores nothing. The reference is then claimed exactly
 *    as the intake claims it (the same record, so a POST and an upload cannot both use one), with
 *    the shipment count known.
 * 2. STORING: the file is read again and stored chunk by chunk with the intake's records and
 *    fan-out (`shipmentRecord`, `reportMessagesFor`); after each chunk a checkpoint (shipments
 *    stored, counts by status) is advanced conditionally. A processor that dies (crash, timeout)
 *    resumes from the checkpoint: the chunk it was in is written again identically (deterministic
 *    records) and its messages re-sent (the same messages; the reporter acts on one only while the
 *    shipment needs it), earlier chunks are skipped, so no shipment is lost or doubled.
 * Finally the intake is completed as a submitted manifest's is (border marker, transit,
 * mixed transit) and the upload is COMPLETED with a `manifest-upload.completed` notification.
 */
import { z } from 'zod';
import { LIMITS, type ManifestRequest, type ShipmentInput } from '../manifest/schema.ts';
import {
  firstBorderCheckAt,
  type IntakeStore,
  manifestFromRequest,
  mixedTransitOf,
  reportMessagesFor,
  shipmentRecord,
  storeClaiming,
} from './intake.ts';
import type { PartnerNotification } from './notifications.ts';
import type { Clock, IdGenerator, ReportQueue } from './ports.ts';
import type { IdempotencyRecord, ManifestRecord, ShipmentRecord } from './records.ts';
import { ShipmentStatus } from './shipment.ts';

export const UploadStatus = z.enum(['PENDING', 'PROCESSING', 'COMPLETED', 'FAILED']);
export type UploadStatus = z.infer<typeof UploadStatus>;

/** An error in the uploaded file: a JSON pointer (json) or a line and column (csv). */
export const UploadError = z.object({
  pointer: z.string().optional().describe('json files: JSON pointer into the file'),
  line: z.number().int().optional().describe('csv files: 1-based line'),
  column: z.string().nullable().optional().describe('csv files: the header name of the column'),
  columnNumber: z.number().int().nullable().optional().describe('csv files: 1-based column position'),
  code: z.string(),
  message: z.string(),
  shipmentNumber: z.string().optional(),
});
export type UploadError = z.infer<typeof UploadError>;

/** What the upload request carried besides the file: the manifest's head, for CSV files. */
export const UploadHead = z.object({
  transport: z.record(z.string(), z.unknown()),
  transit: z.record(z.string(), z.unknown()).optional(),
  masterConsignment: z.record(z.string(), z.unknown()).optional(),
});

export const UploadRecord = z.object({
  partnerId: z.string(),
  uploadId: z.string(),
  reference: z.string(),
  format: z.enum(['json', 'csv']),
  contentEncoding: z.enum(['gzip']).optional(),
  /** csv: the transport, transit and master consignment of the upload request (validated then). */
  head: UploadHead.optional(),
  status: UploadStatus,
  phase: z.enum(['VALIDATING', 'STORING']).optional(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  shipmentsRead: z.number().int(),
  /** The checkpoint: this many shipments (the file's first ones) are stored and queued. */
  shipmentsStored: z.number().int(),
  shipmentsTotal: z.number().int().optional(),
  counts: z.partialRecord(ShipmentStatus, z.number().int()),
  manifestId: z.string().optional(),
  /** The claim's receipt time: every record is built with it (so a resumed chunk is identical). */
  receivedAt: z.iso.datetime().optional(),
  errors: z.array(UploadError),
  errorsTruncated: z.boolean().optional(),
  completedAt: z.iso.datetime().optional(),
});
export type UploadRecord = z.infer<typeof UploadRecord>;

/** A chunk of the file as read: valid shipments in file order, and errors found since the last. */
export interface UploadChunk {
  shipments: ShipmentInput[];
  errors: UploadError[];
  shipmentsRead: number;
}

/** The manifest a JSON file carries besides its shipments (undefined for CSV, or when unreadable). */
export type ManifestHead = Omit<ManifestRequest, 'shipments'>;

/** Reads an uploaded file (streamed, decompressed, parsed, each shipment validated). */
export interface UploadFiles {
  read(
    upload: Pick<UploadRecord, 'partnerId' | 'uploadId' | 'format' | 'contentEncoding' | 'reference'>,
    chunkSize: number,
  ): AsyncGenerator<UploadChunk, ManifestHead | undefined>;
}

export interface UploadUrls {
  /** A URL the partner PUTs the file to, valid `expiresInSeconds`. */
  presignPut(
    upload: Pick<UploadRecord, 'partnerId' | 'uploadId' | 'contentEncoding'>,
    expiresInSeconds: number,
  ): Promise<string>;
}

export interface UploadStore {
  createUpload(record: UploadRecord): Promise<void>;
  getUpload(partnerId: string, uploadId: string): Promise<UploadRecord | undefined>;
  /** Writes the record if its checkpoint is still `expectedStored` (false: someone moved it). */
  saveUpload(record: UploadRecord, expectedStored: number): Promise<boolean>;
  /** Saves the final record with the partner's notification, atomically. */
  finishUpload(record: UploadRecord, notification: PartnerNotification): Promise<void>;
}

export interface UploadDeps {
  uploads: UploadStore;
  files: UploadFiles;
  urls: UploadUrls;
  intake: IntakeStore;
  queue: ReportQueue;
  clock: Clock;
  ids: IdGenerator;
}

export const UPLOAD_CHUNK_SHIPMENTS = 500;

export type CreateUploadInput = {
  reference: string;
  format: 'json' | 'csv';
  contentEncoding?: 'gzip' | undefined;
  head?: z.infer<typeof UploadHead> | undefined;
};

export async function createUpload(
  deps: Pick<UploadDeps, 'uploads' | 'urls' | 'clock' | 'ids'>,
  partnerId: string,
  input: CreateUploadInput,
): Promise<{ upload: UploadRecord; uploadUrl: string; expiresAt: string }> {
  const now = deps.clock.now();
  const upload: UploadRecord = {
    partnerId,
    uploadId: deps.ids.newId().toLowerCase(),
    reference: input.reference,
    format: input.format,
    ...(input.contentEncoding ? { contentEncoding: input.contentEncoding } : {}),
    ...(input.head ? { head: input.head } : {}),
    status: 'PENDING',
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    shipmentsRead: 0,
    shipmentsStored: 0,
    counts: {},
    errors: [],
  };
  await deps.uploads.createUpload(upload);
  const uploadUrl = await deps.urls.presignPut(upload, LIMITS.uploadUrlSeconds);
  const expiresAt = new Date(now.getTime() + LIMITS.uploadUrlSeconds * 1000).toISOString();
  return { upload, uploadUrl, expiresAt };
}

export interface ProcessOptions {
  chunkSize?: number;
  /** Asked after each stored chunk: true stops there (the caller re-queues the upload). */
  shouldPause?: () => boolean;
  /** Tests only: called after each chunk is written and queued, before its checkpoint. */
  afterChunkWritten?: (chunkIndex: number) => void | Promise<void>;
}

export type ProcessResult =
  | { outcome: 'unknown' }
  | { outcome: 'finished'; upload: UploadRecord }
  | { outcome: 'paused'; upload: UploadRecord };

const uploadBodyHash = (uploadId: string) => `upload:${uploadId}`;

/** Processes (or resumes) one upload; safe to call again for the same upload at any time. */
export async function processUpload(
  deps: UploadDeps,
  partnerId: string,
  uploadId: string,
  options: ProcessOptions = {},
): Promise<ProcessResult> {
  const chunkSize = options.chunkSize ?? UPLOAD_CHUNK_SHIPMENTS;
  let upload = await deps.uploads.getUpload(partnerId, uploadId);
  if (!upload) return { outcome: 'unknown' };
  if (upload.status === 'COMPLETED' || upload.status === 'FAILED') return { outcome: 'finished', upload };

  if (upload.phase !== 'STORING') {
    const validated = await validate(deps, upload, chunkSize);
    if (validated.outcome === 'finished') return validated;
    upload = validated.upload;
  }
  const stored = await store(deps, upload, chunkSize, options);
  if (stored.outcome !== 'stored') return stored;
  return { outcome: 'finished', upload: await complete(deps, stored.upload) };
}

async function validate(
  deps: UploadDeps,
  start: UploadRecord,
  chunkSize: number,
): Promise<{ outcome: 'finished'; upload: UploadRecord } | { outcome: 'validated'; upload: UploadRecord }> {
  let upload: UploadRecord = {
    ...start,
    status: 'PROCESSING',
    phase: 'VALIDATING',
    shipmentsRead: 0,
    updatedAt: deps.clock.now().toISOString(),
  };
  await deps.uploads.saveUpload(upload, start.shipmentsStored);
  const errors: UploadError[] = [];
  let errorCount = 0;
  let shipmentsRead = 0;
  const reader = deps.files.read(upload, chunkSize);
  let head: ManifestHead | undefined;
  for (;;) {
    const next = await reader.next();
    if (next.done) {
      head = next.value;
      break;
    }
    shipmentsRead = next.value.shipmentsRead;
    errorCount += next.value.errors.length;
    errors.push(...next.value.errors.slice(0, LIMITS.uploadErrors - errors.length));
  }
  if (shipmentsRead > LIMITS.shipmentsPerUpload) {
    errorCount++;
    errors.unshift({
      ...(upload.format === 'json' ? { pointer: '/shipments' } : {}),
      code: 'too_big',
      message: `must have at most ${LIMITS.shipmentsPerUpload} shipments per upload (the file has ${shipmentsRead})`,
    });
  }
  const manifestHead = upload.format === 'json' ? head : headOf(upload);
  if (upload.format === 'json' && head && head.reference !== upload.reference) {
    errorCount++;
    errors.unshift({
      pointer: '/reference',
      code: 'mismatch',
      message: `must be the upload's reference "${upload.reference}"`,
    });
  }
  if (errorCount > 0 || !manifestHead) {
    return {
      outcome: 'finished',
      upload: await fail(deps, upload, shipmentsRead, errors, errorCount > errors.length),
    };
  }
  const now = deps.clock.now();
  const request: ManifestRequest = { ...manifestHead, reference: upload.reference, shipments: [] };
  const claim: IdempotencyRecord = {
    partnerId: upload.partnerId,
    reference: upload.reference,
    manifestId: deps.ids.newId(),
    bodyHash: uploadBodyHash(upload.uploadId),
    receivedAt: now.toISOString(),
    state: 'IN_PROGRESS',
    // The processor's own progress is the checkpoint; the lease only keeps the schedule away meanwhile.
    leaseUntil: new Date(now.getTime() + 15 * 60_000).toISOString(),
  };
  const manifest = {
    ...manifestFromRequest(claim, request),
    initialShipmentCount: shipmentsRead,
    uploadId: upload.uploadId,
  };
  const outcome = await deps.intake.claimReference(claim, manifest);
  const owner = outcome.claimed ? claim : outcome.existing;
  if (owner.bodyHash !== claim.bodyHash) {
    return {
      outcome: 'finished',
      upload: await fail(deps, upload, shipmentsRead, [
        {
          ...(upload.format === 'json' ? { pointer: '/reference' } : {}),
          code: 'reference_reused',
          message: `reference "${upload.reference}" is already manifest ${owner.manifestId}: use a new reference`,
        },
      ]),
    };
  }
  upload = {
    ...upload,
    phase: 'STORING',
    shipmentsRead,
    shipmentsTotal: shipmentsRead,
    manifestId: owner.manifestId,
    receivedAt: owner.receivedAt,
    updatedAt: now.toISOString(),
  };
  await deps.uploads.saveUpload(upload, start.shipmentsStored);
  return { outcome: 'validated', upload };
}

function headOf(upload: UploadRecord): ManifestHead | undefined {
  if (!upload.head) return undefined;
  // Validated by the upload request's schema when the upload was created.
  return { reference: upload.reference, ...(upload.head as Omit<ManifestHead, 'reference'>) };
}

async function fail(
  deps: UploadDeps,
  upload: UploadRecord,
  shipmentsRead: number,
  errors: UploadError[],
  truncated = false,
): Promise<UploadRecord> {
  const at = deps.clock.now().toISOString();
  const failed: UploadRecord = {
    ...upload,
    status: 'FAILED',
    shipmentsRead,
    errors,
    ...(truncated ? { errorsTruncated: true } : {}),
    updatedAt: at,
    completedAt: at,
  };
  await deps.uploads.finishUpload(failed, uploadNotification(failed));
  return failed;
}

async function store(
  deps: UploadDeps,
  start: UploadRecord,
  chunkSize: number,
  options: ProcessOptions,
): Promise<{ outcome: 'stored'; upload: UploadRecord } | ProcessResult> {
  let upload = start;
  const manifestId = upload.manifestId;
  const receivedAt = upload.receivedAt;
  if (!manifestId || !receivedAt) throw new Error(`Upload ${upload.uploadId}: STORING without a claim`);
  const manifest = await deps.intake.getManifest(upload.partnerId, manifestId);
  if (!manifest) throw new Error(`Upload ${upload.uploadId}: manifest ${manifestId} is missing`);
  let seen = 0;
  let chunkIndex = 0;
  // Shipments already stored (the checkpoint) are skipped; chunks restart at the checkpoint.
  let pending: ShipmentInput[] = [];
  /**
   * Two chunks overlap: while chunk k's messages are sent and its checkpoint written, chunk k + 1 is
   * already being stored (its writes are the slow part). Never more: a message is sent only after
   * its shipment is stored (the reporter must find it), checkpoints advance in order, and a crash
   * leaves at most chunk k (sent, not checkpointed) and chunk k + 1 (stored, not sent) to replay
   * from the checkpoint, each written again identically.
   */
  let sending: Promise<void> = Promise.resolve();
  const sendAndCheckpoint = async (records: ShipmentRecord[]) => {
    const messages = reportMessagesFor(manifest, records);
    // Transport and master once, with the first chunk that has a house to report (re-sent only
    // if that chunk is replayed after a crash: the same messages).
    const houses = (upload.counts.RECEIVED ?? 0) > 0 ? messages.filter((m) => m.kind === 'HOUSE') : messages;
    await deps.queue.send(houses);
    await options.afterChunkWritten?.(chunkIndex++);
    const counts = { ...upload.counts };
    for (const record of records) counts[record.status] = (counts[record.status] ?? 0) + 1;
    const next: UploadRecord = {
      ...upload,
      shipmentsStored: upload.shipmentsStored + records.length,
      shipmentsRead: Math.max(upload.shipmentsRead, upload.shipmentsStored + records.length),
      counts,
      updatedAt: deps.clock.now().toISOString(),
    };
    if (!(await deps.uploads.saveUpload(next, upload.shipmentsStored))) {
      throw new Error(`Upload ${upload.uploadId}: another processor moved the checkpoint`);
    }
    upload = next;
  };
  const flush = async () => {
    const batch = pending;
    pending = [];
    if (batch.length === 0) return;
    // One live house per waybill, as at intake: a number another manifest's live shipment holds is
    // stored REJECTED (SHIPMENT_NUMBER_IN_USE) and not reported. A replayed chunk claims the same.
    const [{ records }] = await Promise.all([
      storeClaiming(
        { store: deps.intake },
        manifest,
        batch.map((input) => shipmentRecord(manifest, input, receivedAt)),
      ),
      sending,
    ]);
    sending = sendAndCheckpoint(records);
    // Awaited by the next flush or at the end; never left to reject unobserved meanwhile.
    sending.catch(() => undefined);
  };
  for await (const chunk of deps.files.read(upload, chunkSize)) {
    for (const shipment of chunk.shipments) {
      seen++;
      if (seen <= upload.shipmentsStored) continue;
      pending.push(shipment);
      if (pending.length >= chunkSize) {
        await flush();
        if (options.shouldPause?.()) {
          await sending;
          return { outcome: 'paused', upload };
        }
      }
    }
  }
  await flush();
  await sending;
  return { outcome: 'stored', upload };
}

async function complete(deps: UploadDeps, upload: UploadRecord): Promise<UploadRecord> {
  const manifestId = upload.manifestId as string;
  const manifest = (await deps.intake.getManifest(upload.partnerId, manifestId)) as ManifestRecord;
  if (manifest.intake !== 'COMPLETE') {
    let done: ManifestRecord = { ...manifest, intake: 'COMPLETE' };
    // A transit is mixed only if a shipment is REJECTED, which the checkpoint's counts tell: the
    // shipments are read back (all of them: memory that grows with the manifest) only then.
    if (manifest.transit && (upload.counts.REJECTED ?? 0) > 0) {
      const mixed = mixedTransitOf(await deps.intake.summarizeShipments(manifestId), manifest.receivedAt);
      if (mixed) done = { ...done, mixedTransit: mixed };
    }
    await deps.intake.completeIntake(done, firstBorderCheckAt(done));
  }
  const at = deps.clock.now().toISOString();
  const finished: UploadRecord = { ...upload, status: 'COMPLETED', updatedAt: at, completedAt: at };
  await deps.uploads.finishUpload(finished, uploadNotification(finished));
  return finished;
}

/** `manifest-upload.completed`, for COMPLETED and FAILED alike (the status says which). */
export function uploadNotification(upload: UploadRecord): PartnerNotification {
  return {
    id: `${upload.uploadId}.manifest-upload.completed`,
    partnerId: upload.partnerId,
    type: 'manifest-upload.completed',
    at: upload.completedAt ?? upload.updatedAt,
    subject: `manifest-uploads/${upload.uploadId}`,
    // One event per upload: it ends once.
    sequence: 1,
    data: {
      uploadId: upload.uploadId,
      reference: upload.reference,
      status: upload.status,
      ...(upload.manifestId && upload.status === 'COMPLETED' ? { manifestId: upload.manifestId } : {}),
      shipmentsStored: upload.shipmentsStored,
      counts: upload.counts,
      errorCount: upload.errors.length,
    },
  };
}

/** The object key of an upload's file; the processor finds the upload from it. */
export const uploadObjectKey = (partnerId: string, uploadId: string) => `uploads/${partnerId}/${uploadId}`;

export function uploadOfObjectKey(key: string): { partnerId: string; uploadId: string } | undefined {
  const match = /^uploads\/([^/]+)\/([^/]+)$/.exec(decodeURIComponent(key.replace(/\+/g, ' ')));
  return match ? { partnerId: match[1] as string, uploadId: match[2] as string } : undefined;
}
