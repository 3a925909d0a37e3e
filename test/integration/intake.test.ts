/**
 * Manifest intake end to end through the real handlers, DynamoDB Local and fauxqs.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { keys } from '../../lib/adapters/dynamodb/table-design.ts';
import { ReportMessage } from '../../lib/domain/report-message.ts';
import {
  drainQueue,
  type Env,
  fixture,
  invoke,
  manifestWith,
  manyShipments,
  queueDepth,
  type Reply,
  setUpEnv,
} from './harness.ts';

let env: Env;
type Handler = Parameters<typeof invoke>[0];
let intake: Handler;
let read: Handler;

beforeAll(async () => {
  env = await setUpEnv();
  intake = (await import('../../functions/http/intake.ts')).handler as unknown as Handler;
  read = (await import('../../functions/http/read.ts')).handler as unknown as Handler;
});

const post = (body: unknown, partnerId = 'acme', extra: Partial<Parameters<typeof invoke>[1]> = {}) =>
  invoke(intake, { routeKey: 'POST /v1/manifests', path: '/v1/manifests', partnerId, body, ...extra });

const getManifest = (manifestId: string, partnerId = 'acme') =>
  invoke(read, {
    routeKey: 'GET /v1/manifests/{manifestId}',
    path: `/v1/manifests/${manifestId}`,
    partnerId,
    pathParameters: { manifestId },
  });

const getShipment = (shipmentNumber: string, partnerId = 'acme') =>
  invoke(read, {
    routeKey: 'GET /v1/shipments/{shipmentNumber}',
    path: `/v1/shipments/${shipmentNumber}`,
    partnerId,
    pathParameters: { shipmentNumber },
  });

const listShipments = (manifestId: string, query: Record<string, string> = {}, partnerId = 'acme') =>
  invoke(read, {
    routeKey: 'GET /v1/manifests/{manifestId}/shipments',
    path: `/v1/manifests/${manifestId}/shipments`,
    partnerId,
    pathParameters: { manifestId },
    query,
  });

const addShipments = (manifestId: string, shipments: unknown[], partnerId = 'acme') =>
  invoke(intake, {
    routeKey: 'POST /v1/manifests/{manifestId}/shipments',
    path: `/v1/manifests/${manifestId}/shipments`,
    partnerId,
    pathParameters: { manifestId },
    body: { shipments },
  });

function outcome(reply: Reply, shipmentNumber: string) {
  return reply.body.shipments.find((s: { shipmentNumber: string }) => s.shipmentNumber === shipmentNumber);
}

describe('the example manifest', () => {
  it('is accepted exactly as it is, stored, and queued (1 transport + 1 master + 3 houses)', async () => {
    await drainQueue(env.sqs, env.queueUrl);
    const reply = await post(fixture(), 'fixture-partner');
    expect(reply.status).toBe(202);
    expect(reply.body.counts).toEqual({ RECEIVED: 3 });
    expect(reply.body.shipments.map((s: { status: string }) => s.status)).toEqual([
      'RECEIVED',
      'RECEIVED',
      'RECEIVED',
    ]);
    const { manifestId } = reply.body;

    const stored = await env.db.send(
      new GetCommand({
        TableName: env.tableName,
        Key: keys.shipment('fixture-partner', 'LX987654321SE', manifestId),
      }),
    );
    expect(stored.Item?.status).toBe('RECEIVED');
    expect(stored.Item?.voecNumber).toBe('2021137');
    const manifest = await env.db.send(
      new GetCommand({ TableName: env.tableName, Key: keys.manifest('fixture-partner', manifestId) }),
    );
    expect(manifest.Item?.intake).toBe('COMPLETE');

    const messages = (await drainQueue(env.sqs, env.queueUrl)).map((body) => ReportMessage.parse(body));
    expect(messages.map((m) => (m.kind === 'HOUSE' ? `HOUSE:${m.shipmentNumber}` : m.kind)).sort()).toEqual([
      'HOUSE:CP000111222SE',
      'HOUSE:LX987654321SE',
      'HOUSE:RR123456785SE',
      'MASTER',
      'TRANSPORT',
    ]);
    expect(new Set(messages.map((m) => m.manifestId))).toEqual(new Set([manifestId]));
  });
});

describe('VOEC rules at intake', () => {
  const base = () => manifestWith();

  it('rejects an item of exactly NOK 3,000 with the rule and the path, and never queues it', async () => {
    await drainQueue(env.sqs, env.queueUrl);
    const manifest = base();
    const [first, second] = manifest.shipments;
    if (!first?.items[0] || !second?.items[0]) throw new Error('fixture changed');
    first.items[0].unitValueNok = 3000;
    second.items[0].unitValueNok = 2999.99;
    const reply = await post(manifest);
    expect(reply.status).toBe(202);
    expect(outcome(reply, first.shipmentNumber)).toMatchObject({
      status: 'REJECTED',
      rejections: [{ rule: 'ITEM_VALUE_LIMIT', path: '/shipments/0/items/0/unitValueNok' }],
    });
    expect(outcome(reply, second.shipmentNumber).status).toBe('RECEIVED');
    const houses = (await drainQueue(env.sqs, env.queueUrl))
      .map((body) => ReportMessage.parse(body))
      .filter((m) => m.kind === 'HOUSE')
      .map((m) => (m.kind === 'HOUSE' ? m.shipmentNumber : ''));
    expect(houses.sort()).toEqual(
      [manifest.shipments[1]?.shipmentNumber, manifest.shipments[2]?.shipmentNumber].sort(),
    );
  });

  it('rejects a business consignee', async () => {
    const manifest = base();
    if (!manifest.shipments[2]) throw new Error('fixture changed');
    manifest.shipments[2].consignee.type = 'BUSINESS';
    const reply = await post(manifest);
    expect(outcome(reply, 'CP000111222SE')).toMatchObject({
      status: 'REJECTED',
      rejections: [{ rule: 'CONSIGNEE_NOT_PRIVATE', path: '/shipments/2/consignee/type' }],
    });
  });

  it('rejects excluded goods, flags borderline excise goods, and takes books', async () => {
    const manifest = base();
    const [wine, oil, book] = manifest.shipments;
    if (!wine?.items[0] || !oil?.items[0] || !book?.items[0]) throw new Error('fixture changed');
    wine.items[0].commodityCode = '220421';
    oil.items[0].commodityCode = '271019';
    book.items[0].commodityCode = '490199';
    const reply = await post(manifest);
    expect(outcome(reply, wine.shipmentNumber)).toMatchObject({
      status: 'REJECTED',
      rejections: [{ rule: 'EXCLUDED_GOODS', path: '/shipments/0/items/0/commodityCode' }],
    });
    const oilOutcome = outcome(reply, oil.shipmentNumber);
    expect(oilOutcome.status).toBe('RECEIVED');
    expect(oilOutcome.flags.map((f: { code: string }) => f.code)).toContain('EXCLUDED_GOODS_SUSPECTED');
    expect(outcome(reply, book.shipmentNumber)).toMatchObject({ status: 'RECEIVED', flags: [] });
  });

  it('normalises VOEC numbers and flags one that fails the check digit, but still reports it', async () => {
    const manifest = base();
    const [labelled, suspect] = manifest.shipments;
    if (!labelled || !suspect) throw new Error('fixture changed');
    labelled.voecNumber = 'VOEC2021137';
    suspect.voecNumber = '2021138';
    const reply = await post(manifest);
    const shipment = await getShipment(labelled.shipmentNumber);
    expect(shipment.body.voecNumber).toBe('2021137');
    expect(outcome(reply, suspect.shipmentNumber)).toMatchObject({
      status: 'RECEIVED',
      flags: [{ code: 'VOEC_NUMBER_SUSPECT', path: '/voecNumber' }],
    });
  });

  it('flags shipments received less than 2 hours before the border ETA', async () => {
    const late = await post(manifestWith({}, 1.5));
    const inTime = await post(manifestWith({}, 2.5));
    for (const s of late.body.shipments)
      expect(s.flags.map((f: { code: string }) => f.code)).toContain('LATE_SUBMISSION');
    for (const s of inTime.body.shipments) expect(s.flags).toEqual([]);
  });

  it('records a mixed transit on the manifest when a shipment under the transit is not VOEC-eligible', async () => {
    const manifest = base();
    if (!manifest.shipments[1]) throw new Error('fixture changed');
    manifest.shipments[1].consignee.type = 'BUSINESS';
    const reply = await post(manifest);
    expect(reply.body.transit).toMatchObject({ mrn: '26SE000001188424T0', mixed: true });
    expect(reply.body.transit.mixedTransit.ineligibleShipmentNumbers).toEqual(['LX987654321SE']);
    const view = await getManifest(reply.body.manifestId);
    expect(view.body.transit).toMatchObject({ mixed: true });

    const clean = await post(manifestWith());
    expect(clean.body.transit).toMatchObject({ mixed: false });
  });
});

describe('bad input: 400 problem documents with a JSON pointer per problem', () => {
  const problemPaths = (reply: Reply) => reply.body.errors.map((e: { path: string }) => e.path);

  it('malformed JSON', async () => {
    const reply = await post(undefined, 'acme', { rawBody: '{"reference": ' });
    expect(reply.status).toBe(400);
    expect(reply.headers['content-type']).toBe('application/problem+json');
    expect(reply.body).toMatchObject({ status: 400, errors: [{ path: '', code: 'invalid_json' }] });
  });

  it('missing, mistyped, malformed and over-long fields, all reported at once', async () => {
    const manifest = manifestWith() as unknown as Record<string, any>;
    delete manifest.transport.carrier.id;
    manifest.shipments[0].packages = 'one';
    manifest.shipments[1].items[0].commodityCode = '95030';
    manifest.transport.estimatedArrival = '2026-13-01 14:00';
    manifest.shipments[2].goodsDescription = 'x'.repeat(513);
    manifest.shipments[2].colour = 'red';
    const reply = await post(manifest);
    expect(reply.status).toBe(400);
    expect(problemPaths(reply).sort()).toEqual(
      [
        '/transport/carrier/id',
        '/shipments/0/packages',
        '/shipments/1/items/0/commodityCode',
        '/transport/estimatedArrival',
        '/shipments/2/goodsDescription',
        '/shipments/2/colour',
      ].sort(),
    );
    const codeError = reply.body.errors.find(
      (e: { path: string }) => e.path === '/shipments/1/items/0/commodityCode',
    );
    expect(codeError.message).toMatch(/6 digits/);
  });

  it('duplicate shipment numbers in one manifest', async () => {
    const manifest = manifestWith();
    const [first, second] = manifest.shipments;
    if (!first || !second) throw new Error('fixture changed');
    second.shipmentNumber = first.shipmentNumber;
    const reply = await post(manifest);
    expect(reply.status).toBe(400);
    expect(problemPaths(reply)).toEqual(['/shipments/1/shipmentNumber']);
  });

  it('wrong content type and unknown encodings are 415; broken gzip is 400', async () => {
    expect((await post(manifestWith(), 'acme', { headers: { 'content-type': 'text/plain' } })).status).toBe(
      415,
    );
    expect(
      (
        await post(manifestWith(), 'acme', {
          headers: { 'content-type': 'application/json', 'content-encoding': 'br' },
        })
      ).status,
    ).toBe(415);
    const broken = await post(undefined, 'acme', {
      rawBody: Buffer.from('not gzip').toString('base64'),
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
    });
    expect(broken.status).toBe(400);
  });

  it('never answers 500 to garbage', async () => {
    const samples: unknown[] = [
      null,
      42,
      'text',
      [],
      {},
      { shipments: 'many' },
      { reference: {}, transport: [] },
    ];
    for (const body of samples) {
      const reply = await post(undefined, 'acme', { rawBody: JSON.stringify(body) });
      expect(reply.status, JSON.stringify(body)).toBe(400);
      expect(reply.body.errors.length).toBeGreaterThan(0);
    }
  });

  it('more than 10,000 shipments in one request is 413', async () => {
    const manifest = manifestWith({ shipments: manyShipments(10_001) });
    const reply = await post(manifest, 'acme', { gzip: true });
    expect(reply.status).toBe(413);
    expect(reply.headers['content-type']).toBe('application/problem+json');
  });

  it('a body over the 3,000,000-byte limit is 413 with a problem document, counted as sent', async () => {
    const reply = await post(undefined, 'acme', {
      rawBody: JSON.stringify({ padding: 'x'.repeat(3_000_000) }),
    });
    expect(reply.status).toBe(413);
    expect(reply.body.detail).toBe(
      'The request body is 3000014 bytes; at most 3000000 bytes may be sent. Compress it with gzip ' +
        '(Content-Encoding: gzip) or split the shipments over POST /v1/manifests/{manifestId}/shipments.',
    );
  });
});

describe('idempotency on the partner reference', () => {
  it('the same body again returns the original answer (200); a different body is 409', async () => {
    const manifest = manifestWith();
    const first = await post(manifest);
    const again = await post(JSON.parse(JSON.stringify(manifest)));
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);

    const changed = structuredClone(manifest);
    if (!changed.shipments[0]) throw new Error('fixture changed');
    changed.shipments[0].goodsDescription = 'Something else';
    const conflict = await post(changed);
    expect(conflict.status).toBe(409);
    expect(conflict.body.type).toMatch(/reference-reused/);
  });

  it('concurrent duplicates create exactly one manifest', async () => {
    await drainQueue(env.sqs, env.queueUrl);
    const manifest = manifestWith();
    const replies = await Promise.all(Array.from({ length: 6 }, () => post(structuredClone(manifest))));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    for (const reply of replies) expect([200, 202, 409]).toContain(reply.status);
    const ids = new Set(replies.filter((r) => r.status !== 409).map((r) => r.body.manifestId));
    expect(ids.size).toBe(1);
    // A late retry after the race gets the original answer.
    const retry = await post(structuredClone(manifest));
    expect(retry.status).toBe(200);
    expect(ids.has(retry.body.manifestId)).toBe(true);
    const houses = (await drainQueue(env.sqs, env.queueUrl)).filter(
      (m) => (m as { kind: string }).kind === 'HOUSE',
    );
    expect(houses).toHaveLength(3);
  });

  it('the same reference from two partners makes two manifests', async () => {
    const manifest = manifestWith();
    const a = await post(manifest, 'partner-a');
    const b = await post(manifest, 'partner-b');
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(a.body.manifestId).not.toBe(b.body.manifestId);
  });
});

describe('tenant isolation', () => {
  it("another partner's manifest and shipments answer 404", async () => {
    const mine = await post(manifestWith(), 'owner');
    const { manifestId } = mine.body;
    expect((await getManifest(manifestId, 'owner')).status).toBe(200);
    expect((await getManifest(manifestId, 'intruder')).status).toBe(404);
    expect((await listShipments(manifestId, {}, 'intruder')).status).toBe(404);
    expect((await getShipment('RR123456785SE', 'intruder')).status).toBe(404);
    expect((await addShipments(manifestId, manyShipments(1), 'intruder')).status).toBe(404);
  });
});

describe('reading back', () => {
  it('lists shipments page by page, filtered by status and flag', async () => {
    const manifest = manifestWith({ shipments: manyShipments(7) });
    const [rejected] = manifest.shipments;
    if (!rejected?.items[0]) throw new Error('no shipment');
    rejected.items[0].unitValueNok = 5000;
    const { body } = await post(manifest);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listShipments(body.manifestId, { limit: '3', ...(cursor ? { cursor } : {}) });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((s: { shipmentNumber: string }) => s.shipmentNumber));
      cursor = page.body.cursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(seen.sort()).toEqual(manifest.shipments.map((s) => s.shipmentNumber).sort());

    const onlyRejected = await listShipments(body.manifestId, { status: 'REJECTED' });
    expect(onlyRejected.body.items.map((s: { shipmentNumber: string }) => s.shipmentNumber)).toEqual([
      rejected.shipmentNumber,
    ]);
    const bad = await listShipments(body.manifestId, { status: 'LOST', cursor: 'garbage' });
    expect(bad.status).toBe(400);
  });

  it('GET manifest counts shipments by status; GET shipment shows the intake event in its timeline', async () => {
    const manifest = manifestWith({}, 1);
    const { body } = await post(manifest);
    const view = await getManifest(body.manifestId);
    expect(view.body).toMatchObject({ intake: 'COMPLETE', shipmentCount: 3, counts: { RECEIVED: 3 } });
    expect(view.body.openFlags).toEqual({ LATE_SUBMISSION: 3 });
    const shipment = await getShipment('RR123456785SE');
    expect(shipment.body.manifestId).toBe(body.manifestId);
    expect(shipment.body.timeline[0]).toMatchObject({ type: 'RECEIVED', actor: 'intake' });
  });
});

describe('adding shipments to an open manifest', () => {
  it('adds new ones (202), repeats safely (200), refuses changed content (409)', async () => {
    const { body } = await post(manifestWith());
    const extra = manyShipments(2).map((s, i) => ({
      ...s,
      shipmentNumber: `ADD${i}${body.manifestId.slice(-6)}`,
    }));
    const added = await addShipments(body.manifestId, extra);
    expect(added.status).toBe(202);
    expect(added.body.counts).toEqual({ RECEIVED: 2 });
    const repeated = await addShipments(body.manifestId, extra);
    expect(repeated.status).toBe(200);
    const view = await getManifest(body.manifestId);
    expect(view.body.shipmentCount).toBe(5);

    const changed = [{ ...extra[0], goodsDescription: 'Different goods' }];
    const conflict = await addShipments(body.manifestId, changed);
    expect(conflict.status).toBe(409);
    expect(conflict.body.errors[0].path).toBe('/shipments/0/shipmentNumber');
  });

  it('refuses shipments once the transport is due at the border', async () => {
    const { body } = await post(manifestWith({}, -1));
    const reply = await addShipments(body.manifestId, manyShipments(1));
    expect(reply.status).toBe(409);
  });
});

describe('a 10,000-shipment manifest', () => {
  it('is accepted gzip-compressed, fully stored and fanned out', async () => {
    await drainQueue(env.sqs, env.queueUrl);
    const manifest = manifestWith({ shipments: manyShipments(10_000) });
    const reply = await post(manifest, 'bulk', { gzip: true });
    expect(reply.status).toBe(202);
    expect(reply.body.counts).toEqual({ RECEIVED: 10_000 });
    const view = await getManifest(reply.body.manifestId, 'bulk');
    expect(view.body.shipmentCount).toBe(10_000);
    expect(await queueDepth(env.sqs, env.queueUrl)).toBe(10_002);
    const last = await env.db.send(
      new QueryCommand({
        TableName: env.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.shipmentPartition('bulk', 'BULK00009999SE') },
      }),
    );
    expect(last.Items?.[0]?.status).toBe('RECEIVED');
  });
});
