/**
 * The AWS profile's latency with no service time: an HTTP endpoint that answers DynamoDB's and
 * SQS's JSON protocol at once with the smallest valid success (nothing is stored), put behind one
 * latency proxy so that each request costs exactly its figure in bench/aws-latency.ts.
 *
 * Why: under the AWS profile the emulators' own service time comes on top of the table's latency,
 * and DynamoDB Local's is not small. It runs transactions one at a time at about 0.6 ms per item
 * (any item size, with or without a condition, 10 to 100 items per transaction), so the 10,000-
 * shipment intake's 20,000 items in transactions and batches cost it ~10 s of serial work that
 * DynamoDB, which spreads them over partitions, does not do. The table's latencies already are the
 * whole round trip as a Lambda sees it. Sending the floor's exact requests here gives the intake's
 * I/O critical path on AWS: the same requests, the same order and the same concurrency.
 *
 * Bench only: the figures name it. It answers only the operations the floor sends; anything else
 * is a 400, so a floor that grew a new kind of request fails loudly instead of being timed as free.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dynamoDbOperation, sqsOperation, startLatencyProxy } from './latency-proxy.ts';

/** The answers: a success with nothing left over (the floor checks UnprocessedItems and Failed). */
function answerFor(target: string, body: string): unknown {
  switch (target) {
    case 'DynamoDB_20120810.BatchWriteItem':
      return { UnprocessedItems: {} };
    case 'DynamoDB_20120810.TransactWriteItems':
    case 'DynamoDB_20120810.PutItem':
    case 'DynamoDB_20120810.UpdateItem':
    case 'DynamoDB_20120810.DeleteItem':
      return {};
    case 'AmazonSQS.SendMessageBatch': {
      const { Entries = [] } = JSON.parse(body) as { Entries?: Array<{ Id: string }> };
      return {
        Successful: Entries.map(({ Id }, index) => ({ Id, MessageId: `latency-only-${index}` })),
        Failed: [],
      };
    }
    default:
      return undefined;
  }
}

export interface LatencyOnlyEndpoint {
  /** DynamoDB's and SQS's endpoint, behind the latency proxy (give the SQS client `md5: false`: no message is really stored). */
  endpoint: string;
  close(): Promise<void>;
}

export async function startLatencyOnlyEndpoint(): Promise<LatencyOnlyEndpoint> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const answer = answerFor(target, Buffer.concat(chunks).toString('utf8'));
      if (answer === undefined) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'UnknownOperationException', message: `latency-only: ${target}` }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const upstream = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Both protocols name their operation in X-Amz-Target, so one proxy tells them apart.
  const proxy = await startLatencyProxy({
    upstream,
    recognise: (facts) => sqsOperation(facts) ?? dynamoDbOperation(facts),
  });
  return {
    endpoint: proxy.url,
    close: async () => {
      await proxy.close();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
