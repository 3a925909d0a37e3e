/**
 * SQS implementation of the ReportQueue port: SendMessageBatch (10 entries), a bounded number of
 * batches in flight, failed entries retried (send-batches.ts).
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import { DEFAULT_IO_CONCURRENCY } from '../../concurrency.ts';
import type { ReportQueue } from '../../domain/ports.ts';
import { ReportMessage } from '../../domain/report-message.ts';
import { sendInBatches } from './send-batches.ts';

export class SqsReportQueue implements ReportQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
    private readonly retryBaseMs = 50,
    private readonly concurrency = DEFAULT_IO_CONCURRENCY,
  ) {}

  async send(messages: ReportMessage[], delaySeconds = 0): Promise<void> {
    const entries = messages.map((message) => ({
      // Validated on the way out as on the way in: the queue only ever carries the contract.
      MessageBody: JSON.stringify(ReportMessage.parse(message)),
      ...(delaySeconds > 0 ? { DelaySeconds: delaySeconds } : {}),
      MessageAttributes: { contract: { DataType: 'String', StringValue: `report-message/v${message.v}` } },
    }));
    await sendInBatches(this.client, this.queueUrl, entries, {
      retryBaseMs: this.retryBaseMs,
      concurrency: this.concurrency,
      what: 'message(s)',
    });
  }
}
