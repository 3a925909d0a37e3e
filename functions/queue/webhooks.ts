/** SQS consumer: delivers partner notifications to their webhooks (signed, retried with back-off). */
import { webhookDeliveryDeps } from '../../lib/compose/webhook-delivery.ts';
import { loadConfig } from '../../lib/config.ts';
import { QUEUE_MAX_RECEIVES } from '../../lib/deployment.ts';
import { deliver, NotificationMessage } from '../../lib/domain/webhooks.ts';
import { sqsHandler } from './middleware.ts';

const { delivery, deadLetterInvalid } = webhookDeliveryDeps(loadConfig());

export const handler = sqsHandler({
  schema: NotificationMessage,
  handle: async (message) => ({ result: await deliver(delivery, message) }),
  correlation: (message) => ({
    notificationId: message.notification.id,
    webhookId: message.webhookId,
    partnerId: message.notification.partnerId,
  }),
  onInvalid: (body, problem) => deadLetterInvalid(body, `invalid message: ${problem}`),
  onLastReceive: async (message, error) => delivery.queue.deadLetter(message, error.message),
  maxReceives: QUEUE_MAX_RECEIVES.notification,
});
