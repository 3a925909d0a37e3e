/**
 * The S3 endpoint the local functions (and so their presigned URLs) use: a pass-through to fauxqs's
 * S3 that stores one large PUT as a multipart upload.
 *
 * Why: fauxqs accepts at most 11 MiB in one request (its HTTP server's body limit, fixed in
 * fauxqs), while S3 takes 5 GB in one PUT and the upload API promises a presigned PUT of up to
 * 200 MB (`LIMITS.uploadBytes`; the processor refuses larger files as S3 stored them). So a plain
 * `curl -T` of a 41 MB CSV failed locally and worked in AWS. Here, a PUT of an object whose body
 * is larger than DIRECT_PUT_LIMIT_BYTES (or of unknown length) is streamed into parts of PART_BYTES
 * (CreateMultipartUpload with the PUT's Content-Type, Content-Encoding and metadata, UploadPart,
 * CompleteMultipartUpload), holding one part at a time; the object and its notification are then
 * what a single PUT would have made, and the answer is S3's (200 with the ETag). Everything else
 * (reads, small PUTs, the SDK's own calls) goes to fauxqs untouched, streamed both ways.
 * Like fauxqs, it does not check signatures or a presigned URL's expiry.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  request,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  type S3Client,
  S3ServiceException,
  UploadPartCommand,
} from '@aws-sdk/client-s3';

/** Bodies up to this go to fauxqs in one request (under its 11 MiB limit, with room for headers). */
export const DIRECT_PUT_LIMIT_BYTES = 10 * 1024 * 1024;
/** Multipart part size: S3's minimum is 5 MiB for every part but the last. */
export const PART_BYTES = 8 * 1024 * 1024;

export interface S3Front {
  url: string;
  close(): Promise<void>;
}

/** An object PUT (not a part, not a copy) addressed path-style: `/bucket/key…`. */
function objectPut(req: IncomingMessage, url: URL): { bucket: string; key: string } | undefined {
  if (req.method !== 'PUT') return undefined;
  if (url.searchParams.has('partNumber') || url.searchParams.has('uploadId')) return undefined;
  if (req.headers['x-amz-copy-source']) return undefined;
  const [, bucket, ...rest] = url.pathname.split('/');
  const key = rest.map(decodeURIComponent).join('/');
  if (!bucket || !key) return undefined;
  return { bucket: decodeURIComponent(bucket), key };
}

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'content-type': 'application/xml' });
  const text = message.replace(/[<>&]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;' })[c] ?? c);
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${text}</Message></Error>`,
  );
}

/** Streams the request body into multipart parts; one part buffered at a time. */
async function putAsMultipart(
  client: S3Client,
  req: IncomingMessage,
  res: ServerResponse,
  target: { bucket: string; key: string },
): Promise<void> {
  const metadata = Object.fromEntries(
    Object.entries(req.headers)
      .filter(([name]) => name.startsWith('x-amz-meta-'))
      .map(([name, value]) => [name.slice('x-amz-meta-'.length), String(value)]),
  );
  const contentType = header(req, 'content-type');
  const contentEncoding = header(req, 'content-encoding');
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({
      Bucket: target.bucket,
      Key: target.key,
      ...(contentType ? { ContentType: contentType } : {}),
      ...(contentEncoding ? { ContentEncoding: contentEncoding } : {}),
      ...(Object.keys(metadata).length ? { Metadata: metadata } : {}),
    }),
  );
  if (!UploadId) throw new Error('CreateMultipartUpload answered no UploadId');
  const parts: Array<{ ETag: string; PartNumber: number }> = [];
  const uploadPart = async (body: Buffer) => {
    const PartNumber = parts.length + 1;
    const { ETag } = await client.send(
      new UploadPartCommand({ Bucket: target.bucket, Key: target.key, UploadId, PartNumber, Body: body }),
    );
    if (!ETag) throw new Error(`UploadPart ${PartNumber} answered no ETag`);
    parts.push({ ETag, PartNumber });
  };
  try {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= PART_BYTES) {
        const all = Buffer.concat(pending);
        await uploadPart(all.subarray(0, PART_BYTES));
        pending = [all.subarray(PART_BYTES)];
        pendingBytes = all.length - PART_BYTES;
      }
    }
    // The last part (any size), or the only one of an empty body.
    if (pendingBytes > 0 || parts.length === 0) await uploadPart(Buffer.concat(pending));
    const { ETag } = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: target.bucket,
        Key: target.key,
        UploadId,
        MultipartUpload: { Parts: parts },
      }),
    );
    res.writeHead(200, ETag ? { etag: ETag } : {});
    res.end();
  } catch (error) {
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId }))
      .catch(() => {});
    throw error;
  }
}

function withoutExpect(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const { expect: _expect, ...rest } = headers;
  return rest;
}

/** Forwards the request to fauxqs as it came (Host rewritten), and its answer back, both streamed. */
function passThrough(upstream: URL, req: IncomingMessage, res: ServerResponse): void {
  const forwarded = request(
    {
      hostname: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.url,
      // The client's `Expect: 100-continue` was this server's to answer (Node does); forwarded,
      // fauxqs's interim answer would leave the forwarded request waiting and the client hanging.
      headers: { ...withoutExpect(req.headers), host: upstream.host },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forwarded.on('error', (error) => s3Error(res, 502, 'BadGateway', error.message));
  req.pipe(forwarded);
}

export async function startS3Front(options: { upstream: string; client: S3Client }): Promise<S3Front> {
  const upstream = new URL(options.upstream);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://front');
    const target = objectPut(req, url);
    const length = Number(header(req, 'content-length') ?? Number.NaN);
    if (target && !(length <= DIRECT_PUT_LIMIT_BYTES)) {
      putAsMultipart(options.client, req, res, target).catch((error: unknown) => {
        // fauxqs's own answer where it gave one (NoSuchBucket 404, …), else S3's InternalError.
        if (error instanceof S3ServiceException) {
          s3Error(res, error.$metadata.httpStatusCode ?? 500, error.name, error.message);
        } else {
          s3Error(res, 500, 'InternalError', error instanceof Error ? error.message : String(error));
        }
      });
      return;
    }
    passThrough(upstream, req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
