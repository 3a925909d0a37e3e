/**
 * The one wrapper for scheduled (EventBridge) functions: logger context and a summary log line.
 * Errors propagate so EventBridge retries and the error metric/alarm see them.
 */
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context, EventBridgeEvent } from 'aws-lambda';

import { logger, metrics } from '../observability.ts';

export { logger };

export function scheduledHandler<T>(run: () => Promise<T>) {
  return middy<EventBridgeEvent<string, unknown>, T, Error, Context>()
    .use(logMetrics(metrics))
    .before(async (request) => {
      logger.addContext(request.context);
    })
    .handler(async () => {
      const result = await run();
      logger.info('Scheduled run finished', { result: result as Record<string, unknown> });
      return result;
    });
}
