/**
 * Norway's wall clock (Europe/Oslo) for what people read: the driver's list, the seller statement's
 * quarter boundaries. Instants stay UTC everywhere else; only these views convert.
 */

export const NORWAY_TIME_ZONE = 'Europe/Oslo';

const wallClock = new Intl.DateTimeFormat('en-GB', {
  timeZone: NORWAY_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
  timeZoneName: 'longOffset',
});

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** `+01:00` or `+02:00`. */
  offset: string;
}

export function norwayWallClock(instant: Date): WallClock {
  const parts: Record<string, string> = {};
  for (const part of wallClock.formatToParts(instant)) parts[part.type] = part.value;
  const offset = (parts.timeZoneName ?? 'GMT').replace(/^GMT/, '') || '+00:00';
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    offset,
  };
}

const two = (value: number) => String(value).padStart(2, '0');

/** `2026-12-01 14:00 UTC+01:00`: how the console and the printed lists show a time. */
export function formatNorwayTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const clock = norwayWallClock(date);
  return `${clock.year}-${two(clock.month)}-${two(clock.day)} ${two(clock.hour)}:${two(clock.minute)} UTC${clock.offset}`;
}

/**
 * The instant at which Norway's wall clock shows midnight starting `year-month-day`. Midnight is
 * never inside a DST gap in Norway (the changes are at 02:00/03:00), so trying both offsets is exact.
 */
export function norwayMidnight(year: number, month: number, day: number): Date {
  for (const offsetHours of [1, 2]) {
    const candidate = new Date(Date.UTC(year, month - 1, day, -offsetHours));
    const clock = norwayWallClock(candidate);
    if (clock.year === year && clock.month === month && clock.day === day && clock.hour === 0)
      return candidate;
  }
  throw new Error(`No Norwegian midnight found for ${year}-${month}-${day}`);
}
