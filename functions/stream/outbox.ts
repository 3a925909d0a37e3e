/**
 * DynamoDB stream consumer: hands the outbox items the table just got (the event source mapping's
 * filter passes only INSERTs of outbox items) to the notification queue within seconds of the
 * change. A failure fails the batch: Lambda retries it (bisecting), then records it on the
 * on-failure destination; the item stays in the outbox and the schedule hands it over instead.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBStreamEvent } from 'aws-lambda';
import { outboxKeysOf } from '../../lib/adapters/dynamodb/outbox.ts';
import { outboxStreamDeps } from '../../lib/compose/outbox-stream.ts';
import { loadConfig } from '../../lib/config.ts';
import { type HandOver, handOver } from '../../lib/domain/outbox.ts';
import { logger, metrics } from '../observability.ts';

const deps = outboxStreamDeps(loadConfig());

export const handler = middy<DynamoDBStreamEvent, HandOver, Error, Context>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .handler(async (event) => {
    const keys = outboxKeysOf(event.Records);
    // Items the schedule already handed over are gone: reading them back skips those.
    const result = await handOver(deps.handOver, await deps.outbox.current(keys));
    logger.info('Outbox items handed over', { records: event.Records.length, ...result });
    return result;
  });
