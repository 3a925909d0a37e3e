/** The console's clock: Norway's wall time with its offset, countdowns, quarters. */
import { describe, expect, it } from 'vitest';
import {
  countdown,
  formatDuration,
  formatOslo,
  quarterOf,
  recentQuarters,
  reportingCutoff,
} from '../../../console/src/model/time.ts';

describe('console time', () => {
  it('shows instants on Oslo time with the UTC offset of that date (winter +01:00, summer +02:00)', () => {
    expect(formatOslo('2026-12-01T13:00:00Z')).toBe('2026-12-01 14:00 UTC+01:00');
    expect(formatOslo('2026-07-01T13:00:00Z')).toBe('2026-07-01 15:00 UTC+02:00');
    expect(formatOslo('2026-12-01T13:00:05.900Z', { seconds: true })).toBe('2026-12-01 14:00:05 UTC+01:00');
    // Across midnight: Norway's date, not UTC's.
    expect(formatOslo('2026-12-31T23:30:00Z')).toBe('2027-01-01 00:30 UTC+01:00');
    expect(formatOslo('not a date')).toBe('not a date');
  });

  it('counts down in the units a person reads at a glance', () => {
    expect(formatDuration(45_000)).toBe('45 s');
    expect(formatDuration(12 * 60_000 + 3_000)).toBe('12 min 03 s');
    expect(formatDuration(65 * 60_000)).toBe('1 h 05 min');
    expect(formatDuration(51 * 3_600_000)).toBe('2 d 3 h');
    const now = new Date('2026-12-01T12:00:00Z');
    expect(countdown('2026-12-01T13:05:00Z', now)).toMatchObject({ passed: false, text: 'in 1 h 05 min' });
    expect(countdown('2026-12-01T11:48:00Z', now)).toMatchObject({
      passed: true,
      text: 'passed 12 min 00 s ago',
    });
  });

  it('puts the cut-off 2 hours before the ETA', () => {
    expect(reportingCutoff('2026-12-01T14:00:00+01:00')).toBe('2026-12-01T11:00:00.000Z');
  });

  it("names quarters by Norway's calendar", () => {
    expect(quarterOf(new Date('2026-12-31T22:59:59Z'))).toBe('2026-Q4');
    expect(quarterOf(new Date('2026-12-31T23:00:00Z'))).toBe('2027-Q1'); // midnight in Oslo
    expect(quarterOf(new Date('2026-06-30T21:59:59Z'))).toBe('2026-Q2');
    expect(quarterOf(new Date('2026-06-30T22:00:00Z'))).toBe('2026-Q3');
    expect(recentQuarters('2026-Q2', 4)).toEqual(['2026-Q2', '2026-Q1', '2025-Q4', '2025-Q3']);
    expect(recentQuarters('nonsense', 4)).toEqual([]);
  });
});
