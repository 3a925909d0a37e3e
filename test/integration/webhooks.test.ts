/**
 * Webhooks end to end on the local stack (bundled functions, DynamoDB Local with its stream,
 * fauxqs, the Digitoll simulator) with a receiver HTTP server on loopback: deliveries arrive
 * without any scheduled run (the table stream, emulated from DynamoDB Local's), the maintained `standardwebhooks` package verifies them and refuses a
 * tampered body, per-subject sequence numbers order them, nothing arrives twice, events from
 * before a webhook's registration are not delivered, and non-public targets are refused.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Webhook as StandardWebhook, WebhookVerificationError } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestRequest } from '../../lib/manifest/schema.ts';
import type { FullStack } from '../../local/full-stack.ts';
import { startTestStack } from './support/full-stack.ts';
import { partnerApi } from './support/partner-api.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

let full: FullStack;
const key = `vb_${randomUUID().replaceAll('-', '')}`;
let receiver: WebhookReceiver;
let base = '';

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  base = receiver.baseUrl;
  full = await startTestStack('webhooks', { partnerId: 'hooked', key });
});

afterAll(async () => {
  await full?.stop();
  await receiver?.close();
});

const api = partnerApi(() => full.stack.apiUrl, key);

function manifest(tag: string): ManifestRequest {
  const m = JSON.parse(
    readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8'),
  ) as ManifestRequest;
  m.reference = `HOOKS-${tag}-${randomUUID().slice(0, 8)}`;
  // Six hours out: no border flag, so the shipments' events are their status changes.
  m.transport.estimatedArrival = new Date(Date.now() + 6 * 3_600_000).toISOString();
  m.transit = { mrn: `26SE${randomUUID().replaceAll('-', '').slice(0, 13).toUpperCase()}0` };
  m.shipments = m.shipments.map((s) => ({
    ...s,
    shipmentNumber: `${s.shipmentNumber.slice(0, 6)}${tag}${randomUUID().slice(0, 6)}`,
  }));
  return m;
}

// A bound on waiting (cold starts on a loaded machine), not a speed requirement: that is the bench's.
async function until<T>(what: string, probe: () => T | undefined, deadlineMs = 120_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

interface Payload {
  id: string;
  type: string;
  timestamp: string;
  subject: string;
  sequence: number;
  data: { shipmentNumber?: string; status?: string };
}

const parsed = (path: string) =>
  receiver.deliveries
    .filter((r) => r.path === path)
    .map((r) => ({ ...r, payload: JSON.parse(r.body) as Payload }));

describe('webhooks on the local stack', { timeout: 180_000 }, () => {
  it('delivers Standard Webhooks signed events from the table stream (no scheduled run), in sequence per shipment, once each', async () => {
    const hook = await api('POST', '/v1/webhooks', { url: `${base}/a` });
    expect(hook.status).toBe(201);
    const secret = hook.body.secret as string;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);

    const m = manifest('W');
    const numbers = m.shipments.map((s) => s.shipmentNumber);
    expect((await api('POST', '/v1/manifests', m)).status).toBe(202);
    // No scheduled run happens in this stack (scheduleEnabled: false): only the table stream can
    // have handed these over. (How fast is the bench's business, not a timed test's.)
    await until('ACCEPTED for every shipment', () =>
      numbers.every((n) =>
        parsed('/a').some((d) => d.payload.data.shipmentNumber === n && d.payload.data.status === 'ACCEPTED'),
      )
        ? true
        : undefined,
    );

    const verifier = new StandardWebhook(secret);
    for (const delivery of parsed('/a')) {
      expect(delivery.headers['webhook-id']).toBe(delivery.payload.id);
      expect(delivery.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      // The package checks the signature over id, timestamp and the raw body (and the timestamp's age).
      expect(verifier.verify(delivery.body, delivery.headers)).toEqual(delivery.payload);
      const tampered = delivery.body.replace('"status":"', '"status":"X');
      expect(() => verifier.verify(tampered, delivery.headers)).toThrow(WebhookVerificationError);
    }

    for (const n of numbers) {
      const mine = parsed('/a').filter((d) => d.payload.data.shipmentNumber === n);
      // One subject per shipment in its manifest, named in every event.
      const subjects = new Set(mine.map((d) => d.payload.subject));
      expect([...subjects]).toHaveLength(1);
      expect([...subjects][0]).toMatch(new RegExp(`^manifests/[^/]+/shipments/${n}$`));
      // Ordered by sequence, the statuses are the house's life: SUBMITTED, then ACCEPTED.
      const bySequence = [...mine].sort((a, b) => a.payload.sequence - b.payload.sequence);
      expect(bySequence.map((d) => d.payload.data.status)).toEqual(['SUBMITTED', 'ACCEPTED']);
      const sequences = bySequence.map((d) => d.payload.sequence);
      expect(new Set(sequences).size).toBe(sequences.length);
      expect(sequences[0]).toBeGreaterThan(1); // version 1 is the shipment as received
    }
    // Nothing twice, although the deliverer and the stream are at-least-once underneath.
    const ids = parsed('/a').map((d) => d.payload.id);
    expect(new Set(ids).size).toBe(ids.length);

    // A scheduled run afterwards (the safety net) queues nothing the stream already handed over.
    const before = receiver.deliveries.length;
    await full.stack.runSchedules();
    await full.stack.drainQueues();
    expect(receiver.deliveries.length).toBe(before);
  });

  it('does not deliver events from before a webhook was registered', async () => {
    const m = manifest('E');
    const numbers = m.shipments.map((s) => s.shipmentNumber);
    expect((await api('POST', '/v1/manifests', m)).status).toBe(202);
    // The first webhook (registered before) sees this manifest settle...
    await until('ACCEPTED for the early manifest', () =>
      numbers.every((n) =>
        parsed('/a').some((d) => d.payload.data.shipmentNumber === n && d.payload.data.status === 'ACCEPTED'),
      )
        ? true
        : undefined,
    );
    // ...a webhook registered now gets none of it, though it would get later changes.
    expect((await api('POST', '/v1/webhooks', { url: `${base}/late` })).status).toBe(201);
    const later = manifest('L');
    expect((await api('POST', '/v1/manifests', later)).status).toBe(202);
    await until('the late webhook gets the later manifest', () =>
      parsed('/late').some((d) => d.payload.data.shipmentNumber === later.shipments[0]?.shipmentNumber)
        ? true
        : undefined,
    );
    await full.stack.drainQueues();
    expect(parsed('/late').filter((d) => numbers.includes(d.payload.data.shipmentNumber ?? ''))).toEqual([]);
  });

  it('refuses targets that are not public (in local mode: anything private but loopback)', async () => {
    for (const url of [
      'https://10.0.0.1/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://[fd00:ec2::254]/',
      'https://100.64.0.1/hook',
      'http://192.168.1.10/hook',
    ]) {
      const answer = await api('POST', '/v1/webhooks', { url });
      expect(answer.status, url).toBe(400);
      expect(answer.body.errors, url).toEqual([
        expect.objectContaining({ path: '/url', code: 'forbidden_url' }),
      ]);
    }
    // Loopback is how local receivers (and these tests) work.
    expect((await api('POST', '/v1/webhooks', { url: 'http://localhost:9/hook' })).status).toBe(201);
  });
});
