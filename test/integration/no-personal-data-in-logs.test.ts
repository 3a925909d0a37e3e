/**
 * No personal data (consignee names, addresses, phone numbers, the driver) in any function's logs
 * over a full run: intake (accepted and refused), reporting to Digitoll, an amendment, a
 * withdrawal, the border sweep and webhook deliveries, captured from every bundled function.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestRequest } from '../../lib/manifest/schema.ts';
import type { FullStack } from '../../local/full-stack.ts';
import { road } from '../road.ts';
import { startTestStack } from './support/full-stack.ts';

const lines: string[] = [];
const key = `vb_${randomUUID().replaceAll('-', '')}`;
let full: FullStack;

const fixture = (): ManifestRequest =>
  JSON.parse(readFileSync(new URL('../fixtures/manifest.example.json', import.meta.url), 'utf8'));

/** Everything personal in the example manifest. */
function personalData(manifest: ManifestRequest): string[] {
  return [
    road(manifest.transport).driver.name,
    road(manifest.transport).driver.phone,
    ...manifest.shipments.flatMap((s) => [
      s.consignee.name,
      s.consignee.address.street,
      s.consignee.phone ?? '',
    ]),
  ].filter((value) => value.length > 0);
}

beforeAll(async () => {
  full = await startTestStack(
    'pii',
    { partnerId: 'pii', key },
    {
      functionLogs: (fn, line) => {
        lines.push(`${fn} ${line}`);
      },
      // Debug logging on: even then nothing personal may be written.
      extraEnv: { POWERTOOLS_LOG_LEVEL: 'DEBUG' },
    },
  );
});

afterAll(async () => {
  await full?.stop();
});

const api = (method: string, path: string, body?: unknown) =>
  fetch(`${full.stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('logs of a full run', () => {
  it('hold ids and outcomes, never names, addresses or phone numbers', async () => {
    const manifest = fixture();
    manifest.reference = `PII-${randomUUID()}`;
    manifest.transport.estimatedArrival = new Date(Date.now() + 90 * 60_000).toISOString();
    manifest.shipments = manifest.shipments.map((s) => ({
      ...s,
      consignee: { ...s.consignee, phone: '+4791234567' },
    }));
    const [first, second, third] = manifest.shipments;
    if (!first || !second || !third) throw new Error('fixture changed');
    third.voecNumber = '1234567'; // Digitoll refuses it: an error path through the logs too

    await api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/unreachable' });
    expect((await api('POST', '/v1/manifests', manifest)).status).toBe(202);
    // A refused request that carries personal data.
    const invalid = structuredClone(manifest);
    invalid.reference = `PII-BAD-${randomUUID()}`;
    (invalid.shipments[0] as { packages: unknown }).packages = 'one';
    expect((await api('POST', '/v1/manifests', invalid)).status).toBe(400);

    const deadline = Date.now() + 45_000;
    for (;;) {
      const statuses = await Promise.all(
        manifest.shipments.map(
          async (s) =>
            ((await (await api('GET', `/v1/shipments/${s.shipmentNumber}`)).json()) as { status: string })
              .status,
        ),
      );
      if (statuses.every((s) => s === 'ACCEPTED' || s === 'FAILED')) break;
      if (Date.now() > deadline) throw new Error(`reports did not settle: ${statuses.join(',')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(
      (await api('PUT', `/v1/shipments/${first.shipmentNumber}`, { ...first, packages: 2 })).status,
    ).toBe(202);
    expect((await api('DELETE', `/v1/shipments/${second.shipmentNumber}`)).status).toBe(202);
    await api('POST', '/__local/schedules/run');
    await api('POST', '/__local/schedules/run');
    await full.stack.drainQueues({ timeoutMs: 20_000 }).catch(() => undefined);

    expect(lines.length).toBeGreaterThan(20);
    // The refusal says why, for the operator: its problem type and the pointer with its code.
    const refused = lines.filter(
      (line) => line.includes('"Request refused"') && line.includes('"status":400'),
    );
    expect(refused.length).toBeGreaterThan(0);
    expect(
      refused.some((line) => line.includes('"problemType":"https://voec-border.dev/problems/validation"')),
    ).toBe(true);
    expect(
      refused.some((line) => line.includes('{"path":"/shipments/0/packages","code":"invalid_type"}')),
    ).toBe(true);
    // Powertools' warning on a flush without metrics is silenced (it was a tenth of the output).
    expect(lines.filter((line) => line.includes('No application metrics to publish'))).toEqual([]);
    expect(lines.some((line) => line.includes(first.shipmentNumber))).toBe(true); // ids are logged
    const leaks = personalData(manifest).flatMap((value) =>
      lines.filter((line) => line.includes(value)).map((line) => `${value} ⟶ ${line.slice(0, 300)}`),
    );
    expect(leaks).toEqual([]);
  });
});
