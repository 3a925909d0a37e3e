/**
 * The Digitoll rate R shared by every reporter instance: one GCRA token bucket (a "theoretical
 * arrival time", `tat`, in epoch ms) per Digitoll API in one table item, advanced atomically.
 *
 * Why shared rather than per instance: Customs grants R per client per API, and the reporter runs
 * as up to N concurrent Lambda instances. Fixed per-instance buckets (R / N each) lose the share of
 * every instance that is idle or between batches (0.86–0.91 R in the bench); a bucket every
 * instance draws from keeps the sum at R whichever instances are busy, with no 429 to probe for
 * (an adaptive AIMD budget would find R only by hitting it, i.e. by 429s in steady state).
 *
 * One conditional UpdateItem (~6 ms in AWS, 1 WCU) takes the slots of every request of this
 * instance waiting for one at that moment (group reservation), n of them at once:
 * - busy (`tat` ≥ now): `SET tat = tat + n·interval` if `tat >= now`; the slots are the old `tat`,
 *   old + interval, … (minus the burst tolerance), each slept until; or
 * - idle (`tat` < now or no item yet): `SET tat = now + n·interval` if `tat < now`; the slots are
 *   now, now + interval, ….
 * That is exactly n single GCRA steps, in one write. Each is a single conditional write, so two
 * instances can never take the same slot; losing the race just means the other branch (a few
 * attempts at most). Requests that arrive while a write is in flight wait for the next one.
 *
 * Why group the writes (issue #14, B1 at 0.88 R): a reporter runs its batch's ten records in
 * parallel, and they reach Digitoll within milliseconds of each other. One write per request was
 * two extra writes per house (submission and poll) on the item every instance contends for; on the
 * 2-core bench machine, DynamoDB Local's serialized writes were the pipeline's bottleneck, and in
 * AWS each request waited for its own round trip. No slot is ever taken for a request that is not
 * already waiting to be sent, so grouping loses no rate (a slot taken "in advance" for an
 * instance that then has nothing to send would be lost to the others: that is why there is no
 * lease of slots ahead of demand).
 *
 * Time: the wait is measured from the clock *after* the write returns (the slot is absolute), so a
 * slow write never adds its own duration to the wait. Clocks are the instances' wall clocks
 * (NTP-synchronised in AWS to well under a millisecond-scale interval). The bucket sits in the
 * main table (keys.rateBudget) and needs no TTL: one small item per API, forever.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { RateLimiter } from '../digitoll/rate-limiter.ts';
import { isConditionFailure } from './conditions.ts';
import type { Table } from './table.ts';
import { keys } from './table-design.ts';

export interface RateBudgetOptions {
  /** Requests per second for every instance together (R, as Customs grants it). */
  ratePerSecond: number;
  /** Requests allowed back to back before the spacing applies. Default 1 (strict spacing). */
  burst?: number;
  /** Wall-clock ms shared by the instances. Default Date.now. */
  nowMs?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const MAX_RACES = 10;
/** Slots one write takes at most (one reporter batch is 10 records; this bounds a burst of callers). */
export const MAX_GROUP = 25;

/**
 * A request that wakes more than this after its slot gives the slot back and takes the next one.
 * Sending it anyway would bunch it with the requests of the slots after it: this instance was
 * stalled (a descheduled thread, a long GC), and the server's burst tolerance is all that absorbs
 * such bunching (Digitoll's, like the simulator's, is a bucket of about one second at R). Bounding
 * our own lateness keeps 429s out of steady state on a machine that is busy; the cost is one slot
 * per stall, never rate in the normal case (a timer wakes within a few ms).
 */
export const LATE_MS = 250;
/** Slots a request may give back before it is sent regardless (a stall that never ends). */
const MAX_LATE_RETAKES = 3;

interface Waiter {
  resolve(waitMs: number): void;
  reject(error: unknown): void;
  /** Waited so far (ms), over every slot it took. */
  waitedMs: number;
  retakes: number;
}

export class DynamoRateBudget implements RateLimiter {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  private readonly nowMs: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /**
   * The bucket's `tat` as this instance last saw it, to pick the branch that will most likely hold
   * (busy while the clock is behind it, idle once past it): one write per group in the usual case.
   */
  private knownTatMs = Number.NEGATIVE_INFINITY;
  /** Requests waiting for the next write, in call order. */
  private readonly waiting: Waiter[] = [];
  private writing = false;

