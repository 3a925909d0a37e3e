/**
 * The changes function (amend, withdraw, transport updates, webhook registration): the change
 * store and the report queue, and the webhook registry. It never delivers, so it has no
 * notification queue.
 */
import { DynamoChangeStore } from '../adapters/dynamodb/change-store.ts';
import { DynamoWebhookStore } from '../adapters/dynamodb/webhook-store.ts';
import { SqsReportQueue } from '../adapters/sqs/report-queue.ts';
import { systemResolver } from '../adapters/webhooks/http.ts';
import type { Config } from '../config.ts';
import type { ChangeDeps } from '../domain/amend.ts';
import { systemClock, timeOrderedIds } from '../domain/ids.ts';
import type { RegistrationDeps } from '../domain/webhooks.ts';
import { sqsClient, table } from './aws.ts';

export function changesDeps(config: Config): { changes: ChangeDeps; webhooks: RegistrationDeps } {
  const shared = table(config);
  return {
    changes: {
      store: new DynamoChangeStore(shared, systemClock),
      queue: new SqsReportQueue(sqsClient(config), config.REPORT_QUEUE_URL, undefined, config.IO_CONCURRENCY),
      clock: systemClock,
    },
    webhooks: {
      webhooks: new DynamoWebhookStore(shared),
      clock: systemClock,
      ids: timeOrderedIds(systemClock),
      resolve: systemResolver,
      settings: { allowLoopback: config.WEBHOOK_ALLOW_INSECURE_LOCALHOST === 'true' },
    },
  };
}
