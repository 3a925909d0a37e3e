/**
 * Crash safety of intake against the real emulators: a fan-out that dies half-way (queue or table)
 * is completed by the partner's retry, or by the scheduled function, with nothing lost or doubled.
 */

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { intakeAnswer, intakeBody } from '../../functions/http/answers.ts';
import { DynamoIntakeStore } from '../../lib/adapters/dynamodb/intake-store.ts';
import { Table } from '../../lib/adapters/dynamodb/table.ts';
import { keys } from '../../lib/adapters/dynamodb/table-design.ts';
import { SqsReportQueue } from '../../lib/adapters/sqs/report-queue.ts';
import { timeOrderedIds } from '../../lib/domain/ids.ts';
import { type IntakeDeps, type SubmitResult, submitManifest } from '../../lib/domain/intake.ts';
import type { Intake } from '../../lib/domain/outcomes.ts';
import type { Clock } from '../../lib/domain/ports.ts';
import { ReportMessage, reportMessageKey } from '../../lib/domain/report-message.ts';
import { completeStalledIntakes, type StalledIntakeDeps } from '../../lib/domain/stalled-intakes.ts';
import { failFrom } from '../support/sdk-hooks.ts';
import { FakeClock } from '../unit/fakes.ts';
import { drainQueue, type Env, manifestWith, manyShipments, setUpEnv } from './harness.ts';

let env: Env;

beforeAll(async () => {
  env = await setUpEnv();
});

