/** The reporter's dead-letter queue, written to directly when every attempt has failed. */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetters } from '../../domain/ports.ts';
import { ReportMessage } from '../../domain/report-message.ts';

export class SqsDeadLetters implements DeadLetters {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async send(message: ReportMessage, reason: string): Promise<void> {
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        // The same contract as the main queue, so a redrive puts it straight back to work.
        MessageBody: JSON.stringify(ReportMessage.parse({ ...message, attempt: 0, poll: undefined })),
        MessageAttributes: {
          contract: { DataType: 'String', StringValue: `report-message/v${message.v}` },
          reason: { DataType: 'String', StringValue: reason.slice(0, 1000) },
        },
      }),
    );
  }
}
