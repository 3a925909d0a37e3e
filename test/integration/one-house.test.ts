/**
 * One live house per waybill (issue #12 item 2), end to end over real HTTP against DynamoDB Local,
 * fauxqs and the Digitoll simulator: a shipment number live on one manifest is refused on another
 * (the finding: the example, then a second manifest carrying RR123456785SE), concurrent posts of one
 * number to two manifests end with one live house, and a withdrawn number can be posted again.
 * The simulator's duplicate record (`/__sim/duplicates`) is the judge: it must stay empty.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ShipmentInput } from '../../lib/manifest/schema.ts';
import { ReportingSystem, waitFor } from './reporting-harness.ts';

/** Each case waits for Digitoll's answers; on a loaded machine that takes a while. */
const SLOW = 240_000;
const WAIT = 150_000;
const sys = new ReportingSystem();

beforeAll(async () => {
  await sys.start();
}, SLOW);

afterAll(async () => {
  await sys.stop();
});

beforeEach(async () => {
  sys.dumpLogsOnFailure();
  await sys.settle(WAIT);
}, SLOW);

/** The simulator's duplicates as a partner's tooling would read them. */
async function simDuplicates(): Promise<Array<{ documentNumber: string }>> {
  return (await (await fetch(`${sys.digitoll.url}/__sim/duplicates`)).json()) as Array<{
    documentNumber: string;
  }>;
}

/** A second manifest (new reference, vehicle, master) carrying these shipments. */
function manifestWith(...shipments: ShipmentInput[]) {
  return sys.manifest((manifest) => {
    manifest.shipments = shipments;
  });
}

