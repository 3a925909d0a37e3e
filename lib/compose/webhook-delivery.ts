/** The webhook deliverer: delivery receipts, the notification queue (retries, dead letters), guarded HTTP. */
import { DynamoWebhookStore } from '../adapters/dynamodb/webhook-store.ts';
import { SqsNotificationQueue } from '../adapters/sqs/notification-queue.ts';
import { deadLetterRaw } from '../adapters/sqs/raw-dead-letter.ts';
import { systemResolver, webhookPoster } from '../adapters/webhooks/http.ts';
import type { Config } from '../config.ts';
import { ENV, FUNCTION_TIMEOUT_SECONDS } from '../deployment.ts';
import { systemClock } from '../domain/ids.ts';
import type { DeliveryDeps } from '../domain/webhooks.ts';
import { required, sqsClient, table } from './aws.ts';

export function webhookDeliveryDeps(config: Config): {
  delivery: DeliveryDeps;
  /** Dead-letters a message body that breaks the queue's contract, as received. */
  deadLetterInvalid(body: string, reason: string): Promise<void>;
} {
  const sqs = sqsClient(config);
  const deadLetterUrl = required(config.NOTIFICATION_DLQ_URL, ENV.notificationDlqUrl);
  const targets = { allowLoopback: config.WEBHOOK_ALLOW_INSECURE_LOCALHOST === 'true' };
  return {
    delivery: {
      deliveries: new DynamoWebhookStore(table(config)),
      queue: new SqsNotificationQueue(
        sqs,
        required(config.NOTIFICATION_QUEUE_URL, ENV.notificationQueueUrl),
        deadLetterUrl,
      ),
      post: webhookPoster(targets),
      resolve: systemResolver,
      clock: systemClock,
      settings: {
        ...targets,
        // A claimed delivery is held longer than the function holding it can run.
        leaseSeconds: FUNCTION_TIMEOUT_SECONDS.webhooks,
        maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
        baseDelaySeconds: config.WEBHOOK_BASE_DELAY_SECONDS,
      },
    },
    deadLetterInvalid: (body, reason) => deadLetterRaw(sqs, deadLetterUrl, body, reason),
  };
}
