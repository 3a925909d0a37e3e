import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ShipmentStatus } from '../../../lib/domain/shipment.ts';
import { isMixedTransit } from '../../../lib/rules/index.ts';

describe('isMixedTransit', () => {
  it('is not mixed when every shipment is VOEC goods', () => {
    expect(
      isMixedTransit([
        { shipmentNumber: 'A1', status: 'RECEIVED' },
        { shipmentNumber: 'A2', status: 'ACCEPTED' },
        { shipmentNumber: 'A3', status: 'SUBMITTED' },
      ]),
    ).toEqual({ mixed: false });
  });

  it('is not mixed for an empty transit', () => {
    expect(isMixedTransit([])).toEqual({ mixed: false });
  });

  it('is mixed when one shipment is REJECTED, naming it', () => {
    const result = isMixedTransit([
      { shipmentNumber: 'A1', status: 'RECEIVED' },
      { shipmentNumber: 'B2', status: 'REJECTED' },
    ]);
    expect(result.mixed).toBe(true);
    if (!result.mixed) return;
    expect(result.ineligibleShipmentNumbers).toEqual(['B2']);
    expect(result.reason).toContain('1 shipment that is not VOEC goods (B2)');
    expect(result.reason).toContain('cannot be partly closed');
  });

  it('names the count and the first five shipment numbers, then "and N more"', () => {
    const shipments = Array.from({ length: 8 }, (_, i) => ({
      shipmentNumber: `R${i}`,
      status: 'REJECTED' as const,
    }));
    const result = isMixedTransit([{ shipmentNumber: 'OK', status: 'RECEIVED' }, ...shipments]);
    expect(result.mixed).toBe(true);
    if (!result.mixed) return;
    expect(result.ineligibleShipmentNumbers).toEqual(shipments.map((s) => s.shipmentNumber));
    expect(result.reason).toContain('8 shipments that are not VOEC goods (R0, R1, R2, R3, R4 and 3 more)');
    expect(result.reason).not.toContain('R5');
  });

  it('property: mixed iff some shipment is REJECTED, listing exactly those in order', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            shipmentNumber: fc.stringMatching(/^[A-Z0-9]{1,13}$/),
            status: fc.constantFrom(...ShipmentStatus.options),
          }),
          { maxLength: 30 },
        ),
        (shipments) => {
          const rejected = shipments.filter((s) => s.status === 'REJECTED').map((s) => s.shipmentNumber);
          const result = isMixedTransit(shipments);
          expect(result.mixed).toBe(rejected.length > 0);
          if (result.mixed) {
            expect(result.ineligibleShipmentNumbers).toEqual(rejected);
            expect(result.reason).toContain(String(rejected.length));
            expect(result.reason).toContain(rejected[0]);
          }
        },
      ),
    );
  });
});
