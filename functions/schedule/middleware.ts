/**
 * The one wrapper for scheduled (EventBridge) functions: logger context and a summary log line.
 * Errors propagate so EventBridge retries and the error metric/alarm see them.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import middy from '@middy/core';
import type { Context, EventBridgeEvent } from 'aws-lambda';

export const logger = new Logger({ serviceName: 'voec-border' });

export function scheduledHandler<T>(run: () => Promise<T>) {
  return middy<EventBridgeEvent<string, unknown>, T, Error, Context>()
    .before(async (request) => {
      logger.addContext(request.context);
    })
    .handler(async () => {
      const result = await run();
      logger.info('Scheduled run finished', { result: result as Record<string, unknown> });
      return result;
    });
}
