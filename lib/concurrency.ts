/**
 * Bounded parallelism for bulk I/O: a fixed number of requests in flight, never more, so a
 * 10,000-shipment fan-out neither waits on one round trip at a time nor opens thousands of sockets.
 * Shared by the adapters' bulk paths and the benchmark's floor, so both run at the same concurrency.
 */

/**
 * Requests in flight per bulk operation unless a stage sets otherwise. At ~15 ms a round trip,
 * 16 in flight carry ~1,000 requests/s per function: the ~1,400 calls of a 10,000-shipment intake
 * in about 1.5 s. It stays well under the SDK's default of 50 sockets per client, and a
 * manifest's writes spread over many partitions, so 16 parallel batches do not gang up on one.
 */
export const DEFAULT_IO_CONCURRENCY = 16;

/**
 * Maps `items` through `fn` with at most `limit` calls pending at any moment, starting the next item
 * as soon as one settles. Resolves the results in the order of `items` (not of completion).
 *
 * On the first failure no further item is started; the calls already in flight are awaited (their
 * outcomes discarded), then the promise rejects with that first error. Waiting matters to callers
 * that clean up or retry on failure: when the rejection arrives, nothing of the fan-out is still
 * writing behind their back (and a Lambda is not frozen with requests half-sent).
 */
export async function mapBounded<T, R>(
  items: ReadonlyArray<T>,
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`mapBounded: limit must be a whole number ≥ 1 (was ${limit})`);
  }
  const results = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure) throw failure.error;
  return results;
}
