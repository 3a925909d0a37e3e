/** SQS consumer: delivers partner notifications to their webhooks (signed, retried with back-off). */
import { webhookDeps } from '../../lib/adapters/aws-clients.ts';
import { loadConfig } from '../../lib/config.ts';
import { deliver, NotificationMessage } from '../../lib/domain/webhooks.ts';
import { sqsHandler } from './middleware.ts';

const deps = webhookDeps(loadConfig());

export const handler = sqsHandler({
  schema: NotificationMessage,
  handle: async (message) => ({ result: await deliver(deps, message) }),
  correlation: (message) => ({
    notificationId: message.notification.id,
    webhookId: message.webhookId,
    partnerId: message.notification.partnerId,
  }),
  onInvalid: async () => {
    // A broken notification message cannot be delivered; SQS's redrive is not needed to see it: logged above.
  },
  onLastReceive: async (message, error) => deps.queue.deadLetter(message, error.message),
  maxReceives: 5,
});
