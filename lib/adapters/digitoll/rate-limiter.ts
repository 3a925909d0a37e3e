/**
 * Client-side token bucket (GCRA / virtual scheduling): `ratePerSecond` requests per second with a burst
 * of `burst`. Callers are queued, never refused: each `acquire()` reserves the next free slot in call
 * order and sleeps until it. Time and sleeping are injected so tests need no real time.
 */
export interface RateLimiterOptions {
  ratePerSecond: number;
  /** Requests allowed back to back before the spacing applies. Default 1 (strict spacing). */
  burst?: number;
  nowMs: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** What the Digitoll client waits on before each HTTP attempt: one slot of the API's rate. */
export interface RateLimiter {
  /** Waits for a slot; resolves when the caller may send. Returns the wait in ms (0 when none). */
  acquire(): Promise<number>;
}

export class TokenBucketRateLimiter implements RateLimiter {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  /** Theoretical arrival time of the next request. */
  private tatMs = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: RateLimiterOptions) {
    if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond)) {
      throw new Error('rateLimitPerSecond must be a positive finite number');
    }
    const burst = Math.max(1, Math.floor(options.burst ?? 1));
    this.intervalMs = 1000 / options.ratePerSecond;
    this.toleranceMs = (burst - 1) * this.intervalMs;
  }

  /** Waits for a slot; resolves when the caller may send. Returns the wait in ms (0 when none). */
  async acquire(): Promise<number> {
    const now = this.options.nowMs();
    this.tatMs = Math.max(this.tatMs, now);
    const sendAt = this.tatMs - this.toleranceMs;
    this.tatMs += this.intervalMs;
    const waitMs = Math.max(0, sendAt - now);
    if (waitMs > 0) await this.options.sleep(waitMs);
    return waitMs;
  }
}
