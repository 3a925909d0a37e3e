/**
 * SendMessageBatch for any number of messages: batches of 10, `concurrency` batches in flight,
 * each batch re-sending only its failed entries with jittered exponential back-off. Throws when a
 * batch still has failed entries after `MAX_ATTEMPTS` (or when a call fails outright); no further
 * batch starts after a failure and the ones in flight settle first (see `mapBounded`), so a caller
 * that retries the whole send does so with nothing of the previous attempt still on the wire.
 */
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { mapBounded } from '../../concurrency.ts';

const BATCH_LIMIT = 10;
const MAX_ATTEMPTS = 6;
const MAX_BACKOFF_MS = 5_000;

export interface BatchSendOptions {
  /** Back-off base between attempts of one batch (ms); tests set it low. */
  retryBaseMs: number;
  /** Batches in flight. */
  concurrency: number;
  /** What the messages are, for the error message. */
  what: string;
}

export async function sendInBatches(
  client: SQSClient,
  queueUrl: string,
  entries: ReadonlyArray<Omit<SendMessageBatchRequestEntry, 'Id'>>,
  options: BatchSendOptions,
): Promise<void> {
  const batches: Array<SendMessageBatchRequestEntry[]> = [];
  for (let start = 0; start < entries.length; start += BATCH_LIMIT) {
    batches.push(
      entries.slice(start, start + BATCH_LIMIT).map((entry, index) => ({ ...entry, Id: `m${index}` })),
    );
  }
  await mapBounded(batches, options.concurrency, async (batch) => {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > MAX_ATTEMPTS) {
        throw new Error(
          `SendMessageBatch failed for ${pending.length} ${options.what} after ${MAX_ATTEMPTS} attempts`,
        );
      }
      if (attempt > 1) {
        const ceiling = Math.min(options.retryBaseMs * 2 ** (attempt - 1), MAX_BACKOFF_MS);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
      }
      const result = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
      const failed = new Set((result.Failed ?? []).map((failure) => failure.Id));
      pending = pending.filter((entry) => failed.has(entry.Id));
    }
  });
}
