/**
 * Intake benchmarks (issue #2):
 * - AWS calls per 1,000 shipments accepted, counted with SDK middleware (deterministic);
 * - median time to accept a 10,000-shipment manifest through the local stack (HTTP → bundled
 *   function → DynamoDB Local + fauxqs), against the floor: the same batched writes and sends
 *   with no validation or logic, measured in the same run.
 */
import { gzipSync } from 'node:zlib';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoManifestRepository } from '../lib/adapters/dynamodb/manifest-repository.ts';
import { SqsReportQueue } from '../lib/adapters/sqs/report-queue.ts';
import { systemClock, timeOrderedIds } from '../lib/domain/ids.ts';
import { buildIntake, type IntakeDeps, reportMessagesFor, submitManifest } from '../lib/domain/intake.ts';
import type { ManifestRequest } from '../lib/manifest/schema.ts';
import { createTestTable } from '../test/integration/support/resources.ts';
import { onCommand } from '../test/support/sdk-hooks.ts';

const WRITE_COMMANDS = new Set([
  'PutCommand',
  'UpdateCommand',
  'DeleteCommand',
  'BatchWriteCommand',
  'TransactWriteCommand',
  'PutItemCommand',
  'UpdateItemCommand',
  'DeleteItemCommand',
  'BatchWriteItemCommand',
  'TransactWriteItemsCommand',
]);
const SEND_COMMANDS = new Set(['SendMessageCommand', 'SendMessageBatchCommand']);

export interface CallCounts {
  dynamoWrites: number;
  dynamoReads: number;
  sqsSends: number;
}

function count(client: unknown, counts: CallCounts, kind: 'dynamo' | 'sqs') {
  onCommand(client, 'count-calls', (name) => {
    if (kind === 'dynamo') {
      if (WRITE_COMMANDS.has(name)) counts.dynamoWrites++;
      else counts.dynamoReads++;
    } else if (SEND_COMMANDS.has(name)) counts.sqsSends++;
  });
}

export function manifestOf(template: ManifestRequest, shipments: number, reference: string): ManifestRequest {
  const [shipment] = template.shipments;
  if (!shipment) throw new Error('template has no shipment');
  return {
    ...template,
    reference,
    transport: { ...template.transport, estimatedArrival: new Date(Date.now() + 86_400_000).toISOString() },
    shipments: Array.from({ length: shipments }, (_, i) => ({
      ...shipment,
      shipmentNumber: `${reference}-${String(i).padStart(6, '0')}`,
    })),
  };
}

function clients(dynamoEndpoint: string, sqsEndpoint: string) {
  const config = { region: 'eu-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const dynamo = new DynamoDBClient({ ...config, endpoint: dynamoEndpoint });
  const sqs = new SQSClient({ ...config, endpoint: sqsEndpoint });
  return {
    dynamo,
    sqs,
    document: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
  };
}

/** AWS requests made to accept manifests of several sizes, normalised per 1,000 shipments. */
export async function measureCallCounts(
  dynamoEndpoint: string,
  sqsEndpoint: string,
  template: ManifestRequest,
): Promise<Array<{ shipments: number } & CallCounts & { writesPer1000: number; sendsPer1000: number }>> {
  const { dynamo, sqs, document } = clients(dynamoEndpoint, sqsEndpoint);
  const { tableName } = await createTestTable(dynamoEndpoint);
  const { QueueUrl: queueUrl = '' } = await sqs.send(
    new CreateQueueCommand({ QueueName: `bench-calls-${Date.now()}` }),
  );
  const counts: CallCounts = { dynamoWrites: 0, dynamoReads: 0, sqsSends: 0 };
  count(dynamo, counts, 'dynamo');
  count(sqs, counts, 'sqs');
  const deps: IntakeDeps = {
    repository: new DynamoManifestRepository({ client: document, tableName, retentionDays: 90 }),
    queue: new SqsReportQueue(sqs, queueUrl),
    clock: systemClock,
    ids: timeOrderedIds(systemClock),
  };
  const rows = [];
  for (const size of [1_000, 10_000]) {
    Object.assign(counts, { dynamoWrites: 0, dynamoReads: 0, sqsSends: 0 });
    await submitManifest(deps, 'bench', manifestOf(template, size, `calls-${size}`));
    rows.push({
      shipments: size,
      ...counts,
      writesPer1000: (counts.dynamoWrites * 1000) / size,
      sendsPer1000: (counts.sqsSends * 1000) / size,
    });
    await sqs.send(new PurgeQueueCommand({ QueueUrl: queueUrl }));
  }
  return rows;
}

/** The floor: the same batched writes and sends (records prepared beforehand), no logic. */
export async function floorOnce(
  dynamoEndpoint: string,
  sqsEndpoint: string,
  tableName: string,
  queueUrl: string,
  manifest: ManifestRequest,
): Promise<number> {
  const { sqs, document } = clients(dynamoEndpoint, sqsEndpoint);
  const repository = new DynamoManifestRepository({ client: document, tableName, retentionDays: 90 });
  const queue = new SqsReportQueue(sqs, queueUrl);
  const manifestId = timeOrderedIds(systemClock).newId();
  const claim = {
    partnerId: 'floor',
    reference: manifest.reference,
    manifestId,
    bodyHash: 'x',
    receivedAt: new Date().toISOString(),
    state: 'IN_PROGRESS' as const,
    leaseUntil: new Date(Date.now() + 60_000).toISOString(),
  };
  const { manifest: record, records } = buildIntake(claim, manifest);
  const messages = reportMessagesFor(record, records);
  const started = performance.now();
  await repository.claimReference(claim, record);
  await repository.putShipments(records);
  await queue.send(messages);
  await repository.completeIntake({ ...record, intake: 'COMPLETE' });
  return performance.now() - started;
}

export async function acceptOverHttp(
  apiUrl: string,
  key: string,
  manifest: ManifestRequest,
): Promise<number> {
  const body = gzipSync(JSON.stringify(manifest));
  const started = performance.now();
  const response = await fetch(`${apiUrl}/v1/manifests`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      'content-encoding': 'gzip',
    },
    body,
  });
  const text = await response.text();
  const elapsed = performance.now() - started;
  if (response.status !== 202) throw new Error(`intake answered ${response.status}: ${text.slice(0, 300)}`);
  return elapsed;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}
