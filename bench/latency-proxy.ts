/**
 * A latency-injecting HTTP proxy for the benchmark's AWS profile: it sits in front of an emulator
 * (DynamoDB Local, fauxqs for SQS and S3, the Digitoll simulator), recognises the operation of each
 * request, holds the request for that operation's latency (bench/aws-latency.ts) and then forwards
 * it unchanged, streaming both ways. Every request is delayed on its own timer, so N concurrent
 * requests take one latency, not N: the caller's concurrency is what the figures measure.
 *
 * Production code is untouched: the functions and the floor are simply given the proxy as their
 * endpoint. Loopback only; the proxy never talks to anything but its one upstream.
 */
import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LatencyService, latencyOf } from './aws-latency.ts';

/** What the recognisers look at: the request line, headers and, for form-encoded bodies, the body. */
export interface RequestFacts {
  method: string;
  /** Path and query string, as on the request line. */
  url: string;
  headers: IncomingHttpHeaders;
  /** Only for `application/x-www-form-urlencoded` (the SQS query protocol carries `Action=` there). */
  body?: string;
}

export interface Operation {
  service: LatencyService;
  operation: string;
}

const header = (facts: RequestFacts, name: string): string => {
  const value = facts.headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? '';
};

/** `X-Amz-Target: <prefix>.<Operation>` (the AWS JSON protocol), or undefined. */
function targetOperation(facts: RequestFacts, prefix: string): string | undefined {
  const target = header(facts, 'x-amz-target');
  return target.startsWith(`${prefix}.`) ? target.slice(prefix.length + 1) : undefined;
}

const isForm = (facts: RequestFacts) =>
  header(facts, 'content-type').toLowerCase().includes('application/x-www-form-urlencoded');

/** DynamoDB speaks only the JSON protocol: `X-Amz-Target: DynamoDB_20120810.BatchWriteItem`. */
export function dynamoDbOperation(facts: RequestFacts): Operation {
  return { service: 'dynamodb', operation: targetOperation(facts, 'DynamoDB_20120810') ?? 'unknown' };
}

/**
 * SQS: the JSON protocol (`X-Amz-Target: AmazonSQS.SendMessageBatch`, what SDK v3 sends) or the older
 * query protocol (`Action=SendMessageBatch` in the query string or the form-encoded body).
 * Undefined when the request is not SQS.
 */
export function sqsOperation(facts: RequestFacts): Operation | undefined {
  const json = targetOperation(facts, 'AmazonSQS');
  if (json) return { service: 'sqs', operation: json };
  const query = new URLSearchParams(facts.url.split('?')[1] ?? '').get('Action');
  const form =
    isForm(facts) && facts.body !== undefined ? new URLSearchParams(facts.body).get('Action') : null;
  const action = query ?? form;
  return action ? { service: 'sqs', operation: action } : undefined;
}

/**
 * S3's REST API by method and path: path-style `/bucket/key` (what fauxqs and presigned local URLs
 * use) or virtual-hosted `bucket.s3.<host>/key`. Object operations are told apart by the method and
 * the sub-resources the SDK puts in the query (`uploads`, `uploadId`, `partNumber`, `delete`).
 */
export function s3Operation(facts: RequestFacts): Operation {
  const [path = '/', queryString = ''] = facts.url.split('?');
  const query = new URLSearchParams(queryString);
  const hostname = header(facts, 'host').split(':')[0] ?? '';
  const virtualHosted = /^[^.]+\.s3[.-]/.test(hostname);
  const segments = path.split('/').filter(Boolean);
  const hasKey = virtualHosted ? segments.length > 0 : segments.length > 1;
  const method = facts.method.toUpperCase();
  const operation = (() => {
    if (!virtualHosted && segments.length === 0) return method === 'GET' ? 'ListBuckets' : 'unknown';
    if (hasKey) {
      if (method === 'PUT') {
        if (query.has('partNumber') && query.has('uploadId')) return 'UploadPart';
        return facts.headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject';
      }
      if (method === 'GET') return query.has('uploadId') ? 'ListParts' : 'GetObject';
      if (method === 'HEAD') return 'HeadObject';
      if (method === 'DELETE') return query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
      if (method === 'POST') {
        if (query.has('uploads')) return 'CreateMultipartUpload';
        if (query.has('uploadId')) return 'CompleteMultipartUpload';
      }
      return 'unknown';
    }
    if (method === 'PUT') return 'CreateBucket';
    if (method === 'HEAD') return 'HeadBucket';
    if (method === 'DELETE') return 'DeleteBucket';
    if (method === 'POST' && query.has('delete')) return 'DeleteObjects';
    if (method === 'GET') return query.get('list-type') === '2' ? 'ListObjectsV2' : 'ListObjects';
    return 'unknown';
  })();
  return { service: 's3', operation };
}

