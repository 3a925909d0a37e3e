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
 * One slot costs one UpdateItem (~6 ms in AWS, 1 WCU; at R = 20/s that is 20 WCU/s on one item,
 * far under a partition's 1,000): either
 * - busy (`tat` ≥ now): `SET tat = tat + interval` if `tat >= now`; the slot is the old `tat`
 *   (minus the burst tolerance), slept until; or
 * - idle (`tat` < now or no item yet): `SET tat = now + interval` if `tat < now`; the slot is now.
 * Each is a single conditional write, so two instances can never take the same slot; losing the
 * race just means the other branch (a few attempts at most). Clocks are the instances' wall clocks
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

export class DynamoRateBudget implements RateLimiter {
  private readonly intervalMs: number;
  private readonly toleranceMs: number;
  private readonly nowMs: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  /**
   * The bucket's `tat` as this instance last saw it, to pick the branch that will most likely hold
   * (busy while the clock is behind it, idle once past it): one write per slot in the usual case.
   */
  private knownTatMs = Number.NEGATIVE_INFINITY;

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

  async acquire(): Promise<number> {
    for (let race = 0; race < MAX_RACES; race++) {
      const now = this.nowMs();
      const busy = now <= this.knownTatMs;
      const slot = busy ? await this.takeNext(now) : await this.takeIdle(now);
      if (slot === undefined) {
        // Another instance moved the bucket (or the clock passed `tat`): the other branch next.
        this.knownTatMs = busy ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
        continue;
      }
      this.knownTatMs = Math.max(slot, now) + this.intervalMs;
      const waitMs = Math.max(0, slot - this.toleranceMs - now);
      if (waitMs > 0) await this.sleep(waitMs);
      return waitMs;
    }
    throw new Error(`Digitoll rate budget ${this.api}: no slot after ${MAX_RACES} conditional writes`);
  }

  /** The next slot after the bucket's `tat` (the old value), or undefined if the bucket fell idle. */
  private async takeNext(now: number): Promise<number | undefined> {
    try {
      const { Attributes } = await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.rateBudget(this.api),
          UpdateExpression: 'SET tat = tat + :interval',
          ConditionExpression: 'tat >= :now',
          ExpressionAttributeValues: { ':interval': this.intervalMs, ':now': now },
          ReturnValues: 'UPDATED_OLD',
        }),
      );
      return Number(Attributes?.tat);
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  /** The slot `now` if the bucket is idle (behind the clock, or new), else undefined. */
  private async takeIdle(now: number): Promise<number | undefined> {
    try {
      await this.table.client.send(
        new UpdateCommand({
          TableName: this.table.name,
          Key: keys.rateBudget(this.api),
          UpdateExpression: 'SET tat = :next, kind = :kind',
          ConditionExpression: 'attribute_not_exists(tat) OR tat < :now',
          ExpressionAttributeValues: { ':next': now + this.intervalMs, ':now': now, ':kind': 'RATE_BUDGET' },
        }),
      );
      return now;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }
}
