/**
 * The local S3 front (local/runtime/s3-front.ts) against fauxqs: a PUT larger than fauxqs takes in
 * one request is stored whole, byte for byte, with its headers, as a multipart upload; smaller
 * PUTs, reads and the SDK's own calls pass through unchanged.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { localS3Client } from '../../local/runtime/aws.ts';
import {
  DIRECT_PUT_LIMIT_BYTES,
  PART_BYTES,
  type S3Front,
  startS3Front,
} from '../../local/runtime/s3-front.ts';

const bucket = `front-${randomUUID().slice(0, 8)}`;
const fauxqs = () => localS3Client(inject('sqsEndpoint'));
let front: S3Front;
let direct: ReturnType<typeof localS3Client>;
let viaFront: ReturnType<typeof localS3Client>;

beforeAll(async () => {
  direct = fauxqs();
  await direct.send(new CreateBucketCommand({ Bucket: bucket }));
  front = await startS3Front({ upstream: inject('sqsEndpoint'), client: direct });
  viaFront = localS3Client(front.url);
});

afterAll(async () => {
  viaFront?.destroy();
  await front?.close();
  direct?.destroy();
});

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const presignedPut = (key: string, contentEncoding?: string) =>
  getSignedUrl(
    viaFront,
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      ...(contentEncoding ? { ContentEncoding: contentEncoding } : {}),
    }),
    { expiresIn: 900 },
  );

async function stored(key: string) {
  const object = await direct.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return { bytes: await object.Body?.transformToByteArray(), encoding: object.ContentEncoding };
}

describe('the local S3 front', () => {
  it('stores a plain presigned PUT of 2.5 parts (over fauxqs’s 11 MiB) whole, in order, with its Content-Encoding', async () => {
    // Random bytes: a lost, repeated or reordered part changes the digest.
    const body = randomBytes(PART_BYTES * 2 + PART_BYTES / 2);
    expect(body.length).toBeGreaterThan(11 * 1024 * 1024);
    const key = 'uploads/big.csv.gz';
    const answer = await fetch(await presignedPut(key, 'gzip'), {
      method: 'PUT',
      body,
      headers: { 'content-encoding': 'gzip' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('etag')).toBeTruthy();
    const object = await stored(key);
    expect(object.bytes?.length).toBe(body.length);
    expect(sha256(object.bytes ?? new Uint8Array())).toBe(sha256(body));
    expect(object.encoding).toBe('gzip');
    // Reads through the front stream fauxqs's answer back unchanged.
    const head = await viaFront.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    expect(head.ContentLength).toBe(body.length);
  });

  it('passes a PUT within fauxqs’s limit straight through, and a read of it', async () => {
    const body = randomBytes(DIRECT_PUT_LIMIT_BYTES - 1);
    const key = 'uploads/small.csv';
    const answer = await fetch(await presignedPut(key), { method: 'PUT', body });
    expect(answer.status).toBe(200);
    const read = await viaFront.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    expect(sha256((await read.Body?.transformToByteArray()) ?? new Uint8Array())).toBe(sha256(body));
  });

  it('answers S3’s error when a large PUT names a bucket that does not exist', async () => {
    const answer = await fetch(`${front.url}/no-such-bucket-${randomUUID().slice(0, 8)}/x`, {
      method: 'PUT',
      body: randomBytes(DIRECT_PUT_LIMIT_BYTES + 1),
    });
    expect(answer.status).toBe(404);
    expect(await answer.text()).toContain('<Code>NoSuchBucket</Code>');
  });
});