/** fauxqs serves SQS and S3 (and SNS, STS) on one port: SQS when it says so, else S3's REST API. */
export function fauxqsOperation(facts: RequestFacts): Operation {
  return (
    sqsOperation(facts) ?? (isForm(facts) ? { service: 'sqs', operation: 'unknown' } : s3Operation(facts))
  );
}

/** Every request to the Digitoll simulator (API, token, lookups) costs one round trip. */
export function digitollOperation(): Operation {
  return { service: 'digitoll', operation: 'request' };
}

export interface ProxyStats {
  requests: number;
  /** `service.Operation` → requests. */
  byOperation: Record<string, number>;
  /** The latency the table asked for, summed over requests. */
  injectedMs: number;
  /** How much later than asked the timers fired (a busy event loop): mean and max, ms. */
  lateMs: { mean: number; max: number };
}

export interface LatencyProxy {
  url: string;
  stats(): ProxyStats;
  resetStats(): void;
  close(): Promise<void>;
}

export interface LatencyProxyOptions {
  /** The emulator, e.g. http://127.0.0.1:8000. */
  upstream: string;
  recognise: (facts: RequestFacts) => Operation;
  /** Default: the AWS profile's table. */
  latencyMs?: (operation: Operation) => number;
}

/** Headers that describe one connection, not the request (RFC 9110 §7.6.1), and `expect` (answered here). */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
  'expect',
]);

/** SQS query-protocol bodies are small (≤ 1 MiB); anything bigger is not one and is streamed. */
const MAX_INSPECTED_BODY_BYTES = 2 * 1024 * 1024;

export async function startLatencyProxy(options: LatencyProxyOptions): Promise<LatencyProxy> {
  const upstream = new URL(options.upstream);
  const basePath = upstream.pathname.replace(/\/$/, '');
  const latencyMs = options.latencyMs ?? ((op: Operation) => latencyOf(op.service, op.operation));
  // Kept-alive connections to the emulator, as the SDK keeps them to AWS; no socket cap, so the
  // proxy never queues what the caller sent in parallel.
  const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  let stats = emptyStats();
  let lateSum = 0;

  const server = createServer((req, res) => {
    const facts: RequestFacts = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers };
    const length = Number(req.headers['content-length'] ?? Number.NaN);
    const inspect = isForm(facts) && !(length > MAX_INSPECTED_BODY_BYTES);
    const chunks: Buffer[] = [];

    const forward = () => {
      const operation = options.recognise(facts);
      const key = `${operation.service}.${operation.operation}`;
      const ms = Math.max(0, latencyMs(operation));
      stats.requests++;
      stats.byOperation[key] = (stats.byOperation[key] ?? 0) + 1;
      stats.injectedMs += ms;
      const asked = performance.now();
      setTimeout(() => {
        const late = Math.max(0, performance.now() - asked - ms);
        lateSum += late;
        stats.lateMs.max = Math.max(stats.lateMs.max, late);
        stats.lateMs.mean = lateSum / stats.requests;
        send();
      }, ms);
    };

    const send = () => {
      const headers: IncomingHttpHeaders = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (!HOP_BY_HOP.has(name)) headers[name] = value;
      }
      const out = httpRequest(
        {
          protocol: upstream.protocol,
          hostname: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: `${basePath}${req.url ?? '/'}`,
          // The Host header is passed on as the client sent it: SigV4 signs it, and S3's
          // virtual-hosted style reads the bucket from it.
          headers,
          agent,
        },
        (answer) => {
          const answerHeaders: IncomingHttpHeaders = {};
          for (const [name, value] of Object.entries(answer.headers)) {
            if (!HOP_BY_HOP.has(name)) answerHeaders[name] = value;
          }
          res.writeHead(answer.statusCode ?? 502, answerHeaders);
          answer.pipe(res);
          answer.on('error', () => res.destroy());
        },
      );
      out.on('error', (error) => {
        if (res.headersSent) res.destroy(error);
        else res.writeHead(502, { 'content-type': 'text/plain' }).end(`latency proxy: ${error.message}`);
      });
      res.on('close', () => {
        if (!res.writableFinished) out.destroy();
      });
      if (inspect) out.end(Buffer.concat(chunks));
      else req.pipe(out);
    };

    if (inspect) {
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        facts.body = Buffer.concat(chunks).toString('utf8');
        forward();
      });
    } else {
      // The body stays in the socket (back-pressure) until the delay is over, then streams through.
      forward();
    }
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => structuredClone(stats),
    resetStats: () => {
      stats = emptyStats();
      lateSum = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

function emptyStats(): ProxyStats {
  return { requests: 0, byOperation: {}, injectedMs: 0, lateMs: { mean: 0, max: 0 } };
}
