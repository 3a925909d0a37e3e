/** Deterministic fault injection and per-client rate limiting for the Digitoll simulator. */

export interface FaultConfig {
  /** Added latency (ms) before every faultable request is handled. */
  latencyMs?: number;
  /** Share (0..1) of requests answered 500 without being processed. */
  errorRate?: number;
  /** Share (0..1) of requests answered 429 (Retry-After: 1) without being processed. */
  rateLimitRate?: number;
  /** Share (0..1) of requests held open without an answer (until the client gives up or `timeoutHoldMs`). */
  timeoutRate?: number;
  /** Share (0..1) of requests PROCESSED (stored, requestId issued) whose socket is then destroyed unanswered. */
  dropResponseRate?: number;
  /** PRNG seed: the same seed and the same request sequence give the same faults. Default 1. */
  seed?: number;
  /** How long a "timeout" request is held before its socket is destroyed. Default 120000 ms. */
  timeoutHoldMs?: number;
}

export type FaultKind = 'error' | 'rateLimit' | 'timeout' | 'drop';

/** mulberry32: a tiny seeded PRNG, uniform in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rate = (value: number | undefined): number => Math.min(1, Math.max(0, value ?? 0));

/** Draws one fault decision per request from a seeded PRNG (one draw per request, in arrival order). */
export class FaultInjector {
  private config: FaultConfig = {};
  private rng: () => number = mulberry32(1);

  constructor(config: FaultConfig = {}) {
    this.set(config);
  }

  set(config: FaultConfig): void {
    this.config = { ...config };
    this.rng = mulberry32(config.seed ?? 1);
  }

  get(): FaultConfig {
    return { ...this.config };
  }

  get latencyMs(): number {
    return Math.max(0, this.config.latencyMs ?? 0);
  }

  get timeoutHoldMs(): number {
    return this.config.timeoutHoldMs ?? 120_000;
  }

  /** The fault for the next request, or undefined. Always consumes exactly one draw. */
  draw(): FaultKind | undefined {
    const u = this.rng();
    let edge = rate(this.config.errorRate);
    if (u < edge) return 'error';
    edge += rate(this.config.rateLimitRate);
    if (u < edge) return 'rateLimit';
    edge += rate(this.config.timeoutRate);
    if (u < edge) return 'timeout';
    edge += rate(this.config.dropResponseRate);
    if (u < edge) return 'drop';
    return undefined;
  }
}

/** Token bucket per client: `perSecond` tokens per second, burst of `perSecond`. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly perSecond: number) {}

  /** Takes a token; on refusal returns the whole seconds to wait (Retry-After, at least 1). */
  take(clientId: string, nowMs: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    if (!(this.perSecond > 0) || !Number.isFinite(this.perSecond)) return { ok: true };
    const bucket = this.buckets.get(clientId) ?? { tokens: this.perSecond, at: nowMs };
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((nowMs - bucket.at) / 1000) * this.perSecond);
    bucket.at = nowMs;
    this.buckets.set(clientId, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    const waitMs = ((1 - bucket.tokens) / this.perSecond) * 1000;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
  }

  reset(): void {
    this.buckets.clear();
  }
}
