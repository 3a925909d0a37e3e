/**
 * The one wrapper for scheduled (EventBridge) functions: Lambda context on every log line (keys
 * cleared after each run), metrics, and a summary log line. Errors propagate so EventBridge
 * retries and the error metric/alarm see them.
 */
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, EventBridgeEvent } from 'aws-lambda';

import { logger, metrics } from '../observability.ts';

export { logger };

export function scheduledHandler<T>(run: () => Promise<T>) {
  return middy<EventBridgeEvent<string, unknown>, T, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .handler(async () => {
      const result = await run();
      logger.info('Scheduled run finished', { result: result as Record<string, unknown> });
      return result;
    });
}
