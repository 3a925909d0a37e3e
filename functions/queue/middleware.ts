/**
 * The one wrapper for SQS-triggered functions, as middlewares and a record handler:
 * - Lambda context on every log line, keys cleared after each invocation (Powertools);
 * - metrics flushed per invocation;
 * - Powertools batch processing with partial batch failures; records are processed in parallel, so
 *   each gets its own child logger carrying its correlation keys (one record's keys never end up
 *   on another's lines);
 * - zod validation of every message: one that breaks the contract can never succeed, so it goes
 *   straight to the dead-letter queue; and a hook for a message's last receive.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';

import { logger, metrics } from '../observability.ts';

export { logger };

export interface QueueHandlerOptions<T> {
  schema: z.ZodType<T>;
  /** `log` carries the message's correlation keys. */
  handle(message: T, record: SQSRecord, log: Logger): Promise<unknown>;
  /** Keys to log with each message (correlation ids). */
  correlation(message: T): Record<string, string | undefined>;
  /** A body that breaks the contract: dead-letter it. */
  onInvalid(body: string, problem: string): Promise<void>;
  /** The message failed on its last receive (SQS moves it to the dead-letter queue next). */
  onLastReceive(message: T, error: Error): Promise<void>;
  maxReceives: number;
}

export function sqsHandler<T>(options: QueueHandlerOptions<T>) {
  const processor = new BatchProcessor(EventType.SQS);
  const record = async (item: SQSRecord) => {
    let body: unknown;
    try {
      body = JSON.parse(item.body);
    } catch {
      await options.onInvalid(item.body, 'not JSON');
      return;
    }
    const parsed = options.schema.safeParse(body);
    if (!parsed.success) {
      logger.error('Message breaks the queue contract; dead-lettered', { messageId: item.messageId });
      await options.onInvalid(item.body, parsed.error.message);
      return;
    }
    const log = logger.createChild({
      persistentKeys: { messageId: item.messageId, ...definedOnly(options.correlation(parsed.data)) },
    });
    try {
      const outcome = await options.handle(parsed.data, item, log);
      log.info('Message handled', { outcome: outcome as Record<string, unknown> });
    } catch (error) {
      const receives = Number(item.attributes.ApproximateReceiveCount ?? '1');
      log.error('Message failed; SQS will redeliver it', { error: error as Error, receives });
      if (receives >= options.maxReceives) {
        await options.onLastReceive(parsed.data, error as Error).catch((hookError: unknown) => {
          log.error('Could not record the final failure', { error: hookError as Error });
        });
      }
      throw error;
    }
  };
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async (event, context) => processPartialResponse(event, record, processor, { context }));
}

function definedOnly(keys: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(keys).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
