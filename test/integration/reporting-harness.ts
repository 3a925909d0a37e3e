/**
 * Shared set-up of the reporting end-to-end tests (`reporting*.test.ts`): the whole local system
 * (`startFullStack`: the Digitoll simulator + the local runtime running the bundled functions
 * against the run's shared DynamoDB Local and fauxqs), a partner key, and helpers that talk to it
 * over real HTTP and SQS and wait with bounded polling (never fixed sleeps).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ReceiveMessageCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { inject, onTestFailed } from 'vitest';
import { keys } from '../../lib/adapters/dynamodb/table-design.ts';
import { newKey } from '../../lib/domain/partner-keys.ts';
import { ManifestRecord, ShipmentRecord } from '../../lib/domain/records.ts';
import type { ReportMessage } from '../../lib/domain/report-message.ts';
import type { ManifestRequest, ShipmentInput } from '../../lib/manifest/schema.ts';
import type { ReceivedRecord, StoredMessage } from '../../local/digitoll-simulator/index.ts';
import { type FullStack, type FullStackOptions, startFullStack } from '../../local/full-stack.ts';
import { localDynamoClient, localSqsClient } from '../../local/runtime/aws.ts';
import { road } from '../road.ts';

export interface TimelineEvent {
  at: string;
  type: string;
  actor: string;
  detail?: string;
  subject?: string;
  data?: Record<string, unknown>;
}

export interface ShipmentDetail {
  shipmentNumber: string;
  manifestId: string;
  status: string;
  mrn?: string;
  voecNumber: string;
  digitollErrors?: Array<{ message: string; digitollPath: string; path?: string; in?: string }>;
  failureReason?: string;
  rejections: Array<{ rule: string; path: string; message: string }>;
  timeline: TimelineEvent[];
}

export interface HttpReply<T = any> {
  status: number;
  body: T;
}

export const TERMINAL = ['ACCEPTED', 'FAILED', 'CANCELLED', 'REJECTED'];

const fixture = (): ManifestRequest =>
  JSON.parse(readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8'));
const airFixture = (): ManifestRequest =>
  JSON.parse(readFileSync(new URL('../fixtures/manifest.air.example.json', import.meta.url), 'utf8'));

/** A master air waybill number for a serial: its check digit is the serial modulo 7 (test data only). */
export const airWaybill = (prefix: number, serial: number): string =>
  `${String(prefix).padStart(3, '0')}-${String(serial).padStart(7, '0')}${serial % 7}`;

/** Polls `read` until `done` holds or the deadline passes; returns the last value. No fixed sleeps. */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  { timeoutMs = 45_000, intervalMs = 200 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T = await read();
  while (!done(last)) {
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    last = await read();
  }
  return last;
}

export class ReportingSystem {
  readonly partnerId = `carrier-${randomUUID().slice(0, 8)}`;
  readonly key = newKey();
  readonly logs: string[] = [];
  full!: FullStack;
  sqs!: SQSClient;
  db!: DynamoDBDocumentClient;
  tableName!: string;
  reportQueueUrl!: string;
  deadLetterQueueUrl!: string;
  private counter = 0;
  private readonly tag = randomUUID().replaceAll('-', '').slice(0, 6).toUpperCase();

  get stack() {
    return this.full.stack;
  }

  get digitoll() {
    return this.full.digitoll;
  }

  async start(options: Pick<FullStackOptions, 'digitoll' | 'reporterEnv'> = {}): Promise<this> {
    const keep = (line: string) => {
      this.logs.push(line);
      if (this.logs.length > 4_000) this.logs.splice(0, 1_000);
    };
    this.full = await startFullStack({
      port: 0,
      synth: false,
      cdkOut: inject('cdkOut'),
      dynamoEndpoint: inject('dynamoEndpoint'),
      sqsEndpoint: inject('sqsEndpoint'),
      namePrefix: `rep-${randomUUID().slice(0, 8)}-`,
      scheduleEnabled: false,
      partnerKeys: [{ partnerId: this.partnerId, key: this.key }],
      log: keep,
      functionLogs: (fn, line) => keep(`${fn} │ ${line}`),
      ...options,
      digitoll: { processingDelayMs: 100, ...options.digitoll },
    });
    this.sqs = localSqsClient(this.stack.sqsEndpoint);
    this.db = DynamoDBDocumentClient.from(localDynamoClient(this.stack.dynamoEndpoint), {
      marshallOptions: { removeUndefinedValues: true },
    });
    const tables = Object.values(this.stack.tables);
    if (tables.length !== 1 || !tables[0]) throw new Error('expected exactly one table');
    this.tableName = tables[0];
    const queue = (dead: boolean) => {
      const found = Object.entries(this.stack.queues).find(
        ([logicalId]) => logicalId.startsWith('Report') && logicalId.includes('DeadLetter') === dead,
      );
      if (!found) throw new Error(`the template has no report ${dead ? 'dead-letter ' : ''}queue`);
      return found[1].url;
    };
    this.reportQueueUrl = queue(false);
    this.deadLetterQueueUrl = queue(true);
    await this.warmUp();
    return this;
  }

