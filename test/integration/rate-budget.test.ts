/**
 * The reporters' shared Digitoll budget (lib/adapters/dynamodb/rate-budget.ts) against DynamoDB
 * Local: several instances drawing from one bucket get distinct slots exactly 1/R apart, never two
 * the same; an idle bucket gives the slot at once; a burst lets that many through back to back.
 * The clock is injected and frozen, and sleeps are recorded, so the slots are exact (no timing).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoRateBudget } from '../../lib/adapters/dynamodb/rate-budget.ts';
import { Table } from '../../lib/adapters/dynamodb/table.ts';
import { documentClient } from '../../lib/compose/aws.ts';
import { type Env, setUpEnv } from './harness.ts';

let env: Env;
let table: Table;

beforeAll(async () => {
  env = await setUpEnv();
  table = new Table({ client: env.db, tableName: env.tableName });
});

/** One reporter instance: its own budget object on the shared item, a clock, recorded sleeps. */
function instance(api: string, clock: { now: number }, ratePerSecond: number, burst = 1) {
  const slots: number[] = [];
  const budget = new DynamoRateBudget(table, api, {
    ratePerSecond,
    burst,
    nowMs: () => clock.now,
    sleep: async () => {},
  });
  return {
    slots,
    take: async () => {
      const wait = await budget.acquire();
      slots.push(clock.now + wait);
    },
  };
}

describe('the shared Digitoll rate budget', () => {
  it('three instances, 8 requests each at R = 50/s: 24 distinct slots 20 ms apart from now', async () => {
    const clock = { now: 1_000_000 };
    const instances = [1, 2, 3].map(() => instance('shared-a', clock, 50));
    await Promise.all(
      instances.map(async (one) => {
        for (let i = 0; i < 8; i++) await one.take();
      }),
    );
    const all = instances.flatMap((one) => one.slots).sort((a, b) => a - b);
    // By hand: the first slot is now (an empty bucket), then one every 1000 / 50 = 20 ms.
    expect(all).toEqual(Array.from({ length: 24 }, (_, k) => 1_000_000 + 20 * k));
    // Each instance got a share: none starved while the others drew.
    for (const one of instances) expect(one.slots).toHaveLength(8);
  }, 120_000);

  it('once the clock has passed the last slot, the next request goes at once (the bucket is idle)', async () => {
    const clock = { now: 5_000_000 };
    const a = instance('shared-b', clock, 10);
    const b = instance('shared-b', clock, 10);
    await a.take(); // slot 5,000,000; the next free one is 5,000,100
    await b.take(); // 5,000,100: it waits 100 ms
    clock.now = 5_000_150; // the bucket is ahead until 5,000,200
    await a.take(); // 5,000,200
    clock.now = 5_010_000; // long idle
    await b.take(); // now
    expect([...a.slots, ...b.slots].sort((x, y) => x - y)).toEqual([
      5_000_000, 5_000_100, 5_000_200, 5_010_000,
    ]);
  });

  it('a burst of 5 at R = 10/s: five at once, then one every 100 ms', async () => {
    const clock = { now: 9_000_000 };
    const one = instance('shared-c', clock, 10, 5);
    for (let i = 0; i < 8; i++) await one.take();
    expect(one.slots).toEqual([
      9_000_000, 9_000_000, 9_000_000, 9_000_000, 9_000_000, 9_000_100, 9_000_200, 9_000_300,
    ]);
  });

  it('each API has its own bucket', async () => {
    const clock = { now: 2_000_000 };
    const submission = instance('api-submission', clock, 10);
    const query = instance('api-query', clock, 10);
    await submission.take();
    await query.take();
    await submission.take();
    expect(submission.slots).toEqual([2_000_000, 2_000_100]);
    expect(query.slots).toEqual([2_000_000]);
  });
});

describe('group reservation', () => {
  it('30 requests waiting at once in one instance: two conditional writes (25 + 5), 30 slots 1/R apart', async () => {
    const client = documentClient({
      AWS_REGION: 'eu-north-1',
      AWS_ENDPOINT_URL_DYNAMODB: env.dynamoEndpoint,
    });
    let writes = 0;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (/^Update/.test(context.commandName ?? '')) writes++;
        return next(args);
      },
      { step: 'initialize', name: 'countUpdates' },
    );
    const counted = new Table({ client, tableName: env.tableName });
    const clock = { now: 7_000_000 };
    const budget = new DynamoRateBudget(counted, 'grouped', {
      ratePerSecond: 20,
      nowMs: () => clock.now,
      sleep: async () => {},
    });
    const waits = await Promise.all(Array.from({ length: 30 }, () => budget.acquire()));
    // By hand: an empty bucket, so the first slot is now, then one every 1000 / 20 = 50 ms, in call order.
    expect(waits).toEqual(Array.from({ length: 30 }, (_, k) => 50 * k));
    expect(writes).toBe(2);
    // The bucket is where 30 single steps would have left it: the next request waits 1,500 ms.
    const single = instance('grouped', clock, 20);
    await single.take();
    expect(single.slots).toEqual([7_001_500]);
  });

  it('a request arriving while a write is in flight gets the next slot, never one taken before', async () => {
    const clock = { now: 8_000_000 };
    const budget = new DynamoRateBudget(table, 'in-flight', {
      ratePerSecond: 10,
      nowMs: () => clock.now,
      sleep: async () => {},
    });
    const first = budget.acquire();
    const second = budget.acquire();
    // Issued while the first write is on its way: it joins the next group.
    await Promise.resolve();
    await Promise.resolve();
    const third = budget.acquire();
    expect(await Promise.all([first, second, third])).toEqual([0, 100, 200]);
  });
});

describe('a stalled wake-up', () => {
  it('gives its slot back and takes the next, rather than bunching with the slots after it', async () => {
    const clock = { now: 11_000_000 };
    let stallMs = 0;
    const budget = new DynamoRateBudget(table, 'stalled', {
      ratePerSecond: 10,
      nowMs: () => clock.now,
      // Time passes while sleeping, plus a stall when the test asks for one.
      sleep: async (ms) => {
        clock.now += ms + stallMs;
        stallMs = 0;
      },
    });
    const sentAt: number[] = [];
    const send = async () => {
      await budget.acquire();
      sentAt.push(clock.now);
    };
    await send(); // an idle bucket: at once (11,000,000); the next slot is 11,000,100
    stallMs = 400; // the thread wakes for 11,000,100 only at 11,000,500: 400 ms > LATE_MS late
    await send(); // a new slot: the bucket (next at 11,000,200) is behind the clock, so now, 11,000,500
    await send(); // 11,000,600, one interval later; without the guard it would have gone at 11,000,500 too
    expect(sentAt).toEqual([11_000_000, 11_000_500, 11_000_600]);
  });
});
