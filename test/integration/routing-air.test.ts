/**
 * Customs' routing signals by air (issue #10 with issue #9): the air example reported through the
 * simulator's air API to ACCEPTED, its arrival registered (standing in for Avinor), then a control
 * order for one house: the routing poller finds the air houses by their waybill key (N740), flags
 * the controlled one and releases the other, on the local stack over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportingSystem } from './reporting-harness.ts';

/** A shared 2-core machine under load answers in seconds, not milliseconds: generous budgets. */
const SLOW = 300_000;
const system = new ReportingSystem();

beforeAll(async () => {
  await system.start();
}, SLOW);

afterAll(async () => {
  await system.stop();
});

const sim = async (path: string, body: unknown) => {
  const response = await fetch(`${system.digitoll.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
};

describe('routing signals by air', () => {
  it(
    'TO_CONTROL for one air house raises CONTROL_ORDERED with its location; the other is RELEASED',
    async () => {
      system.dumpLogsOnFailure();
      const manifest = system.airManifest();
      const reply = await system.api('POST', '/v1/manifests', manifest);
      expect(reply.status).toBe(202);
      const manifestId = reply.body.manifestId as string;
      const [controlled, released] = manifest.shipments.map((s) => s.shipmentNumber) as [string, string];
      await system.waitForShipments([controlled, released], ['ACCEPTED'], SLOW / 2);
      const view = await system.waitForManifestReports(manifestId, SLOW / 2);
      expect(view.transport.digitollStatus).toBe('ACCEPTED');

      await sim('/__sim/routing', {
        waybill: controlled,
        routing: 'TO_CONTROL',
        controlLocation: 'AFTER_ENTRY',
      });
      await sim('/__sim/arrivals', { transportMrn: view.transport.mrn });
      const run = await system.api('POST', '/__local/schedules/run');
      expect(run.status).toBe(200);
      const routing = (run.body.results as Array<{ function: string; result?: any }>).find((r) =>
        r.function.startsWith('RoutingPollerFn'),
      );
      // Both air houses found by key: none counted as unknown.
      expect(routing?.result).toMatchObject({ applied: 2, unknownWaybills: 0 });

      const flagged = await system.getShipment(controlled);
      expect((flagged as any).border).toMatchObject({
        routing: 'TO_CONTROL',
        controlLocation: 'AFTER_ENTRY',
      });
      expect((flagged as any).flags.map((f: any) => f.code)).toContain('CONTROL_ORDERED');
      const alerts = (await system.api('GET', '/v1/alerts?flag=CONTROL_ORDERED')).body.alerts as any[];
      expect(alerts.filter((a) => a.shipmentNumber === controlled)).toEqual([
        expect.objectContaining({ flag: 'CONTROL_ORDERED', manifestId }),
      ]);
      const other = await system.getShipment(released);
      expect(other.status).toBe('RELEASED');
      expect((other as any).border).toMatchObject({ routing: 'TO_ENTRY' });
    },
    SLOW,
  );
});
