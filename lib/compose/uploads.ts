/** Bulk uploads (the intake function's upload routes and the upload processor): table, bucket, report queue. */
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoIntakeStore } from '../adapters/dynamodb/intake-store.ts';
import { DynamoUploadStore } from '../adapters/dynamodb/upload-store.ts';
import { S3UploadBucket } from '../adapters/s3/upload-bucket.ts';
import { SqsReportQueue } from '../adapters/sqs/report-queue.ts';
import type { Config } from '../config.ts';
import { ENV } from '../deployment.ts';
import { systemClock, timeOrderedIds } from '../domain/ids.ts';
import type { UploadDeps } from '../domain/uploads.ts';
import { required, sqsClient, table } from './aws.ts';

export function s3Client(config: Pick<Config, 'AWS_REGION' | 'AWS_ENDPOINT_URL_S3'>): S3Client {
  return new S3Client({
    region: config.AWS_REGION,
    // The local emulator (fauxqs) serves path-style URLs only.
    ...(config.AWS_ENDPOINT_URL_S3 ? { endpoint: config.AWS_ENDPOINT_URL_S3, forcePathStyle: true } : {}),
    maxAttempts: 5,
  });
}

export function uploadDeps(config: Config): UploadDeps {
  const bucket = new S3UploadBucket(
    s3Client(config),
    required(config.UPLOAD_BUCKET_NAME, ENV.uploadBucketName),
  );
  const tableInstance = table(config);
  return {
    uploads: new DynamoUploadStore(tableInstance),
    files: bucket,
    urls: bucket,
    intake: new DynamoIntakeStore(tableInstance, systemClock),
    queue: new SqsReportQueue(sqsClient(config), config.REPORT_QUEUE_URL),
    clock: systemClock,
    ids: timeOrderedIds(systemClock),
  };
}