  /** Starts the authorizer, intake, read and reporter functions once, so the first test does not pay for it. */
  private async warmUp(): Promise<void> {
    await Promise.all([
      this.api('GET', '/v1/shipments/WARMUP0000000'),
      this.api('POST', '/v1/manifests', {}),
      this.sendReportMessages([
        { v: 1, partnerId: this.partnerId, manifestId: 'warm-up', kind: 'TRANSPORT' },
      ]),
    ]);
    await this.settle();
  }

  async stop(): Promise<void> {
    await this.full?.stop();
    this.sqs?.destroy();
    this.db?.destroy();
  }

  /** Prints the runtime's and the functions' logs when the current test fails. */
  dumpLogsOnFailure(): void {
    const from = this.logs.length;
    onTestFailed(() => {
      console.log(
        `--- local runtime and function logs of the failed test ---\n${this.logs.slice(from).join('\n')}`,
      );
    });
  }

  // -----------------------------------------------------------------------------------------------
  // Data
  // -----------------------------------------------------------------------------------------------

  /** A unique shipment number (the house waybill number). */
  shipmentNumber(): string {
    return `${this.tag}${String(++this.counter).padStart(7, '0')}SE`;
  }

  /**
   * The example manifest made unique (reference, plate, master waybill, shipment numbers), its
   * ETA a day ahead (the fixture's own date passes).
   */
  manifest(change: (manifest: ManifestRequest) => void = () => {}): ManifestRequest {
    const manifest = fixture();
    const n = ++this.counter;
    manifest.reference = `REP-${this.tag}-${n}`;
    road(manifest.transport).vehicleRegistration = `${this.tag}${n}`;
    manifest.transport.estimatedArrival = new Date(Date.now() + 24 * 3_600_000).toISOString();
    if (manifest.masterConsignment) manifest.masterConsignment.waybill.number = `CMR-${this.tag}-${n}`;
    for (const shipment of manifest.shipments) shipment.shipmentNumber = this.shipmentNumber();
    change(manifest);
    return manifest;
  }

  /**
   * The air example made unique (reference, flight number, master air waybill, shipment numbers),
   * the flight scheduled a day ahead and estimated 15 minutes later, as in the fixture.
   */
  airManifest(change: (manifest: ManifestRequest) => void = () => {}): ManifestRequest {
    const manifest = airFixture();
    const n = ++this.counter;
    if (manifest.transport.mode !== 'AIR') throw new Error('the air fixture is not AIR');
    manifest.reference = `AIR-${this.tag}-${n}`;
    manifest.transport.flightNumber = `QR${(n % 9000) + 1000}`;
    const scheduled = new Date(Date.now() + 24 * 3_600_000);
    scheduled.setUTCMilliseconds(0);
    manifest.transport.scheduledArrival = scheduled.toISOString();
    manifest.transport.estimatedArrival = new Date(scheduled.getTime() + 15 * 60_000).toISOString();
    manifest.masterConsignment.waybill.number = airWaybill(157, (Date.now() + n) % 10_000_000);
    for (const shipment of manifest.shipments) shipment.shipmentNumber = this.shipmentNumber();
    change(manifest);
    return manifest;
  }

  /** A valid shipment like the fixture's first, under a new number. */
  shipment(change: (shipment: ShipmentInput) => void = () => {}): ShipmentInput {
    const [template] = fixture().shipments;
    if (!template) throw new Error('fixture has no shipment');
    const shipment = { ...structuredClone(template), shipmentNumber: this.shipmentNumber() };
    change(shipment);
    return shipment;
  }

  // -----------------------------------------------------------------------------------------------
  // The partner API over HTTP
  // -----------------------------------------------------------------------------------------------

