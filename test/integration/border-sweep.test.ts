/**
 * The border sweep end to end on the local stack: real bundled functions (intake, reporter,
 * scheduled sweep, webhook deliverer), DynamoDB Local, fauxqs and the Digitoll simulator.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestRequest } from '../../lib/manifest/schema.ts';
import type { FullStack } from '../../local/full-stack.ts';
import { startTestStack } from './support/full-stack.ts';
import { partnerApi } from './support/partner-api.ts';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.ts';

let full: FullStack;
const key = `vb_${randomUUID().replaceAll('-', '')}`;
let receiver: WebhookReceiver;
const received = () => receiver.deliveries;
let receiverUrl = '';

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  receiverUrl = `${receiver.baseUrl}/hook`;
  full = await startTestStack('sweep', { partnerId: 'sweeper', key });
});

afterAll(async () => {
  await full?.stop();
  await receiver?.close();
});

const api = partnerApi(() => full.stack.apiUrl, key);

function manifest(minutesToBorder: number, tag: string): ManifestRequest {
  const m = JSON.parse(
    readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8'),
  ) as ManifestRequest;
  m.reference = `SWEEP-${tag}-${randomUUID().slice(0, 8)}`;
  m.transport.estimatedArrival = new Date(Date.now() + minutesToBorder * 60_000).toISOString();
  // A fresh transit MRN per manifest (18 characters, ends in a digit).
  m.transit = { mrn: `26SE${randomUUID().replaceAll('-', '').slice(0, 13).toUpperCase()}0` };
  m.shipments = m.shipments.map((s) => ({
    ...s,
    shipmentNumber: `${s.shipmentNumber.slice(0, 6)}${tag}${randomUUID().slice(0, 6)}`,
  }));
  return m;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, deadlineMs = 45_000): Promise<T> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const status = async (shipmentNumber: string) =>
  (await api('GET', `/v1/shipments/${shipmentNumber}`)).body.status as string;
const settled = (s: string) => ['ACCEPTED', 'FAILED'].includes(s);

// Each case waits on several cold starts (reporter, sweep, stream consumer, deliverer): bounds for a loaded machine.
describe('the border sweep on the local stack', { timeout: 180_000 }, () => {
  it('flags a shipment Digitoll refused, 90 minutes before the border, in the alerts; and notifies the webhook', async () => {
    const hook = await api('POST', '/v1/webhooks', { url: receiverUrl });
    expect(hook.status).toBe(201);
    const secret = hook.body.secret as string;

    const m = manifest(90, 'A');
    const [refused, ok] = m.shipments;
    if (!refused || !ok) throw new Error('fixture changed');
    refused.voecNumber = '1234567'; // not in Digitoll's register
    expect((await api('POST', '/v1/manifests', m)).status).toBe(202);
    await until('reports settled', async () =>
      settled(await status(refused.shipmentNumber)) && settled(await status(ok.shipmentNumber))
        ? true
        : undefined,
    );
    expect(await status(refused.shipmentNumber)).toBe('FAILED');

    const run = await api('POST', '/__local/schedules/run');
    expect(run.status).toBe(200);
    const alerts = (await api('GET', '/v1/alerts')).body.alerts as Array<{
      shipmentNumber: string;
      flag: string;
      minutesToBorder: number;
    }>;
    const mine = alerts.filter((a) => a.shipmentNumber === refused.shipmentNumber);
    expect(mine).toEqual([expect.objectContaining({ flag: 'NOTIFICATION_MISSING' })]);
    expect(mine[0]?.minutesToBorder).toBeGreaterThan(80);
    expect(alerts.some((a) => a.shipmentNumber === ok.shipmentNumber)).toBe(false);
    const timeline = (await api('GET', `/v1/shipments/${refused.shipmentNumber}`)).body.timeline as Array<{
      type: string;
    }>;
    expect(timeline.map((e) => e.type)).toContain('FLAG_RAISED');

    // The notification goes outbox → (table stream) → queue → the webhook, without another run.
    const delivered = await until('the webhook delivery', async () =>
      received().find((r) => r.body.includes(refused.shipmentNumber) && r.body.includes('flag.raised')),
    );
    expect(JSON.parse(delivered.body)).toMatchObject({
      type: 'flag.raised',
      data: { flag: 'NOTIFICATION_MISSING' },
    });
    expect(
      new StandardWebhook(secret).verify(delivered.body, delivered.headers as Record<string, string>),
    ).toMatchObject({ type: 'flag.raised' });
    // Status changes are notified too: the accepted shipment and the refused one.
    const statusOf = (shipmentNumber: string) =>
      received()
        .map(
          (r) => JSON.parse(r.body) as { type: string; data: { shipmentNumber?: string; status?: string } },
        )
        .filter((n) => n.type === 'shipment.status' && n.data.shipmentNumber === shipmentNumber)
        .map((n) => n.data.status);
    expect(statusOf(ok.shipmentNumber)).toContain('ACCEPTED');
    expect(statusOf(refused.shipmentNumber)).toContain('FAILED');

    // Firing the sweep again raises nothing twice.
    await api('POST', '/__local/schedules/run');
    const again = (await api('GET', '/v1/alerts')).body.alerts as Array<{ shipmentNumber: string }>;
    expect(again.filter((a) => a.shipmentNumber === refused.shipmentNumber)).toHaveLength(1);
  });

  it('a manifest whose ETA passed has TVINN drafts with VEC on every line, and its transit an arrival notification', async () => {
    const m = manifest(-10, 'B');
    const response = await api('POST', '/v1/manifests', m);
    expect(response.status).toBe(202);
    const { manifestId } = response.body;
    // Digitoll refuses the transport (ETA already passed); whatever the houses do, let every one of
    // them settle before the sweep (one still in flight could be accepted after its draft was made).
    await until('every house settled', async () => {
      for (const s of m.shipments) if (!settled(await status(s.shipmentNumber))) return undefined;
      return true;
    });
    await api('POST', '/__local/schedules/run');

    const tvinn = await api('GET', `/v1/manifests/${manifestId}/tvinn-declarations`);
    expect(tvinn.status).toBe(200);
    const declarations = tvinn.body.declarations as Array<{
      lines: Array<{ box44: Array<{ code: string; reference: string }> }>;
    }>;
    const notAccepted = [];
    for (const s of m.shipments) if ((await status(s.shipmentNumber)) !== 'ACCEPTED') notAccepted.push(s);
    expect(declarations.length).toBe(notAccepted.length);
    for (const line of declarations.flatMap((d) => d.lines)) expect(line.box44[0]?.code).toBe('VEC');

    const csv = await fetch(`${full.stack.apiUrl}/v1/manifests/${manifestId}/tvinn-declarations?format=csv`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);

    const transit = await api('GET', `/v1/transits/${m.transit?.mrn}`);
    expect(transit.status).toBe(200);
    if (notAccepted.length > 0) {
      expect(transit.body.state).toBe('ARRIVAL_NOTIFICATION_PREPARED');
      expect(transit.body.arrivalNotification.TransitOperation.MRN).toBe(m.transit?.mrn);
      expect(transit.body.handedOver.gateway).toMatch(/recorded/);
    }
  });

  it('a transit whose shipments were all accepted shows as closed by Digitoll once the transport has crossed', async () => {
    const m = manifest(0.4, 'C'); // 24 s to the border
    const response = await api('POST', '/v1/manifests', m);
    expect(response.status).toBe(202);
    const open = await api('GET', `/v1/transits/${m.transit?.mrn}`);
    expect(open.body.state).toBe('OPEN');
    await until('all accepted', async () => {
      const statuses = await Promise.all(m.shipments.map((s) => status(s.shipmentNumber)));
      return statuses.every((s) => s === 'ACCEPTED') ? true : undefined;
    });
    await until(
      'the ETA to pass',
      async () => (Date.now() > Date.parse(m.transport.estimatedArrival) + 1000 ? true : undefined),
      60_000,
    );
    const run = await api('POST', '/__local/schedules/run');
    expect(run.body.results[0].result.sweep.transits).toEqual({ CLOSED_BY_DIGITOLL: 1 });
    const transit = await api('GET', `/v1/transits/${m.transit?.mrn}`);
    expect(transit.body).toMatchObject({ state: 'CLOSED_BY_DIGITOLL' });
    expect(transit.body.arrivalNotification).toBeUndefined();
  });

  it("another partner's transit answers 404", async () => {
    expect((await api('GET', '/v1/transits/26SE0000000000000X0')).status).toBe(404);
  });
});
