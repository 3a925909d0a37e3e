/**
 * SQS implementation of the ReportQueue port: SendMessageBatch (10 entries), failed entries retried.
 */
import { SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ReportQueue } from '../../domain/ports.ts';
import { ReportMessage } from '../../domain/report-message.ts';

const BATCH_LIMIT = 10;
const MAX_ATTEMPTS = 6;

export class SqsReportQueue implements ReportQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly retryBaseMs = 50,
  ) {}

  async send(messages: ReportMessage[], delaySeconds = 0): Promise<void> {
    for (let start = 0; start < messages.length; start += BATCH_LIMIT) {
      let entries = messages.slice(start, start + BATCH_LIMIT).map((message, index) => ({
        Id: `m${index}`,
        // Validated on the way out as on the way in: the queue only ever carries the contract.
        MessageBody: JSON.stringify(ReportMessage.parse(message)),
        ...(delaySeconds > 0 ? { DelaySeconds: delaySeconds } : {}),
        MessageAttributes: { contract: { DataType: 'String', StringValue: `report-message/v${message.v}` } },
      }));
      for (let attempt = 1; entries.length > 0; attempt++) {
        if (attempt > MAX_ATTEMPTS) {
          throw new Error(
            `SendMessageBatch failed for ${entries.length} message(s) after ${MAX_ATTEMPTS} attempts`,
          );
        }
        if (attempt > 1) {
          await new Promise((r) => setTimeout(r, Math.random() * this.retryBaseMs * 2 ** (attempt - 1)));
        }
        const result = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
        );
        const failed = new Set((result.Failed ?? []).map((failure) => failure.Id));
        entries = entries.filter((entry) => failed.has(entry.Id));
      }
    }
  }
}
