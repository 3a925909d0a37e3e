/** Norway's wall clock: offsets on both sides of the DST changes, midnights as instants. */
import { describe, expect, it } from 'vitest';
import { formatNorwayTime, norwayMidnight } from '../../lib/domain/norway-time.ts';

describe("Norway's time", () => {
  it('shows winter time as UTC+01:00 and summer time as UTC+02:00', () => {
    expect(formatNorwayTime('2026-12-01T13:00:00Z')).toBe('2026-12-01 14:00 UTC+01:00');
    expect(formatNorwayTime('2026-07-01T13:00:00Z')).toBe('2026-07-01 15:00 UTC+02:00');
    // 2026-03-29 01:00 UTC is when Norway moves from 02:00 CET to 03:00 CEST.
    expect(formatNorwayTime('2026-03-29T00:59:00Z')).toBe('2026-03-29 01:59 UTC+01:00');
    expect(formatNorwayTime('2026-03-29T01:00:00Z')).toBe('2026-03-29 03:00 UTC+02:00');
    expect(formatNorwayTime('not a time')).toBe('not a time');
  });

  it('finds midnight in winter and in summer', () => {
    expect(norwayMidnight(2026, 10, 1).toISOString()).toBe('2026-09-30T22:00:00.000Z');
    expect(norwayMidnight(2027, 1, 1).toISOString()).toBe('2026-12-31T23:00:00.000Z');
    expect(norwayMidnight(2026, 4, 1).toISOString()).toBe('2026-03-31T22:00:00.000Z');
  });
});
