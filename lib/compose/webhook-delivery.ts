/** The webhook deliverer: delivery receipts, the notification queue (retries, dead letters), HTTP. */
import { DynamoWebhookStore } from '../adapters/dynamodb/webhook-store.ts';
import { SqsNotificationQueue } from '../adapters/sqs/notification-queue.ts';
import { deadLetterRaw } from '../adapters/sqs/raw-dead-letter.ts';
import type { Config } from '../config.ts';
import { ENV } from '../deployment.ts';
import { systemClock } from '../domain/ids.ts';
import type { DeliveryDeps, Poster } from '../domain/webhooks.ts';
import { required, sqsClient, table } from './aws.ts';

/** POSTs with a 5 s deadline, never following redirects; only the status matters. */
const post: Poster = async (url, body, headers) => {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers,
    signal: AbortSignal.timeout(5_000),
    redirect: 'manual',
  });
  await response.body?.cancel();
  return { status: response.status };
};

export function webhookDeliveryDeps(config: Config): {
  delivery: DeliveryDeps;
  /** Dead-letters a message body that breaks the queue's contract, as received. */
  deadLetterInvalid(body: string, reason: string): Promise<void>;
} {
  const sqs = sqsClient(config);
  const deadLetterUrl = required(config.NOTIFICATION_DLQ_URL, ENV.notificationDlqUrl);
  return {
    delivery: {
      deliveries: new DynamoWebhookStore(table(config)),
      queue: new SqsNotificationQueue(
        sqs,
        required(config.NOTIFICATION_QUEUE_URL, ENV.notificationQueueUrl),
        deadLetterUrl,
      ),
      post,
      clock: systemClock,
      settings: {
        maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
        baseDelaySeconds: config.WEBHOOK_BASE_DELAY_SECONDS,
      },
    },
    deadLetterInvalid: (body, reason) => deadLetterRaw(sqs, deadLetterUrl, body, reason),
  };
}
