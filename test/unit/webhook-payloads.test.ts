/**
 * The webhook payload schemas (lib/manifest/webhook-payloads.ts) describe what the deliverer
 * really sends: each notification the domain builds, through `payload()`, parses against the
 * schema of its type, and every notification type has one.
 */
import { describe, expect, it } from 'vitest';
import {
  flagNotification,
  NotificationType,
  shipmentStatusNotification,
  transitClosureNotification,
} from '../../lib/domain/notifications.ts';
import type { ShipmentRecord } from '../../lib/domain/records.ts';
import { payload } from '../../lib/domain/webhooks.ts';
import { WEBHOOK_PAYLOADS, WebhookPayload } from '../../lib/manifest/webhook-payloads.ts';

describe('webhook payloads', () => {
  it('has a schema for every notification type', () => {
    expect(Object.keys(WEBHOOK_PAYLOADS).sort()).toEqual([...NotificationType.options].sort());
  });

  it('describes the shipment.status body the deliverer sends', () => {
    const note = shipmentStatusNotification({
      partnerId: 'p',
      manifestId: 'm1',
      shipmentNumber: 'RR123456785SE',
      status: 'ACCEPTED',
      at: '2026-12-01T11:00:00.000Z',
      seq: 3,
      sequence: 4,
      mrn: '26NO0000000000001',
    });
    const body = JSON.parse(payload(note));
    expect(body).toEqual({
      id: 'm1.RR123456785SE.shipment.status.ACCEPTED.v3',
      type: 'shipment.status',
      timestamp: '2026-12-01T11:00:00.000Z',
      subject: 'manifests/m1/shipments/RR123456785SE',
      sequence: 4,
      data: {
        manifestId: 'm1',
        shipmentNumber: 'RR123456785SE',
        status: 'ACCEPTED',
        mrn: '26NO0000000000001',
      },
    });
    expect(WebhookPayload.parse(body)).toEqual(body);
  });

  it('describes the flag and transit bodies, and refuses what is not one', () => {
    const shipment = {
      partnerId: 'p',
      manifestId: 'm1',
      shipmentNumber: 'RR123456785SE',
      status: 'SUBMITTED',
      version: 2,
    } as ShipmentRecord;
    const raised = JSON.parse(
      payload(
        flagNotification(shipment, 'flag.raised', '2026-12-01T11:00:00.000Z', {
          flag: 'NOTIFICATION_MISSING',
          estimatedArrival: '2026-12-01T13:00:00.000Z',
        }),
      ),
    );
    expect(raised).toMatchObject({ type: 'flag.raised', sequence: 3 });
    expect(WEBHOOK_PAYLOADS['flag.raised'].parse(raised)).toEqual(raised);
    const closure = JSON.parse(
      payload(
        transitClosureNotification({
          partnerId: 'p',
          mrn: '26SE0000000000000A0',
          manifestId: 'm1',
          state: 'MANUAL_HANDLING',
          reason: 'cannot be partly closed',
          at: '2026-12-01T13:05:00.000Z',
          version: 1,
        }),
      ),
    );
    expect(closure).toMatchObject({ subject: 'transits/26SE0000000000000A0', sequence: 1 });
    expect(WEBHOOK_PAYLOADS['transit.closure'].parse(closure)).toEqual(closure);
    expect(WebhookPayload.safeParse({ ...raised, sequence: 0 }).success).toBe(false);
    expect(WebhookPayload.safeParse({ ...raised, type: 'flag.waved' }).success).toBe(false);
  });
});
