/**
 * Lambda's SQS event source mapping: long-polls the queue, hands batches to the function as
 * `aws:sqs` events and deletes what succeeded — everything on success, nothing when the function
 * fails, all but the reported items with ReportBatchItemFailures. Failed messages come back after
 * their visibility timeout, and the queue's redrive policy (fauxqs) moves them to the DLQ.
 */
import {
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { LOCAL_REGION } from './aws.ts';
import type { InvokeOutcome } from './lambda-host.ts';

export interface EventSourceMappingSpec {
  logicalId: string;
  functionLogicalId: string;
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  maximumBatchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  /** Concurrent batches in flight (Lambda's ScalingConfig.MaximumConcurrency). */
  maximumConcurrency: number;
}

export type SqsInvoker = (event: SQSEvent) => Promise<InvokeOutcome>;

export interface BatchReport {
  received: number;
  deleted: number;
  failed: number;
  functionError?: string;
}

export class SqsPoller {
  private running = false;
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private inFlight = 0;

  constructor(
    private readonly sqs: SQSClient,
    readonly spec: EventSourceMappingSpec,
    private readonly invoke: SqsInvoker,
    private readonly options: {
      waitTimeSeconds?: number;
      log?: (message: string) => void;
      onBatch?: (report: BatchReport) => void;
    } = {},
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = Array.from({ length: Math.max(1, this.spec.maximumConcurrency) }, () => this.loop());
  }

  /** True when no batch is being processed. */
  get idle(): boolean {
    return this.inFlight === 0;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        const messages = await this.receiveBatch();
        if (messages.length > 0) await this.processBatch(messages);
      } catch (error) {
        if (!this.running) return;
        this.options.log?.(`poller ${this.spec.logicalId}: ${(error as Error).message}`);
        await sleep(1000);
      }
    }
  }

  /** Up to BatchSize messages, waiting at most the batching window to fill the batch. */
  private async receiveBatch(): Promise<Message[]> {
    const messages: Message[] = [];
    const windowEnds = Date.now() + this.spec.maximumBatchingWindowSeconds * 1000;
    do {
      const remaining = this.spec.batchSize - messages.length;
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.spec.queueUrl,
          MaxNumberOfMessages: Math.min(10, remaining),
          WaitTimeSeconds: messages.length === 0 ? (this.options.waitTimeSeconds ?? 1) : 0,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
        }),
        { abortSignal: this.abort.signal },
      );
      messages.push(...Messages);
      if (Messages.length === 0 && messages.length > 0) {
        await sleep(Math.min(200, Math.max(0, windowEnds - Date.now())));
      }
    } while (this.running && messages.length < this.spec.batchSize && Date.now() < windowEnds);
    return messages;
  }

  private async processBatch(messages: Message[]): Promise<void> {
    this.inFlight++;
    try {
      const event: SQSEvent = { Records: messages.map((message) => toRecord(message, this.spec.queueArn)) };
      const outcome = await this.invoke(event);
      const toDelete = this.succeeded(event.Records, outcome);
      await this.delete(event.Records.filter((record) => toDelete.has(record.messageId)));
      this.options.onBatch?.({
        received: messages.length,
        deleted: toDelete.size,
        failed: messages.length - toDelete.size,
        ...(outcome.status === 'ok' ? {} : { functionError: describe(outcome) }),
      });
    } finally {
      this.inFlight--;
    }
  }

  /** Message ids to delete. An invalid partial-failure answer fails the whole batch, as in Lambda. */
  private succeeded(records: SQSRecord[], outcome: InvokeOutcome): Set<string> {
    const all = new Set(records.map((record) => record.messageId));
    if (outcome.status !== 'ok') return new Set();
    if (!this.spec.reportBatchItemFailures) return all;
    let result: unknown;
    try {
      result = JSON.parse(outcome.payload);
    } catch {
      return all;
    }
    const failures = (result as { batchItemFailures?: unknown } | null)?.batchItemFailures;
    if (failures === undefined || failures === null) return all;
    if (!Array.isArray(failures)) return new Set();
    const failed = new Set<string>();
    for (const failure of failures) {
      const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      if (typeof id !== 'string' || !all.has(id)) return new Set();
      failed.add(id);
    }
    return new Set([...all].filter((id) => !failed.has(id)));
  }

  private async delete(records: SQSRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 10) {
      const chunk = records.slice(i, i + 10);
      const { Failed = [] } = await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.spec.queueUrl,
          Entries: chunk.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
      for (const failure of Failed) {
        this.options.log?.(
          `poller ${this.spec.logicalId}: delete failed: ${failure.Code} ${failure.Message ?? ''}`,
        );
      }
    }
  }
}

/** A received message in the shape Lambda gives an SQS-triggered function. */
export function toRecord(message: Message, queueArn: string): SQSRecord {
  const messageAttributes: SQSRecord['messageAttributes'] = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined
        ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') }
        : {}),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((item) => Buffer.from(item).toString('base64')),
      dataType: value.DataType ?? 'String',
    };
  }
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: { ...(message.Attributes ?? {}) } as SQSRecord['attributes'],
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    ...(message.MD5OfMessageAttributes ? { md5OfMessageAttributes: message.MD5OfMessageAttributes } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: LOCAL_REGION,
  };
}

function describe(outcome: InvokeOutcome): string {
  if (outcome.status === 'error') return `${outcome.error.errorType}: ${outcome.error.errorMessage}`;
  if (outcome.status === 'request-too-large')
    return `batch of ${outcome.bytes} bytes exceeds the payload limit`;
  return '';
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
