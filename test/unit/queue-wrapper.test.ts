import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { sqsHandler } from '../../functions/queue/middleware.ts';

const record = (messageId: string, body: string, receives = 1): SQSRecord =>
  ({
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: { ApproximateReceiveCount: String(receives) },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-north-1:000000000000:q',
    awsRegion: 'eu-north-1',
  }) as unknown as SQSRecord;

const context = {
  functionName: 'test',
  awsRequestId: 'r',
  getRemainingTimeInMillis: () => 30_000,
} as Context;

describe('the SQS wrapper', () => {
  it('dead-letters what breaks the contract, reports failures per message, and records a last receive', async () => {
    const invalid: string[] = [];
    const last: string[] = [];
    const handled: number[] = [];
    const handler = sqsHandler({
      schema: z.strictObject({ n: z.number() }),
      handle: async (message) => {
        if (message.n < 0) throw new Error(`bad ${message.n}`);
        handled.push(message.n);
        return { ok: true };
      },
      correlation: (message) => ({ n: String(message.n) }),
      onInvalid: async (body) => {
        invalid.push(body);
      },
      onLastReceive: async (message, error) => {
        last.push(`${message.n}: ${error.message}`);
      },
      maxReceives: 3,
    });
    const event: SQSEvent = {
      Records: [
        record('a', '{"n":1}'),
        record('b', 'not json'),
        record('c', '{"n":"two"}'),
        record('d', '{"n":-1}', 1),
        record('e', '{"n":-2}', 3),
      ],
    };
    const result = await handler(event, context);
    expect(handled).toEqual([1]);
    expect(invalid).toEqual(['not json', '{"n":"two"}']);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['d', 'e']);
    expect(last).toEqual(['-2: bad -2']);
  });

  afterEach(() => vi.restoreAllMocks());

  it('logs each record with its own keys, though records are processed in parallel', async () => {
    const lines: Array<Record<string, unknown>> = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      for (const line of String(chunk).split('\n')) if (line.startsWith('{')) lines.push(JSON.parse(line));
      return true;
    });
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handler = sqsHandler({
      schema: z.strictObject({ n: z.number() }),
      // The first record waits until the second has been handled: it logs last, after the other's keys were set.
      handle: async (message) => {
        if (message.n === 1) await slow;
        else release();
        return { n: message.n };
      },
      correlation: (message) => ({ shipmentNumber: `S${message.n}` }),
      onInvalid: async () => {},
      onLastReceive: async () => {},
      maxReceives: 3,
    });
    await handler({ Records: [record('first', '{"n":1}'), record('second', '{"n":2}')] }, context);
    const handled = lines.filter((line) => line.message === 'Message handled');
    expect(
      handled.map((line) => [line.messageId, line.shipmentNumber, (line.outcome as { n: number }).n]),
    ).toEqual([
      ['second', 'S2', 2],
      ['first', 'S1', 1],
    ]);
    // And nothing is left on the shared logger for the next invocation.
    const { logger } = await import('../../functions/observability.ts');
    expect(logger.getPersistentLogAttributes()).not.toHaveProperty('shipmentNumber');
  });
});
