/**
 * SQS consumer of the upload bucket's object-created events (S3 → SQS → here): processes the
 * upload the object belongs to (lib/domain/uploads.ts). Near the function's timeout it stops after
 * a chunk and re-queues the upload (a continuation message), so a file of any size completes in
 * several invocations; a crash is redelivered by SQS and resumes from the same checkpoint.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { sqsClient } from '../../lib/compose/aws.ts';
import { uploadDeps } from '../../lib/compose/uploads.ts';
import { loadConfig } from '../../lib/config.ts';
import { FUNCTION_TIMEOUT_SECONDS, QUEUE_MAX_RECEIVES } from '../../lib/deployment.ts';
import { processUpload, uploadOfObjectKey } from '../../lib/domain/uploads.ts';
import { logger, sqsHandler } from './middleware.ts';

const config = loadConfig();
const deps = uploadDeps(config);
const sqs = sqsClient(config);

/** Stop this long before the timeout (a chunk takes well under a second; this leaves margin). */
const PAUSE_MARGIN_MS = 120_000;

const UploadMessage = z.union([
  /** S3 event notification (s3:ObjectCreated:*). */
  z.object({
    Records: z.array(
      z.object({
        eventName: z.string(),
        s3: z.object({ bucket: z.object({ name: z.string() }), object: z.object({ key: z.string() }) }),
      }),
    ),
  }),
  /** S3 sends it when the notification is configured. */
  z.object({ Event: z.literal('s3:TestEvent') }),
  /** Our own continuation of a paused upload. */
  z.object({ continueUpload: z.object({ partnerId: z.string(), uploadId: z.string() }) }),
]);
type UploadMessage = z.infer<typeof UploadMessage>;

const uploadsOf = (message: UploadMessage) =>
  'Records' in message
    ? message.Records.filter((r) => r.eventName.startsWith('ObjectCreated')).flatMap((r) => {
        const upload = uploadOfObjectKey(r.s3.object.key);
        return upload ? [upload] : [];
      })
    : 'continueUpload' in message
      ? [message.continueUpload]
      : [];

export const handler = sqsHandler({
  schema: UploadMessage,
  handle: async (message) => {
    const started = Date.now();
    const budget = FUNCTION_TIMEOUT_SECONDS.uploadProcessor * 1000 - PAUSE_MARGIN_MS;
    const results = [];
    for (const upload of uploadsOf(message)) {
      const result = await processUpload(deps, upload.partnerId, upload.uploadId, {
        shouldPause: () => Date.now() - started > budget,
      });
      if (result.outcome === 'paused') {
        await sqs.send(
          new SendMessageCommand({
            QueueUrl: config.UPLOAD_QUEUE_URL,
            MessageBody: JSON.stringify({ continueUpload: upload }),
          }),
        );
      }
      results.push({
        uploadId: upload.uploadId,
        outcome: result.outcome,
        ...(result.outcome !== 'unknown'
          ? { status: result.upload.status, shipmentsStored: result.upload.shipmentsStored }
          : {}),
      });
    }
    return { uploads: results };
  },
  correlation: (message) => {
    const [first] = uploadsOf(message);
    return { uploadId: first?.uploadId, partnerId: first?.partnerId };
  },
  onInvalid: async (body, problem) => {
    logger.error('Not an upload event; dropped', { problem, size: body.length });
  },
  onLastReceive: async (message, error) => {
    logger.error('Upload failed on its last receive (to the dead-letter queue; alarmed)', {
      uploads: uploadsOf(message),
      error,
    });
  },
  maxReceives: QUEUE_MAX_RECEIVES.upload,
});
