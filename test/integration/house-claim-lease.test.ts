/**
 * Claims first, shipments right after (lib/adapters/dynamodb/house-claims.ts: 75 claims and 25 of
 * their shipments in one transaction, the other shipments batched after it), against DynamoDB
 * Local: a crash between the two leaves claims whose shipments are not stored. They hold their
 * numbers for the claim lease (20 minutes, lib/domain/one-house.ts), the claimant's retry renews
 * them and stores the shipments once, and a takeover after the lease loses to a renewal that comes
 * between its read and its write. Judged by what is stored: per number, exactly one shipment that
 * is to be reported.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { HouseClaims } from '../../lib/adapters/dynamodb/house-claims.ts';
import { DynamoIntakeStore } from '../../lib/adapters/dynamodb/intake-store.ts';
import { Table } from '../../lib/adapters/dynamodb/table.ts';
import { SqsReportQueue } from '../../lib/adapters/sqs/report-queue.ts';
import { timeOrderedIds } from '../../lib/domain/ids.ts';
import { buildIntake, type IntakeDeps, type SubmitResult, submitManifest } from '../../lib/domain/intake.ts';
import type { Clock } from '../../lib/domain/ports.ts';
import type { ManifestRequest } from '../../lib/manifest/schema.ts';
import { failFrom } from '../support/sdk-hooks.ts';
import { FakeClock } from '../unit/fakes.ts';
import { drainQueue, type Env, manifestWith, manyShipments, setUpEnv } from './harness.ts';

let env: Env;

beforeAll(async () => {
  env = await setUpEnv();
});

/** An intake with its own SDK clients (faults are injected per client), dated by `clock`. */
function deps(clock: Clock) {
  const config = { region: 'eu-north-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const dynamo = new DynamoDBClient({ ...config, endpoint: env.dynamoEndpoint });
  const sqs = new SQSClient({ ...config, endpoint: env.sqsEndpoint });
  const document = DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } });
  const table = new Table({ client: document, tableName: env.tableName, retentionDays: 90, retryBaseMs: 1 });
  const store = new DynamoIntakeStore(table, clock);
  const intake: IntakeDeps = {
    store,
    queue: new SqsReportQueue(sqs, env.queueUrl, 1),
    clock,
    ids: timeOrderedIds(clock),
  };
  return { intake, store, table, dynamo };
}