function deps(clock: Clock = new FakeClock(new Date())) {
  const config = { region: 'eu-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const dynamo = new DynamoDBClient({ ...config, endpoint: env.dynamoEndpoint });
  const sqs = new SQSClient({ ...config, endpoint: env.sqsEndpoint });
  const document = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const repository = new DynamoIntakeStore(
    new Table({ client: document, tableName: env.tableName, retentionDays: 90, retryBaseMs: 1 }),
  );
  const queue = new SqsReportQueue(sqs, env.queueUrl, 1);
  const intake: IntakeDeps = { store: repository, queue, clock, ids: timeOrderedIds(clock) };
  const stalled: StalledIntakeDeps = { store: repository, queue, clock };
  return { intake, stalled, dynamo, sqs, repository };
}

/** How the partner API answers (functions/http/answers.ts), and the intake behind it. */
const statusOf = (result: SubmitResult) => intakeAnswer(result).status;
function intakeOf(result: SubmitResult): Intake {
  if (result.outcome === 'conflict') throw new Error(`conflict: ${result.conflict.reason}`);
  return result.intake;
}
const countsOf = (result: SubmitResult) => intakeBody(intakeOf(result)).counts;
const manifestIdOf = (result: SubmitResult) => intakeOf(result).manifest.manifestId;
/**
 * Shipments to report are written in batches once their house claims are held (a transaction of up
 * to 100 claims first, lib/adapters/dynamodb/house-claims.ts); the reference claim and the lease
 * release are transactions with neither shipments nor house claims.
 */
const writesShipments = (input: unknown) => /"kind":(?:\{"S":)?"SHIPMENT"/.test(JSON.stringify(input));
const writesHouseClaims = (input: unknown) => /"kind":(?:\{"S":)?"HOUSE_CLAIM"/.test(JSON.stringify(input));
const writesNoShipment = (input: unknown) => !writesShipments(input) && !writesHouseClaims(input);

async function queuedKeys() {
  return (await drainQueue(env.sqs, env.queueUrl)).map((body) => reportMessageKey(ReportMessage.parse(body)));
}

describe('a fan-out interrupted half-way', () => {
  it('queue fails after 3 batches: the retry completes it; every message is there, shipments once', async () => {
    await drainQueue(env.sqs, env.queueUrl);
    const manifest = manifestWith({ shipments: manyShipments(95) });
    const failing = deps();
    const fault = failFrom(failing.sqs, 'SendMessageBatchCommand', 4);

    await expect(submitManifest(failing.intake, 'crash', manifest)).rejects.toThrow(/injected failure/);
    const firstAttempt = await queuedKeys();
    expect(firstAttempt.length).toBe(30); // 3 batches of 10 made it before the failure

    fault.armed = false;
    const retry = await submitManifest(failing.intake, 'crash', structuredClone(manifest));
    expect(statusOf(retry)).toBe(202);
    expect(countsOf(retry)).toEqual({ RECEIVED: 95 });

    const afterRetry = await queuedKeys();
    const all = new Set([...firstAttempt, ...afterRetry]);
    // Every Digitoll message to send is queued: transport, master and 95 houses.
    expect(all.size).toBe(97);
    // The retry re-sent the same messages (same keys): the reporter acts on state, not on message count.
    expect(afterRetry.length).toBe(97);

    const summaries = await failing.repository.summarizeShipments(manifestIdOf(retry));
    expect(summaries).toHaveLength(95);
    const again = await submitManifest(failing.intake, 'crash', structuredClone(manifest));
    expect(statusOf(again)).toBe(200);
    expect(manifestIdOf(again)).toBe(manifestIdOf(retry));
  });

  it('table fails after the first shipment batch: nothing is queued, and the retry stores and queues everything', async () => {
    await drainQueue(env.sqs, env.queueUrl);
    const manifest = manifestWith({ shipments: manyShipments(80) });
    const failing = deps();
    const fault = failFrom(failing.dynamo, 'BatchWriteItemCommand', 2, writesShipments);
    await expect(submitManifest(failing.intake, 'crash-db', manifest)).rejects.toThrow(/injected failure/);
    expect(await queuedKeys()).toEqual([]);

    fault.armed = false;
    const retry = await submitManifest(failing.intake, 'crash-db', structuredClone(manifest));
    expect(statusOf(retry)).toBe(202);
    expect(new Set(await queuedKeys()).size).toBe(82);
    expect(await failing.repository.summarizeShipments(manifestIdOf(retry))).toHaveLength(80);
  });

  it('without a retry, the scheduled function completes it once the lease has ended', async () => {
    await drainQueue(env.sqs, env.queueUrl);
    const clock = new FakeClock(new Date());
    const failing = deps(clock);
    const manifest = manifestWith({ shipments: manyShipments(40) });
    const fault = failFrom(failing.sqs, 'SendMessageBatchCommand', 2);
    // A crash, not an orderly failure: the lease is not released (the release itself fails too).
    const releaseFault = failFrom(failing.dynamo, 'TransactWriteItemsCommand', 2, writesNoShipment);
    await expect(submitManifest(failing.intake, 'stalled', manifest)).rejects.toThrow(/injected failure/);
    fault.armed = false;
    releaseFault.armed = false;
    await drainQueue(env.sqs, env.queueUrl);

    const early = await completeStalledIntakes(failing.stalled);
    expect(early.completed).toEqual([]);

    clock.advance(61_000);
    const late = await completeStalledIntakes(failing.stalled);
    expect(late.completed).toHaveLength(1);
    expect(new Set(await queuedKeys()).size).toBe(42);

    const [manifestId] = late.completed;
    const stored = await env.db.send(
      new GetCommand({ TableName: env.tableName, Key: keys.manifest('stalled', manifestId ?? '') }),
    );
    expect(stored.Item?.intake).toBe('COMPLETE');
    const marker = await env.db.send(
      new GetCommand({
        TableName: env.tableName,
        Key: keys.dueMarker('stalled', manifestId ?? '', 'FANOUT'),
      }),
    );
    expect(marker.Item).toBeUndefined();
    // Running it again finds nothing: it is idempotent.
    expect((await completeStalledIntakes(failing.stalled)).completed).toEqual([]);
    // And the partner's eventual retry gets the original answer.
    const retry = await submitManifest(failing.intake, 'stalled', structuredClone(manifest));
    expect(statusOf(retry)).toBe(200);
    expect(manifestIdOf(retry)).toBe(manifestId);
  });

  it('a crash before all shipments were stored waits for the partner, who completes it', async () => {
    await drainQueue(env.sqs, env.queueUrl);
    const clock = new FakeClock(new Date());
    const failing = deps(clock);
    const manifest = manifestWith({ shipments: manyShipments(60) });
    const writeFault = failFrom(failing.dynamo, 'BatchWriteItemCommand', 2, writesShipments);
    const releaseFault = failFrom(failing.dynamo, 'TransactWriteItemsCommand', 2, writesNoShipment);
    await expect(submitManifest(failing.intake, 'partial', manifest)).rejects.toThrow(/injected failure/);
    writeFault.armed = false;
    releaseFault.armed = false;

    clock.advance(61_000);
    const sweep = await completeStalledIntakes(failing.stalled);
    expect(sweep.completed).toEqual([]);
    expect(sweep.waitingForPartner).toHaveLength(1);
    expect(await queuedKeys()).toEqual([]);

    // The lease stays expired: the partner's retry is not made to wait, and completes it.
    const retry = await submitManifest(failing.intake, 'partial', structuredClone(manifest));
    expect(statusOf(retry)).toBe(202);
    expect(new Set(await queuedKeys()).size).toBe(62);
    expect(await failing.repository.summarizeShipments(manifestIdOf(retry))).toHaveLength(60);
    // Nothing left for the schedule.
    clock.advance(16 * 60_000);
    expect(await completeStalledIntakes(failing.stalled)).toEqual({ completed: [], waitingForPartner: [] });
  });
});
