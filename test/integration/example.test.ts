/**
 * `npm run example` (scripts/example.ts) run as a partner would, against a local stack: the road
 * example is accepted, and the border scenario makes the border features visible through the API
 * (alerts, TVINN drafts, the transit's arrival notification) on whatever day the test runs.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FullStack } from '../../local/full-stack.ts';
import { startTestStack } from './support/full-stack.ts';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'example-'));
const key = `vb_${randomUUID().replaceAll('-', '')}`;
let full: FullStack;

beforeAll(async () => {
  full = await startTestStack('example', { partnerId: 'walker', key });
});
afterAll(async () => {
  await full?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const api = async (path: string) => {
  const response = await fetch(`${full.stack.apiUrl}${path}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  return { status: response.status, body: (await response.json()) as any };
};

interface Summary {
  road: { manifestId: string; shipments: string[] };
  soon: { manifestId: string; unknownVoec: string; shipments: string[] };
  passed: { manifestId: string; transitMrn: string; unknownVoec: string; shipments: string[] };
  statuses: Record<string, string>;
}

describe('npm run example', () => {
  it('posts the road example and the border scenario, and the alerts, TVINN drafts and transit notification are visible', async () => {
    const summaryFile = join(dir, 'summary.json');
    const { stdout } = await run(
      process.execPath,
      ['--import', 'tsx', 'scripts/example.ts', '--summary', summaryFile],
      {
        cwd: root,
        env: { ...process.env, URL: full.stack.apiUrl, KEY: key },
        timeout: 420_000,
      },
    );
    const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as Summary;

    // The road example, 6 hours before the border: every shipment accepted, nothing flagged.
    for (const number of summary.road.shipments) {
      const shipment = (await api(`/v1/shipments/${number}`)).body;
      expect(shipment.status, number).toBe('ACCEPTED');
      expect(shipment.mrn, number).toBeTruthy();
      expect(shipment.flags, number).toEqual([]);
    }

    // 1 hour before the border, a VOEC number Digitoll does not know: refused, and alerted.
    const refused = (await api(`/v1/shipments/${summary.soon.unknownVoec}`)).body;
    expect(refused.status).toBe('FAILED');
    expect(JSON.stringify(refused.digitollErrors)).toContain('Unknown vatIdentificationNumber');
    const alerts = (await api('/v1/alerts')).body.alerts as Array<{ shipmentNumber: string; flag: string }>;
    expect(alerts).toContainEqual(
      expect.objectContaining({ shipmentNumber: summary.soon.unknownVoec, flag: 'NOTIFICATION_MISSING' }),
    );
    // Its neighbours were accepted (known VOEC numbers): no alert, but the late submission is flagged.
    for (const number of summary.soon.shipments.filter((n) => n !== summary.soon.unknownVoec)) {
      expect(alerts.some((a) => a.shipmentNumber === number)).toBe(false);
      const shipment = (await api(`/v1/shipments/${number}`)).body;
      expect(shipment.flags.map((f: { code: string }) => f.code)).toContain('LATE_SUBMISSION');
    }

    // The ETA passed, and the shipment with the unknown VOEC number was not accepted: it has a
    // DECLARE_IN_TVINN alert and a TVINN draft, and the transit an arrival notification (CC007C data).
    expect(summary.statuses[summary.passed.unknownVoec]).toBe('FAILED');
    expect(alerts).toContainEqual(
      expect.objectContaining({ shipmentNumber: summary.passed.unknownVoec, flag: 'DECLARE_IN_TVINN' }),
    );
    const notAccepted = summary.passed.shipments.filter((n) => summary.statuses[n] !== 'ACCEPTED');
    const drafts = await api(`/v1/manifests/${summary.passed.manifestId}/tvinn-declarations`);
    expect(drafts.status).toBe(200);
    expect(drafts.body.declarations).toHaveLength(notAccepted.length);
    expect(JSON.stringify(drafts.body.declarations)).toContain(summary.passed.unknownVoec);
    const transit = (await api(`/v1/transits/${summary.passed.transitMrn}`)).body;
    expect(transit.state).toBe('ARRIVAL_NOTIFICATION_PREPARED');
    expect(transit.arrivalNotification.TransitOperation.MRN).toBe(summary.passed.transitMrn);
    expect(transit.handedOver.gateway).toBeTruthy();

    // What it prints: where to look, with the real ids.
    expect(stdout).toContain(`curl -s $URL/v1/transits/${summary.passed.transitMrn}`);
    expect(stdout).toContain(`curl -s $URL/v1/manifests/${summary.passed.manifestId}/tvinn-declarations`);
    expect(stdout).toContain('transit');
  }, 480_000);

  it('writes the README files: examples/manifest.json with an ETA ahead, and a 10,000-shipment big-manifest.json', async () => {
    const before = Date.now();
    await run(process.execPath, ['--import', 'tsx', 'scripts/example.ts', 'files'], { cwd: root });
    const manifest = JSON.parse(readFileSync(join(root, 'examples/manifest.json'), 'utf8'));
    const eta = Date.parse(manifest.transport.estimatedArrival);
    expect(eta).toBeGreaterThan(before + 5.9 * 3_600_000);
    expect(manifest.shipments.map((s: { shipmentNumber: string }) => s.shipmentNumber)).toEqual([
      'RR123456785SE',
      'LX987654321SE',
      'CP000111222SE',
    ]);
    const big = JSON.parse(readFileSync(join(root, 'examples/big-manifest.json'), 'utf8'));
    expect(big.shipments).toHaveLength(10_000);
    expect(new Set(big.shipments.map((s: { shipmentNumber: string }) => s.shipmentNumber)).size).toBe(10_000);
  });
});
