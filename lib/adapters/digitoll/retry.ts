/**
 * Retry building blocks for the Digitoll client: Retry-After parsing, exponential backoff with full jitter,
 * and the classification of a failed `fetch` into "provably not sent" versus "may have been processed".
 */

/**
 * `Retry-After` in ms: delay-seconds (`"3"`) or an HTTP date (relative to `nowMs`, never negative).
 * Undefined when absent or unreadable.
 */
export function parseRetryAfterMs(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined; // not a date either (e.g. "-1", "1.5")
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * Full-jitter exponential backoff before retry number `retry` (1 = the first retry):
 * uniform in [0, min(maxDelayMs, baseDelayMs · 2^(retry−1))). `random` is uniform in [0, 1).
 */
export function fullJitterDelayMs(
  retry: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.max(0, retry - 1));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * cap);
}

/**
 * Error codes that prove no HTTP request reached the server: no TCP connection was ever made
 * (refused, no route, name resolution failed, connect timed out).
 */
export const NOT_SENT_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export type FetchFailure =
  /** Provably not sent (see NOT_SENT_ERROR_CODES). */
  | { kind: 'not-sent'; detail: string }
  /** Our own deadline (`AbortSignal.timeout`) fired: the server may have processed the request. */
  | { kind: 'timeout'; detail: string }
  /** Anything else (reset, dropped connection, truncated body...): may have been processed. */
  | { kind: 'network'; detail: string };

function errorCodes(error: unknown, depth = 0): string[] {
  if (depth > 4 || typeof error !== 'object' || error === null) return [];
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  const own = typeof code === 'string' ? [code] : [];
  const nested = Array.isArray(errors) ? errors.flatMap((e) => errorCodes(e, depth + 1)) : [];
  return [...own, ...nested, ...errorCodes(cause, depth + 1)];
}

/** Classifies what `fetch` (undici) threw, including while reading the body. */
export function classifyFetchError(error: unknown): FetchFailure {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') return { kind: 'timeout', detail: 'timed out' };
  const codes = errorCodes(error);
  const message = error instanceof Error ? error.message : String(error);
  const detail = codes.length > 0 ? `${message} (${[...new Set(codes)].join(', ')})` : message;
  // Happy-eyeballs connects give an AggregateError: all of its attempts must have failed before sending.
  if (codes.length > 0 && codes.every((code) => NOT_SENT_ERROR_CODES.has(code))) {
    return { kind: 'not-sent', detail };
  }
  return { kind: 'network', detail };
}
