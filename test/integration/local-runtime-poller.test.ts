/**
 * The SQS poller on its own: a fake invoker answering like a function, a real fauxqs queue.
 */
import { GetQueueAttributesCommand, SendMessageBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localSqsClient } from '../../local/runtime/aws.ts';
import type { InvokeOutcome } from '../../local/runtime/lambda-host.ts';
import { type BatchReport, SqsPoller } from '../../local/runtime/sqs-poller.ts';
import { createTestQueue } from './support/resources.ts';

let sqs: SQSClient;
beforeAll(() => {
  sqs = localSqsClient(inject('sqsEndpoint'));
});
afterAll(() => sqs?.destroy());

const ok = (result: unknown): InvokeOutcome => ({
  status: 'ok',
  requestId: 'r',
  payload: JSON.stringify(result),
});

/** Sends the bodies, runs one poller until the first batch report, and returns what happened. */
async function oneBatch(
  bodies: string[],
  answer: (event: SQSEvent) => InvokeOutcome,
  reportBatchItemFailures = true,
): Promise<{ report: BatchReport; event: SQSEvent; remaining: number }> {
  const queue = await createTestQueue(inject('sqsEndpoint'), { visibilityTimeoutSeconds: 60 });
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queue.queueUrl,
      Entries: bodies.map((body, i) => ({ Id: String(i), MessageBody: body })),
    }),
  );
  let seen: SQSEvent | undefined;
  const reported = new Promise<BatchReport>((resolve) => {
    const poller = new SqsPoller(
      sqs,
      {
        logicalId: 'Test',
        functionLogicalId: 'Fn',
        queueUrl: queue.queueUrl,
        queueArn: queue.queueArn,
        batchSize: 10,
        maximumBatchingWindowSeconds: 1,
        reportBatchItemFailures,
        maximumConcurrency: 1,
      },
      async (event) => {
        seen = event;
        return answer(event);
      },
      {
        onBatch: (report) => {
          void poller.stop().then(() => resolve(report));
        },
      },
    );
    poller.start();
  });
  const report = await reported;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queue.queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  if (!seen) throw new Error('the invoker was never called');
  const remaining =
    Number(Attributes?.ApproximateNumberOfMessages) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible);
  return { report, event: seen, remaining };
}

const idOf = (event: SQSEvent, body: string) =>
  event.Records.find((record) => record.body === body)?.messageId;

describe('SQS poller', () => {
  it('deletes every message of a successful batch', async () => {
    const { report, event, remaining } = await oneBatch(['a', 'b', 'c'], () => ok(null));
    expect(event.Records.map((record) => record.body).sort()).toEqual(['a', 'b', 'c']);
    expect(report).toEqual({ received: 3, deleted: 3, failed: 0 });
    expect(remaining).toBe(0);
  });

  it('keeps exactly the reported batch item failures', async () => {
    const { report, remaining } = await oneBatch(['a', 'b', 'c'], (event) =>
      ok({ batchItemFailures: [{ itemIdentifier: idOf(event, 'b') }] }),
    );
    expect(report).toEqual({ received: 3, deleted: 2, failed: 1 });
    expect(remaining).toBe(1);
  });

  it('fails the whole batch on an unknown item identifier, as Lambda does', async () => {
    const { report, remaining } = await oneBatch(['a', 'b'], () =>
      ok({ batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] }),
    );
    expect(report).toMatchObject({ received: 2, deleted: 0, failed: 2 });
    expect(remaining).toBe(2);
  });

  it('deletes nothing when the function fails', async () => {
    const { report, remaining } = await oneBatch(['a', 'b'], () => ({
      status: 'error',
      requestId: 'r',
      error: { errorType: 'Error', errorMessage: 'boom' },
    }));
    expect(report).toEqual({ received: 2, deleted: 0, failed: 2, functionError: 'Error: boom' });
    expect(remaining).toBe(2);
  });

  it('ignores batchItemFailures unless ReportBatchItemFailures is on', async () => {
    const { report, remaining } = await oneBatch(
      ['a', 'b'],
      (event) => ok({ batchItemFailures: [{ itemIdentifier: idOf(event, 'a') }] }),
      false,
    );
    expect(report).toEqual({ received: 2, deleted: 2, failed: 0 });
    expect(remaining).toBe(0);
  });
});
