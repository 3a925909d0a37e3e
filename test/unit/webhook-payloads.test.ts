/**
 * The webhook payload schemas (lib/manifest/webhooks.ts, the OpenAPI `webhooks` section) describe
 * what the domain's notification builders really produce, delivered as `{id, type, at, data}`.
 */
import { describe, expect, it } from 'vitest';
import {
  flagNotification,
  type PartnerNotification,
  shipmentStatusNotification,
  transitClosureNotification,
} from '../../lib/domain/notifications.ts';
import type { ShipmentRecord } from '../../lib/domain/records.ts';
import { WEBHOOKS, WebhookEvent } from '../../lib/manifest/webhooks.ts';

/** The body deliver() posts (lib/domain/webhooks.ts). */
const delivered = ({ id, type, at, data }: PartnerNotification) => ({ id, type, at, data });

const shipment = {
  partnerId: 'p1',
  manifestId: 'm1',
  shipmentNumber: 'RR123456785SE',
  status: 'ACCEPTED',
  version: 3,
} as ShipmentRecord;

describe('the webhook payloads', () => {
  it('describe shipment.status, with and without the MRN and Digitoll errors', () => {
    const accepted = shipmentStatusNotification({
      partnerId: 'p1',
      manifestId: 'm1',
      shipmentNumber: 'RR123456785SE',
      status: 'ACCEPTED',
      at: '2026-12-01T10:00:00.000Z',
      seq: 2,
      mrn: '26NO1234567890ABC1',
    });
    expect(WebhookEvent.parse(delivered(accepted))).toEqual({
      id: 'm1.RR123456785SE.shipment.status.ACCEPTED.v2',
      type: 'shipment.status',
      at: '2026-12-01T10:00:00.000Z',
      data: {
        manifestId: 'm1',
        shipmentNumber: 'RR123456785SE',
        status: 'ACCEPTED',
        mrn: '26NO1234567890ABC1',
      },
    });
    const failed = shipmentStatusNotification({
      partnerId: 'p1',
      manifestId: 'm1',
      shipmentNumber: 'RR123456785SE',
      status: 'FAILED',
      at: '2026-12-01T10:00:00.000Z',
      seq: 2,
      digitollErrors: [{ message: 'Invalid value', digitollPath: 'consignor.name', path: '/consignor/name' }],
    });
    expect(WebhookEvent.safeParse(delivered(failed)).success).toBe(true);
  });

  it('describe flag.raised and flag.cleared', () => {
    for (const type of ['flag.raised', 'flag.cleared'] as const) {
      const event = flagNotification(shipment, type, '2026-12-01T10:00:00.000Z', {
        flag: 'NOTIFICATION_MISSING',
        estimatedArrival: '2026-12-01T12:00:00+01:00',
      });
      expect(WebhookEvent.parse(delivered(event)).data).toEqual({
        manifestId: 'm1',
        shipmentNumber: 'RR123456785SE',
        status: 'ACCEPTED',
        flag: 'NOTIFICATION_MISSING',
        estimatedArrival: '2026-12-01T12:00:00+01:00',
      });
    }
  });

  it('describe transit.closure', () => {
    const event = transitClosureNotification({
      partnerId: 'p1',
      mrn: '26SE000001188424T0',
      manifestId: 'm1',
      state: 'ARRIVAL_NOTIFICATION_PREPARED',
      reason: 'ETA passed',
      at: '2026-12-01T10:00:00.000Z',
      version: 1,
    });
    expect(WebhookEvent.parse(delivered(event)).type).toBe('transit.closure');
  });

  it('refuse what a partner would not get: an unknown flag, a missing field, an unknown type, an extra field', () => {
    const good = delivered(
      flagNotification(shipment, 'flag.raised', '2026-12-01T10:00:00.000Z', {
        flag: 'NOTIFICATION_MISSING',
        estimatedArrival: '2026-12-01T12:00:00+01:00',
      }),
    );
    expect(WebhookEvent.safeParse({ ...good, data: { ...good.data, flag: 'NOPE' } }).success).toBe(false);
    const { manifestId: _m, ...withoutManifest } = good.data;
    expect(WebhookEvent.safeParse({ ...good, data: withoutManifest }).success).toBe(false);
    expect(WebhookEvent.safeParse({ ...good, type: 'flag.lowered' }).success).toBe(false);
    expect(WebhookEvent.safeParse({ ...good, extra: 1 }).success).toBe(false);
  });

  it('name every notification type once', () => {
    expect(WEBHOOKS.map((w) => w.type).sort()).toEqual([
      'flag.cleared',
      'flag.raised',
      'shipment.status',
      'transit.closure',
    ]);
  });
});
