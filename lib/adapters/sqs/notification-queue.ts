import { SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { NotificationMessage, type NotificationQueue } from '../../domain/webhooks.ts';

export class SqsNotificationQueue implements NotificationQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly deadLetterUrl: string,
  ) {}

  async send(messages: NotificationMessage[], delaySeconds = 0): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      let entries = messages.slice(start, start + 10).map((message, index) => ({
        Id: `n${index}`,
        MessageBody: JSON.stringify(NotificationMessage.parse(message)),
        ...(delaySeconds > 0 ? { DelaySeconds: delaySeconds } : {}),
      }));
      for (let attempt = 0; entries.length > 0; attempt++) {
        if (attempt >= 6) throw new Error(`SendMessageBatch failed for ${entries.length} notification(s)`);
        const result = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
        );
        const failed = new Set((result.Failed ?? []).map((f) => f.Id));
        entries = entries.filter((entry) => failed.has(entry.Id));
      }
    }
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
