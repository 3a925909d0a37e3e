/** SQS consumer: delivers partner notifications to their webhooks (signed, retried with back-off). */
import { sqsClient, webhookDeps } from '../../lib/adapters/aws-clients.ts';
import { deadLetterRaw } from '../../lib/adapters/sqs/raw-dead-letter.ts';
import { loadConfig } from '../../lib/config.ts';
import { QUEUE_MAX_RECEIVES } from '../../lib/deployment.ts';
import { deliver, NotificationMessage } from '../../lib/domain/webhooks.ts';
import { sqsHandler } from './middleware.ts';

const config = loadConfig();
const deps = webhookDeps(config);

export const handler = sqsHandler({
  schema: NotificationMessage,
  handle: async (message) => ({ result: await deliver(deps, message) }),
  correlation: (message) => ({
    notificationId: message.notification.id,
    webhookId: message.webhookId,
    partnerId: message.notification.partnerId,
  }),
  onInvalid: async (body, problem) => {
    if (!config.NOTIFICATION_DLQ_URL) throw new Error('NOTIFICATION_DLQ_URL is not set');
    await deadLetterRaw(sqsClient(config), config.NOTIFICATION_DLQ_URL, body, `invalid message: ${problem}`);
  },
  onLastReceive: async (message, error) => deps.queue.deadLetter(message, error.message),
  maxReceives: QUEUE_MAX_RECEIVES.notification,
});
