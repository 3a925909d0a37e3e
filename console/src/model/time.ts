/**
 * Times as the customs desk reads them: Norway's wall clock (Europe/Oslo) with its UTC offset,
 * whatever the browser's own time zone, and countdowns in hours, minutes and seconds.
 * No DOM here: the unit tests run these in Node.
 */

import { NORWAY_TIME_ZONE, norwayWallClock } from '../../../lib/domain/norway-time.ts';

// The reporting deadline and Norway's wall clock are the domain's facts; the console shows them.
export { REPORTING_LEAD_MS, reportingDeadline as reportingCutoff } from '../../../lib/domain/deadlines.ts';

export const OSLO = NORWAY_TIME_ZONE;

const two = (n: number) => String(n).padStart(2, '0');

/** `2026-12-01 14:00 UTC+01:00` (with `:ss` when asked). An unparseable value is shown as given. */
export function formatOslo(iso: string, options: { seconds?: boolean } = {}): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const clock = norwayWallClock(date);
  const time = `${two(clock.hour)}:${two(clock.minute)}${options.seconds ? `:${two(clock.second)}` : ''}`;
  return `${clock.year}-${two(clock.month)}-${two(clock.day)} ${time} UTC${clock.offset}`;
}

/** Norway's calendar date of an instant, `2026-12-01`. */
export function osloDate(date: Date): string {
  const clock = norwayWallClock(date);
  return `${clock.year}-${two(clock.month)}-${two(clock.day)}`;
}

/** `2 d 3 h`, `1 h 05 min`, `12 min 03 s`, `45 s`: seconds only when under an hour is left. */
export function formatDuration(ms: number): string {
  const total = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${two(minutes)} min`;
  if (minutes > 0) return `${minutes} min ${two(seconds)} s`;
  return `${seconds} s`;
}

export interface Countdown {
  /** Milliseconds until the moment; negative once it has passed. */
  remainingMs: number;
  passed: boolean;
  /** `in 1 h 05 min` or `passed 12 min 03 s ago`. */
  text: string;
}

export function countdown(targetIso: string, now: Date): Countdown {
  const remainingMs = Date.parse(targetIso) - now.getTime();
  if (Number.isNaN(remainingMs)) return { remainingMs: 0, passed: false, text: '—' };
  const passed = remainingMs <= 0;
  const span = formatDuration(remainingMs);
  return { remainingMs, passed, text: passed ? `passed ${span} ago` : `in ${span}` };
}

/** The calendar quarter (in Norway) an instant falls in: `2026-Q4`. */
export function quarterOf(date: Date): string {
  const [year, month] = osloDate(date).split('-').map(Number) as [number, number];
  return `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
}

/** `2026-Q4` and the `count - 1` quarters before it, newest first. */
export function recentQuarters(latest: string, count: number): string[] {
  const match = /^(\d{4})-Q([1-4])$/.exec(latest);
  if (!match) return [];
  let year = Number(match[1]);
  let quarter = Number(match[2]);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    out.push(`${year}-Q${quarter}`);
    quarter -= 1;
    if (quarter === 0) {
      quarter = 4;
      year -= 1;
    }
  }
  return out;
}
