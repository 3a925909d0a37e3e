import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_IO_CONCURRENCY } from '../../concurrency.ts';
import { NotificationMessage, type NotificationQueue } from '../../domain/webhooks.ts';
import { sendInBatches } from './send-batches.ts';

export class SqsNotificationQueue implements NotificationQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly deadLetterUrl: string,
    private readonly concurrency = DEFAULT_IO_CONCURRENCY,
    private readonly retryBaseMs = 50,
  ) {}

  async send(messages: NotificationMessage[], delaySeconds = 0): Promise<void> {
    const entries = messages.map((message) => ({
      MessageBody: JSON.stringify(NotificationMessage.parse(message)),
      ...(delaySeconds > 0 ? { DelaySeconds: delaySeconds } : {}),
    }));
    await sendInBatches(this.client, this.queueUrl, entries, {
      retryBaseMs: this.retryBaseMs,
      concurrency: this.concurrency,
      what: 'notification(s)',
    });
  }

  async deadLetter(message: NotificationMessage, reason: string): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.deadLetterUrl,
        // Attempts start again when an operator redrives it.
        MessageBody: JSON.stringify({ ...message, attempt: 0 }),
        MessageAttributes: { reason: { DataType: 'String', StringValue: reason.slice(0, 1000) } },
      }),
    );
  }
}