const writesShipments = (input: unknown) => /"kind":(?:\{"S":)?"SHIPMENT"/.test(JSON.stringify(input));

/** The same carrier and numbers under another reference (a second manifest of that carrier). */
function sameNumbers(manifest: ManifestRequest, reference: string): ManifestRequest {
  return { ...structuredClone(manifest), reference };
}

function statuses(result: SubmitResult): string[] {
  if (result.outcome === 'conflict') throw new Error(`conflict: ${result.conflict.reason}`);
  return result.intake.shipments.map((shipment) => shipment.status);
}

/**
 * A 30-shipment manifest whose first try crashed after its claims transaction (which stored its
 * first 25 shipments with their claims) and before the batch of the other 5.
 */
async function crashedAfterClaims(clock: FakeClock) {
  const manifest = manifestWith({ shipments: manyShipments(30) });
  const a = deps(clock);
  const fault = failFrom(a.dynamo, 'BatchWriteItemCommand', 1, writesShipments);
  await expect(submitManifest(a.intake, 'lease', manifest)).rejects.toThrow(/injected failure/);
  fault.armed = false;
  const claim = await a.store.getIdempotency('lease', manifest.reference);
  if (!claim) throw new Error('no reference claim stored');
  // Stored: the 25 that rode with their claims; the last 5 have claims and no shipment.
  const stored = (await a.store.summarizeShipments(claim.manifestId)).map((row) => row.shipmentNumber);
  expect(stored.sort()).toEqual(numbers.slice(0, 25));
  return { manifest, a, manifestId: claim.manifestId };
}

/** manyShipments' numbers, in order. */
const numbers = Array.from({ length: 30 }, (_, i) => `BULK${String(i).padStart(8, '0')}SE`);
const unstored = numbers.slice(25);

/** Per number, the manifests whose stored shipment is to be reported (RECEIVED). */
async function reportedBy(store: DynamoIntakeStore, manifestIds: string[]) {
  const by = new Map<string, string[]>();
  for (const manifestId of manifestIds) {
    for (const row of await store.summarizeShipments(manifestId)) {
      if (row.status !== 'RECEIVED') continue;
      by.set(row.shipmentNumber, [...(by.get(row.shipmentNumber) ?? []), manifestId]);
    }
  }
  return by;
}

describe('claims first, shipments right after', () => {
  it('a crash between them: the claims hold the numbers against another manifest, and the retry stores each shipment once', async () => {
    await drainQueue(env.sqs, env.queueUrl);
    const clock = new FakeClock(new Date());
    const { manifest, a, manifestId } = await crashedAfterClaims(clock);

    // Another manifest of the carrier with the same numbers, a second later: refused, all 30 (the
    // last 5 on the strength of their claims alone).
    clock.advance(1_000);
    const b = deps(clock);
    const second = await submitManifest(b.intake, 'lease', sameNumbers(manifest, `${manifest.reference}-B`));
    expect(statuses(second)).toEqual(Array(30).fill('REJECTED'));
    if (second.outcome === 'conflict') throw new Error('unreachable');
    expect(second.intake.shipments[29]?.rejections[0]).toMatchObject({
      rule: 'SHIPMENT_NUMBER_IN_USE',
      message: expect.stringContaining(`is live on manifest ${manifestId}`),
    });

    // The partner's retry (after the 60 s reference lease): its own claims again, then its shipments.
    clock.advance(61_000);
    const retry = await submitManifest(a.intake, 'lease', structuredClone(manifest));
    expect(retry.outcome).toBe('created');
    expect(statuses(retry)).toEqual(Array(30).fill('RECEIVED'));
    expect(await a.store.summarizeShipments(manifestId)).toHaveLength(30);

    const reported = await reportedBy(a.store, [manifestId, second.intake.manifest.manifestId]);
    expect([...reported.keys()].sort()).toEqual(numbers);
    for (const holders of reported.values()) expect(holders).toEqual([manifestId]);
  });

  it('a claim whose shipment never came is released after the 20-minute lease, not before', async () => {
    const clock = new FakeClock(new Date());
    const { manifest, a, manifestId } = await crashedAfterClaims(clock);

    // 19 minutes on: all still held.
    clock.advance(19 * 60_000);
    const early = await submitManifest(
      deps(clock).intake,
      'lease',
      sameNumbers(manifest, `${manifest.reference}-early`),
    );
    expect(statuses(early)).toEqual(Array(30).fill('REJECTED'));

    // 20 minutes and a second on: the 5 claims without shipments are taken over; the 25 stored
    // shipments still hold theirs.
    clock.advance(60_000 + 1_000);
    const late = await submitManifest(
      deps(clock).intake,
      'lease',
      sameNumbers(manifest, `${manifest.reference}-late`),
    );
    expect(statuses(late)).toEqual([...Array(25).fill('REJECTED'), ...Array(5).fill('RECEIVED')]);
    if (late.outcome === 'conflict' || early.outcome === 'conflict') throw new Error('unreachable');

    // The first manifest's late retry finds those 5 held by the new one: refused, not doubled.
    const retry = await submitManifest(a.intake, 'lease', structuredClone(manifest));
    expect(statuses(retry)).toEqual([...Array(25).fill('RECEIVED'), ...Array(5).fill('REJECTED')]);

    const lateId = late.intake.manifest.manifestId;
    const reported = await reportedBy(a.store, [manifestId, early.intake.manifest.manifestId, lateId]);
    expect([...reported.keys()].sort()).toEqual(numbers);
    for (const [number, holders] of reported) {
      expect(holders).toEqual([unstored.includes(number) ? lateId : manifestId]);
    }
  });

  it('a takeover read before the claimant renewed its claims loses to the renewal: one manifest to report', async () => {
    const clock = new FakeClock(new Date());
    const { manifest, a, manifestId } = await crashedAfterClaims(clock);
    clock.advance(21 * 60_000);

    // A new manifest reads the claims: past the lease, the 5 whose shipments are not stored are released.
    const c = deps(clock);
    const requestC = sameNumbers(manifest, `${manifest.reference}-C`);
    const built = buildIntake(
      { partnerId: 'lease', manifestId: c.intake.ids.newId(), receivedAt: clock.now().toISOString() },
      requestC,
    );
    const houses = new HouseClaims(c.table, clock);
    const seen = await houses.holders(built.manifest, numbers);
    expect(numbers.map((number) => [seen.get(number)?.holder.manifestId, seen.get(number)?.live])).toEqual([
      ...Array(25).fill([manifestId, true]),
      ...Array(5).fill([manifestId, false]),
    ]);

    // Meanwhile the first manifest's retry renews its claims, and crashes again before its last 5.
    const again = failFrom(a.dynamo, 'BatchWriteItemCommand', 1, writesShipments);
    await expect(submitManifest(a.intake, 'lease', structuredClone(manifest))).rejects.toThrow(
      /injected failure/,
    );
    again.armed = false;

    // The takeover as read goes through for none of the 5 (each claim was renewed since).
    for (const record of built.records.filter((r) => unstored.includes(r.shipmentNumber))) {
      const found = seen.get(record.shipmentNumber);
      if (!found) throw new Error('not seen');
      expect(await houses.takeOver(built.manifest, record, found, [])).toBe(false);
    }
    // Looking again, all are held (the 5 renewed just now): the new manifest's shipments are refused.
    const held = await houses.storeClaiming(built.manifest, built.records);
    expect(held.map((h) => [h.shipmentNumber, h.holder.manifestId]).sort()).toEqual(
      numbers.map((number) => [number, manifestId]),
    );

    // And the first manifest's next retry stores its shipments, the only ones to report.
    clock.advance(61_000);
    expect(statuses(await submitManifest(a.intake, 'lease', structuredClone(manifest)))).toEqual(
      Array(30).fill('RECEIVED'),
    );
    const reported = await reportedBy(a.store, [manifestId, built.manifest.manifestId]);
    expect([...reported.keys()].sort()).toEqual(numbers);
    for (const holders of reported.values()) expect(holders).toEqual([manifestId]);
  });
});
