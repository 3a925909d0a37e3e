import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_IO_CONCURRENCY, mapBounded } from '../../lib/concurrency.ts';

const items = fc.array(fc.integer(), { maxLength: 60 });
const limit = fc.integer({ min: 1, max: 20 });

describe('mapBounded', () => {
  it('never has more than `limit` calls in flight, calls each item once and keeps the order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), items, limit, async (s, values, max) => {
        let inFlight = 0;
        let peak = 0;
        const calls = new Map<number, number>();
        const run = mapBounded(values, max, async (value, index) => {
          calls.set(index, (calls.get(index) ?? 0) + 1);
          inFlight++;
          peak = Math.max(peak, inFlight);
          // The scheduler settles pending calls in an arbitrary order.
          await s.schedule(Promise.resolve(), `item ${index}`);
          inFlight--;
          return value * 2;
        });
        await s.waitFor(run);
        const results = await run;
        expect(results).toEqual(values.map((value) => value * 2));
        expect(peak).toBeLessThanOrEqual(max);
        expect([...calls.keys()].sort((a, b) => a - b)).toEqual(values.map((_, index) => index));
        expect([...calls.values()].every((count) => count === 1)).toBe(true);
      }),
    );
  });

  it('keeps `limit` calls busy while items remain (no lane idles behind a slow one)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), items, limit, async (s, values, max) => {
        let inFlight = 0;
        const busyWhenSettling: number[] = [];
        let started = 0;
        const run = mapBounded(values, max, async () => {
          inFlight++;
          started++;
          await s.schedule(Promise.resolve());
          // When a call ends and items remain, the next one starts at once.
          busyWhenSettling.push(inFlight);
          inFlight--;
        });
        await s.waitFor(run);
        await run;
        expect(started).toBe(values.length);
        // Until the tail, every settling call saw the pool full.
        const full = Math.max(0, values.length - max + 1);
        expect(busyWhenSettling.slice(0, full).every((n) => n === Math.min(max, values.length))).toBe(true);
      }),
    );
  });

  it('on a failure starts nothing new, lets in-flight calls settle, then rejects with the first error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.scheduler(),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }),
        limit,
        async (s, failing, max) => {
          fc.pre(failing.some(Boolean));
          let inFlight = 0;
          let firstError: Error | undefined;
          let startedAfterFailure = 0;
          const run = mapBounded(failing, max, async (fails, index) => {
            if (firstError) startedAfterFailure++;
            inFlight++;
            await s.schedule(Promise.resolve(), `item ${index}`);
            inFlight--;
            if (fails) {
              const error = new Error(`item ${index}`);
              firstError ??= error;
              throw error;
            }
            return index;
          });
          const settled = run.then(
            () => ({ inFlight, error: undefined }),
            (error: unknown) => ({ inFlight, error }),
          );
          await s.waitFor(settled);
          const outcome = await settled;
          expect(outcome.error).toBe(firstError);
          expect(outcome.inFlight).toBe(0);
          expect(startedAfterFailure).toBe(0);
        },
      ),
    );
  });

  it('resolves [] for no items without calling fn, and refuses a limit below 1 or fractional', async () => {
    await expect(mapBounded([], 4, () => Promise.reject(new Error('called')))).resolves.toEqual([]);
    await expect(mapBounded([1], 0, async (x) => x)).rejects.toThrow(RangeError);
    await expect(mapBounded([1], 1.5, async (x) => x)).rejects.toThrow(RangeError);
  });

  it('turns a synchronous throw in fn into the rejection', async () => {
    const boom = new Error('sync');
    await expect(
      mapBounded([1, 2], 2, () => {
        throw boom;
      }),
    ).rejects.toBe(boom);
  });

  it('has a default I/O concurrency of 16', () => {
    expect(DEFAULT_IO_CONCURRENCY).toBe(16);
  });
});
