/**
 * The lease of a house claim whose shipment is not stored (lib/domain/one-house.ts `claimHeld`):
 * intake writes claims first and their shipments right after, so a claim may name a shipment not
 * stored yet; it holds the number until it is older than any invocation could run. Expected values
 * written from the rule (20 minutes), never computed by it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { claimHeld, holdsHouse } from '../../lib/domain/one-house.ts';
import type { ShipmentRecord } from '../../lib/domain/records.ts';

const now = new Date('2026-12-01T08:00:00.000Z');

describe('claimHeld', () => {
  it.each([
    ['claimed just now, shipment not stored yet', '2026-12-01T08:00:00.000Z', true],
    ['claimed 29 s ago (the intake timeout), shipment not stored', '2026-12-01T07:59:31.000Z', true],
    ['claimed 15 min ago (Lambda hard limit), shipment not stored', '2026-12-01T07:45:00.000Z', true],
    ['claimed 19 min 59 s ago, shipment not stored', '2026-12-01T07:40:01.000Z', true],
    ['claimed 20 min ago, shipment never came', '2026-12-01T07:40:00.000Z', false],
    ['claimed a day ago, shipment expired', '2026-11-30T08:00:00.000Z', false],
    ['claim without a readable time', 'not a time', true],
  ])('%s → held %s', (_what, claimedAt, held) => {
    expect(claimHeld(undefined, claimedAt, now)).toBe(held);
  });

  it('a claim without a time at all is held (it cannot be dated)', () => {
    expect(claimHeld(undefined, undefined, now)).toBe(true);
  });

  it('with the holder stored, only the holder decides, whatever the claim’s age (property)', () => {
    const statuses = ['RECEIVED', 'REJECTED', 'SUBMITTED', 'ACCEPTED', 'FAILED', 'CANCELLED'] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...statuses),
        fc.integer({ min: 0, max: 10 * 86_400_000 }),
        (status, ageMs) => {
          const holder = { status } as Pick<ShipmentRecord, 'status' | 'mrn' | 'report'>;
          const claimedAt = new Date(now.getTime() - ageMs).toISOString();
          expect(claimHeld(holder, claimedAt, now)).toBe(holdsHouse(holder));
          // RECEIVED, SUBMITTED, ACCEPTED and FAILED without a recorded answer hold; the others do not.
          expect(claimHeld(holder, claimedAt, now)).toBe(!['REJECTED', 'CANCELLED'].includes(status));
        },
      ),
    );
  });

  it('with the holder not stored, held exactly while younger than 20 minutes (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -60_000, max: 2 * 3_600_000 }), (ageMs) => {
        const claimedAt = new Date(now.getTime() - ageMs).toISOString();
        expect(claimHeld(undefined, claimedAt, now)).toBe(ageMs < 20 * 60_000);
      }),
    );
  });
});