  constructor(
    private readonly table: Table,
    private readonly api: string,
    options: RateBudgetOptions,
  ) {
    if (!(options.ratePerSecond > 0) || !Number.isFinite(options.ratePerSecond)) {
      throw new Error('rateLimitPerSecond must be a positive finite number');
    }
    this.intervalMs = 1000 / options.ratePerSecond;
    this.toleranceMs = (Math.max(1, Math.floor(options.burst ?? 1)) - 1) * this.intervalMs;
    this.nowMs = options.nowMs ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Waits for a slot; resolves when the caller may send, with the wait in ms (0 when none). */
  acquire(): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.enqueue({ resolve, reject, waitedMs: 0, retakes: 0 });
    });
  }

  private enqueue(waiter: Waiter): void {
    this.waiting.push(waiter);
    if (!this.writing) void this.reserveForWaiting();
  }

  /** Sleeps until the slot; a stalled wake-up (later than LATE_MS) takes a new slot instead. */
  private async awaitSlot(waiter: Waiter, slotMs: number, now: number): Promise<void> {
    const waitMs = Math.max(0, slotMs - now);
    if (waitMs > 0) await this.sleep(waitMs);
    const waited = waiter.waitedMs + waitMs;
    const lateMs = this.nowMs() - Math.max(slotMs, now);
    if (lateMs > LATE_MS && waiter.retakes < MAX_LATE_RETAKES) {
      this.enqueue({ ...waiter, waitedMs: waited, retakes: waiter.retakes + 1 });
      return;
    }
    waiter.resolve(waited);
  }

  /** One write per group of waiting requests, until none waits; each then sleeps to its own slot. */
  private async reserveForWaiting(): Promise<void> {
    this.writing = true;
    try {
      // Callers in the same turn of the event loop (a batch's records) share the first write too.
      await Promise.resolve();
      while (this.waiting.length > 0) {
        const group = this.waiting.splice(0, MAX_GROUP);
        let first: number;
        try {
          first = await this.reserve(group.length);
        } catch (error) {
          for (const waiter of group) waiter.reject(error);
          continue;
        }
        const now = this.nowMs();
        group.forEach((waiter, k) => {
          this.awaitSlot(waiter, first + k * this.intervalMs - this.toleranceMs, now).catch(waiter.reject);
        });
      }
    } finally {
      this.writing = false;
    }
  }

  /** Takes `count` consecutive slots; answers the first (the others follow 1/R apart). */
  private async reserve(count: number): Promise<number> {
    for (let race = 0; race < MAX_RACES; race++) {
      const now = this.nowMs();
      const busy = now <= this.knownTatMs;
      const first = busy ? await this.takeNext(now, count) : await this.takeIdle(now, count);
      if (first === undefined) {
        // Another instance moved the bucket (or the clock passed `tat`): the other branch next.
        this.knownTatMs = busy ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
        continue;
      }
      this.knownTatMs = Math.max(first, now) + count * this.intervalMs;
      return first;
    }
    throw new Error(`Digitoll rate budget ${this.api}: no slot after ${MAX_RACES} conditional writes`);
  }

  /** The next slots after the bucket's `tat` (the first is the old value), or undefined if it fell idle. */
  private async takeNext(now: number, count: number): Promise<number | undefined> {
    try {
      const { Attributes } = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.rateBudget(this.api),
          UpdateExpression: 'SET tat = tat + :span',
          ConditionExpression: 'tat >= :now',
          ExpressionAttributeValues: { ':span': count * this.intervalMs, ':now': now },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      return Number(Attributes?.tat);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** The slots from `now` if the bucket is idle (behind the clock, or new), else undefined. */
  private async takeIdle(now: number, count: number): Promise<number | undefined> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.rateBudget(this.api),
          UpdateExpression: 'SET tat = :next, kind = :kind',
          ConditionExpression: 'attribute_not_exists(tat) OR tat < :now',
          ExpressionAttributeValues: {
            ':next': now + count * this.intervalMs,
            ':now': now,
            ':kind': 'RATE_BUDGET',
          },
        }),
      );
      return now;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}