describe('a shipment number live on another manifest', () => {
  it(
    'the finding: the example, then a second manifest carrying RR123456785SE → refused for that shipment, one house at Digitoll',
    async () => {
      // The example as it is (its own shipment numbers), with an ETA ahead.
      const example = sys.manifest();
      const fixtureNumbers = ['RR123456785SE', 'LX987654321SE', 'CP000111222SE'];
      example.shipments.forEach((shipment, index) => {
        shipment.shipmentNumber = fixtureNumbers[index] ?? shipment.shipmentNumber;
      });
      const first = await sys.postManifest(example);
      await sys.waitForShipments(fixtureNumbers, ['ACCEPTED'], WAIT);

      const reused = structuredClone(example.shipments[0]) as ShipmentInput;
      const fresh = sys.shipment();
      const second = manifestWith(reused, fresh);
      const reply = await sys.api('POST', '/v1/manifests', second);
      expect(reply.status).toBe(202);
      const [refused, accepted] = reply.body.shipments;
      expect(refused).toEqual({
        shipmentNumber: 'RR123456785SE',
        status: 'REJECTED',
        flags: [],
        rejections: [
          {
            rule: 'SHIPMENT_NUMBER_IN_USE',
            path: '/shipments/0/shipmentNumber',
            message: expect.stringContaining(`is live on manifest ${first.manifestId}`),
          },
        ],
      });
      expect(accepted).toMatchObject({ shipmentNumber: fresh.shipmentNumber, status: 'RECEIVED' });

      await sys.waitForShipments([fresh.shipmentNumber], ['ACCEPTED'], WAIT);
      await sys.settle(WAIT);
      // Digitoll got one house POST for the number, and holds no duplicate.
      expect(sys.housePosts('RR123456785SE')).toHaveLength(1);
      expect(await simDuplicates()).toEqual([]);

      // The live report is what GET shows; the refusing manifest is listed as another.
      const shown = await sys.getShipment('RR123456785SE');
      expect(shown.manifestId).toBe(first.manifestId);
      expect(shown.status).toBe('ACCEPTED');
      expect((shown as { otherManifestIds?: string[] }).otherManifestIds).toEqual([reply.body.manifestId]);

      // The same second manifest again: the same answer (the refusal as stored, not a rebuild).
      const replay = await sys.api('POST', '/v1/manifests', second);
      expect(replay.status).toBe(200);
      expect(replay.body).toEqual(reply.body);
    },
    SLOW,
  );

  it(
    'adding it to another manifest is a 409 that names the holder and how to release it; nothing is added',
    async () => {
      const holder = sys.manifest();
      const { manifestId: holderId } = await sys.postManifest(holder);
      const other = await sys.postManifest(sys.manifest());
      const taken = holder.shipments[1] as ShipmentInput;

      const reply = await sys.api('POST', `/v1/manifests/${other.manifestId}/shipments`, {
        shipments: [sys.shipment(), taken],
      });
      expect(reply.status).toBe(409);
      expect(reply.body.type).toEqual(expect.stringContaining('shipment-number-in-use'));
      expect(reply.body.errors).toEqual([
        {
          path: '/shipments/1/shipmentNumber',
          code: 'in_use',
          message: `Shipment ${taken.shipmentNumber} is live on your manifest ${holderId}; withdraw it with DELETE /v1/shipments/${taken.shipmentNumber} first.`,
        },
      ]);
      const overview = await sys.getManifest(other.manifestId);
      expect(overview.shipmentCount).toBe(3);
      await sys.settle(WAIT);
      expect(sys.duplicatesOf([taken.shipmentNumber])).toEqual([]);
    },
    SLOW,
  );

  it(
    'concurrent posts of the same numbers to two manifests end with one live house per number',
    async () => {
      const shared = [sys.shipment(), sys.shipment(), sys.shipment()];
      const numbers = shared.map((s) => s.shipmentNumber);
      const a = manifestWith(...structuredClone(shared));
      const b = manifestWith(...structuredClone(shared));
      const replies = await Promise.all([
        sys.api('POST', '/v1/manifests', a),
        sys.api('POST', '/v1/manifests', b),
      ]);
      expect(replies.map((r) => r.status)).toEqual([202, 202]);
      for (const number of numbers) {
        const outcomes = replies.map((r) =>
          r.body.shipments.find((s: { shipmentNumber: string }) => s.shipmentNumber === number),
        );
        expect(outcomes.map((o) => o.status).sort()).toEqual(['RECEIVED', 'REJECTED']);
        expect(outcomes.find((o) => o.status === 'REJECTED').rejections[0].rule).toBe(
          'SHIPMENT_NUMBER_IN_USE',
        );
      }
      await sys.waitForShipments(numbers, ['ACCEPTED'], WAIT);
      await sys.settle(WAIT);
      for (const number of numbers) expect(sys.housePosts(number)).toHaveLength(1);
      expect(sys.duplicatesOf(numbers)).toEqual([]);
    },
    SLOW,
  );

  it(
    'withdrawn (DELETE, then CANCELLED) it can be posted again; the refused copy can be amended to report it',
    async () => {
      const shipment = sys.shipment();
      const number = shipment.shipmentNumber;
      const first = await sys.postManifest(manifestWith(structuredClone(shipment)));
      await sys.waitForShipments([number], ['ACCEPTED'], WAIT);
      const [firstMrn] = sys.houses(number).map((house) => house.mrn);

      // Refused while live.
      const refusedReply = await sys.postManifest(manifestWith(structuredClone(shipment)));
      expect(refusedReply.body.shipments[0].status).toBe('REJECTED');

      // Released by the withdrawal once Digitoll has deleted it.
      expect((await sys.api('DELETE', `/v1/shipments/${number}`)).status).toBe(202);
      const cancelled = await waitFor(
        `${number} to be CANCELLED`,
        () => sys.api('GET', `/v1/manifests/${first.manifestId}/shipments`),
        (page) => page.body.items?.[0]?.status === 'CANCELLED',
        { timeoutMs: WAIT },
      );
      expect(cancelled.body.items[0].shipmentNumber).toBe(number);

      // The refused copy, amended with the same body, is tried again: now it holds the number.
      const amended = await sys.api('PUT', `/v1/shipments/${number}`, shipment);
      expect(amended.status).toBe(202);
      await waitFor(
        `${number} to be reported again`,
        () => sys.getShipment(number),
        (s) => s.status === 'ACCEPTED' && s.manifestId === refusedReply.manifestId,
        { timeoutMs: WAIT },
      );
      // And a third manifest is refused again, while the second holds it.
      const third = await sys.postManifest(manifestWith(structuredClone(shipment)));
      expect(third.body.shipments[0].rejections[0].message).toContain(refusedReply.manifestId);

      await sys.settle(WAIT);
      const houses = sys.houses(number);
      expect(houses).toHaveLength(2);
      expect(houses.find((house) => house.mrn === firstMrn)?.status).not.toBe('ACTIVE');
      expect(sys.duplicatesOf([number])).toEqual([]);
    },
    SLOW,
  );
});
