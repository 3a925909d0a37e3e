/**
 * The outbox stream consumer: the outbox (to read the items the stream names and remove them),
 * the webhook list and the notification queue.
 */
import { DynamoOutbox } from '../adapters/dynamodb/outbox.ts';
import { DynamoWebhookStore } from '../adapters/dynamodb/webhook-store.ts';
import { SqsNotificationQueue } from '../adapters/sqs/notification-queue.ts';
import type { Config } from '../config.ts';
import { ENV } from '../deployment.ts';
import type { OutboxDeps } from '../domain/outbox.ts';
import { required, sqsClient, table } from './aws.ts';

export function outboxStreamDeps(config: Config): {
  outbox: DynamoOutbox;
  handOver: Omit<OutboxDeps, 'settings' | 'clock'>;
} {
  const shared = table(config);
  const outbox = new DynamoOutbox(shared);
  return {
    outbox,
    handOver: {
      outbox,
      webhooks: new DynamoWebhookStore(shared),
      queue: new SqsNotificationQueue(
        sqsClient(config),
        required(config.NOTIFICATION_QUEUE_URL, ENV.notificationQueueUrl),
        required(config.NOTIFICATION_DLQ_URL, ENV.notificationDlqUrl),
      ),
    },
  };
}