  async api<T = any>(method: string, path: string, body?: unknown): Promise<HttpReply<T>> {
    const response = await fetch(`${this.stack.apiUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /** POST /v1/manifests; expects 202 and returns the manifest id. */
  async postManifest(manifest: ManifestRequest): Promise<{ manifestId: string; body: any }> {
    const reply = await this.api('POST', '/v1/manifests', manifest);
    if (reply.status !== 202)
      throw new Error(`POST /v1/manifests: ${reply.status} ${JSON.stringify(reply.body)}`);
    return { manifestId: reply.body.manifestId, body: reply.body };
  }

  async getShipment(shipmentNumber: string): Promise<ShipmentDetail> {
    const reply = await this.api<ShipmentDetail>(
      'GET',
      `/v1/shipments/${encodeURIComponent(shipmentNumber)}`,
    );
    if (reply.status !== 200) throw new Error(`GET shipment ${shipmentNumber}: ${reply.status}`);
    return reply.body;
  }

  async getManifest(manifestId: string): Promise<any> {
    const reply = await this.api('GET', `/v1/manifests/${manifestId}`);
    if (reply.status !== 200) throw new Error(`GET manifest ${manifestId}: ${reply.status}`);
    return reply.body;
  }

  /** Waits until every shipment has one of `statuses`; returns them in the order asked. */
  async waitForShipments(
    numbers: readonly string[],
    statuses: readonly string[] = TERMINAL,
    timeoutMs = 45_000,
  ): Promise<ShipmentDetail[]> {
    return waitFor(
      `shipments ${numbers.join(', ')} to be ${statuses.join('/')}`,
      () => Promise.all(numbers.map((n) => this.getShipment(n))),
      (all) => all.every((s) => statuses.includes(s.status)),
      { timeoutMs },
    ).catch((error: Error) => {
      throw new Error(`${error.message.slice(0, 3_000)}`);
    });
  }

  /** Waits until the manifest's transport (and master, if any) report is ACCEPTED or FAILED. */
  async waitForManifestReports(manifestId: string, timeoutMs = 45_000): Promise<any> {
    const settled = (phase: string | undefined) => phase === 'ACCEPTED' || phase === 'FAILED';
    return waitFor(
      `the transport and master of ${manifestId} to be reported`,
      () => this.getManifest(manifestId),
      (m) =>
        settled(m.transport.digitollStatus) && (!m.masterReport || settled(m.masterReport.digitollStatus)),
      { timeoutMs },
    );
  }

  /** Waits until the report queue is empty and nothing is being processed (delayed polls included). */
  async settle(timeoutMs = 45_000): Promise<void> {
    await this.stack.drainQueues({ timeoutMs });
  }

  // -----------------------------------------------------------------------------------------------
  // The simulator's record
  // -----------------------------------------------------------------------------------------------

  houses(documentNumber: string): Extract<StoredMessage, { kind: 'house-consignment' }>[] {
    return this.digitoll
      .messages()
      .filter(
        (m): m is Extract<StoredMessage, { kind: 'house-consignment' }> =>
          m.kind === 'house-consignment' &&
          m.body.consignmentHouseLevel.transportDocumentHouseLevel.documentNumber === documentNumber,
      );
  }

  masters(documentNumber: string): Extract<StoredMessage, { kind: 'master-consignment' }>[] {
    return this.digitoll
      .messages()
      .filter(
        (m): m is Extract<StoredMessage, { kind: 'master-consignment' }> =>
          m.kind === 'master-consignment' &&
          m.body.consignmentMasterLevel.transportDocumentMasterLevel.documentNumber === documentNumber,
      );
  }

  transports(plate: string): Extract<StoredMessage, { kind: 'transport' }>[] {
    return this.digitoll
      .messages()
      .filter(
        (m): m is Extract<StoredMessage, { kind: 'transport' }> =>
          m.kind === 'transport' && m.body.activeBorderTransportMeans.identificationNumber === plate,
      );
  }

  /** The simulator's duplicates (keys accepted more than once while active) among these waybill numbers. */
  duplicatesOf(documentNumbers: readonly string[]) {
    const mine = new Set(documentNumbers);
    return this.digitoll.duplicates().filter((duplicate) => mine.has(duplicate.documentNumber));
  }

  /** Every request the simulator received for a house waybill number (POSTs carry it in the body). */
  housePosts(documentNumber: string): ReceivedRecord[] {
    return this.digitoll
      .received()
      .filter(
        (r) =>
          r.method === 'POST' &&
          r.path === '/api/movement/road/v2/house-consignment' &&
          (r.body as any)?.consignmentHouseLevel?.transportDocumentHouseLevel?.documentNumber ===
            documentNumber,
      );
  }

  /** Every request the simulator received under a path prefix (e.g. `/api/movement/air/`). */
  requestsUnder(prefix: string): ReceivedRecord[] {
    return this.digitoll.received().filter((r) => r.path.startsWith(prefix));
  }

  /** Requests by method to `/api/movement/road/v2/<kind>/<mrn>`. */
  requestsTo(method: string, kind: string, mrn: string): ReceivedRecord[] {
    return this.digitoll
      .received()
      .filter((r) => r.method === method && r.path === `/api/movement/road/v2/${kind}/${mrn}`);
  }

  // -----------------------------------------------------------------------------------------------
  // The table and the queues directly
  // -----------------------------------------------------------------------------------------------

  async readManifestRecord(manifestId: string): Promise<ManifestRecord> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.manifest(this.partnerId, manifestId),
        ConsistentRead: true,
      }),
    );
    return ManifestRecord.parse(Item);
  }

  async readShipmentRecord(manifestId: string, shipmentNumber: string): Promise<ShipmentRecord> {
    const { Item } = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: keys.shipment(this.partnerId, shipmentNumber, manifestId),
        ConsistentRead: true,
      }),
    );
    return ShipmentRecord.parse(Item);
  }

  /** Overwrites a shipment item (keys and index attributes kept). */
  async writeShipmentRecord(record: ShipmentRecord): Promise<void> {
    const key = keys.shipment(this.partnerId, record.shipmentNumber, record.manifestId);
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }),
    );
    if (!Item) throw new Error(`no shipment item ${record.shipmentNumber}`);
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...Item, ...record } }));
  }

  /** Sends report messages to the report queue, as intake or a redelivery would. */
  async sendReportMessages(messages: ReportMessage[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const batch = messages.slice(start, start + 10);
      const result = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.reportQueueUrl,
          Entries: batch.map((message, i) => ({
            Id: `m${i}`,
            MessageBody: JSON.stringify(message),
            MessageAttributes: { contract: { DataType: 'String', StringValue: 'report-message/v1' } },
          })),
        }),
      );
      if (result.Failed?.length) throw new Error(`SendMessageBatch failed: ${JSON.stringify(result.Failed)}`);
    }
  }

  reportMessages(manifestId: string, shipmentNumbers: readonly string[], master = true): ReportMessage[] {
    const base = { v: 1, partnerId: this.partnerId, manifestId } as const;
    return [
      { ...base, kind: 'TRANSPORT' },
      ...(master ? [{ ...base, kind: 'MASTER' } as const] : []),
      ...shipmentNumbers.map((shipmentNumber) => ({ ...base, kind: 'HOUSE' as const, shipmentNumber })),
    ];
  }

  /** Takes every message off the dead-letter queue (they stay invisible for the rest of the run). */
  async receiveDeadLetters(): Promise<Array<{ body: any; reason?: string }>> {
    const out: Array<{ body: any; reason?: string }> = [];
    for (;;) {
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.deadLetterQueueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 0,
          VisibilityTimeout: 600,
          MessageAttributeNames: ['All'],
        }),
      );
      if (Messages.length === 0) return out;
      for (const message of Messages) {
        out.push({
          body: JSON.parse(message.Body ?? 'null'),
          ...(message.MessageAttributes?.reason?.StringValue
            ? { reason: message.MessageAttributes.reason.StringValue }
            : {}),
        });
      }
    }
  }
}

/** Event types of a timeline, in order. */
export const eventTypes = (shipment: ShipmentDetail | undefined): string[] =>
  (shipment?.timeline ?? []).map((e) => e.type);

/**
 * The events about the house itself: a shipment's timeline also carries its transport's and
 * master's events (they belong to every shipment on them), told apart only by their text.
 */
export const houseEventTypes = (shipment: ShipmentDetail | undefined): string[] =>
  (shipment?.timeline ?? [])
    .filter((e) => e.actor !== 'reporter' || /house[ -]consignment/.test(e.detail ?? ''))
    .map((e) => e.type);

/** True when `expected` occurs in `actual` in this order (other events may sit between). */
export function inOrder(actual: readonly string[], expected: readonly string[]): boolean {
  let i = 0;
  for (const type of actual) if (type === expected[i]) i++;
  return i === expected.length;
}
