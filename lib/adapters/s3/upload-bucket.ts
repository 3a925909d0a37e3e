/**
 * The upload bucket (S3): presigned PUT URLs for partners' files, and the files streamed back to the
 * processor (GetObject's body piped through gunzip for gzip uploads, then the format's reader), so a
 * 200 MB file is read a few chunks at a time.
 */
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import {
  type ManifestHead,
  type UploadChunk,
  type UploadFiles,
  type UploadRecord,
  type UploadUrls,
  uploadObjectKey,
} from '../../domain/uploads.ts';
import { LIMITS } from '../../manifest/schema.ts';
import { readUploadCsv, readUploadJson } from '../../manifest/upload-readers.ts';

export class S3UploadBucket implements UploadFiles, UploadUrls {
  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {}

  presignPut(
    upload: Pick<UploadRecord, 'partnerId' | 'uploadId' | 'contentEncoding'>,
    expiresInSeconds: number,
  ): Promise<string> {
    return getSignedUrl(
      this.client,
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: uploadObjectKey(upload.partnerId, upload.uploadId),
        ...(upload.contentEncoding ? { ContentEncoding: upload.contentEncoding } : {}),
      }),
      { expiresIn: expiresInSeconds },
    );
  }

  async *read(
    upload: Pick<UploadRecord, 'partnerId' | 'uploadId' | 'format' | 'contentEncoding'>,
    chunkSize: number,
  ): AsyncGenerator<UploadChunk, ManifestHead | undefined> {
    const object = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: uploadObjectKey(upload.partnerId, upload.uploadId) }),
    );
    if ((object.ContentLength ?? 0) > LIMITS.uploadBytes) {
      object.Body?.transformToWebStream().cancel();
      yield {
        shipments: [],
        errors: [
          {
            code: 'too_big',
            message: `the file has ${object.ContentLength} bytes; at most ${LIMITS.uploadBytes} are accepted`,
          },
        ],
        shipmentsRead: 0,
      };
      return undefined;
    }
    const body = object.Body as Readable | undefined;
    if (!body) throw new Error(`Upload ${upload.uploadId}: the object has no body`);
    // gzip: as the upload request said, or as S3 recorded the PUT's Content-Encoding.
    const gzip = upload.contentEncoding === 'gzip' || object.ContentEncoding === 'gzip';
    const bytes: AsyncIterable<Uint8Array> = gzip ? body.pipe(createGunzip()) : body;
    try {
      return yield* upload.format === 'csv'
        ? readUploadCsv(bytes, chunkSize)
        : readUploadJson(bytes, chunkSize);
    } finally {
      body.destroy();
    }
  }
}

/** For tests and the local runtime: the same bytes as a readable stream. */
export const streamOf = (bytes: Uint8Array): Readable => Readable.from([bytes]);
