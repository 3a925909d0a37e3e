/** POST /v1/manifests and POST /v1/manifests/{manifestId}/shipments. */
import { intakeDeps } from '../../lib/compose/intake.ts';
import { uploadDeps } from '../../lib/compose/uploads.ts';
import { loadConfig } from '../../lib/config.ts';
import { NotFound } from '../../lib/domain/errors.ts';
import { addShipments, countByStatus, submitManifest } from '../../lib/domain/intake.ts';
import type { Intake } from '../../lib/domain/outcomes.ts';
import { createUpload } from '../../lib/domain/uploads.ts';
import { count, METRIC } from '../observability.ts';
import { intakeAnswer, uploadCreatedBody, uploadView } from './answers.ts';
import { httpHandler, logger } from './middleware.ts';

const config = loadConfig();
const deps = intakeDeps(config);
// The upload routes need the bucket; a deployment without it answers them 500 (and says why in the log).
const uploads = config.UPLOAD_BUCKET_NAME ? uploadDeps(config) : undefined;
const uploadsOrThrow = () => {
  if (!uploads) throw new Error('UPLOAD_BUCKET_NAME is not set: bulk uploads are not configured');
  return uploads;
};

export const handler = httpHandler('intake', {
  submitManifest: async ({ partnerId, body }) => {
    const result = await submitManifest(deps, partnerId, body);
    if (result.outcome === 'conflict') return intakeAnswer(result);
    observe('Manifest accepted', result.intake, result.outcome === 'created');
    return {
      ...intakeAnswer(result),
      headers: { location: `/v1/manifests/${result.intake.manifest.manifestId}` },
    };
  },
  addShipments: async ({ partnerId, params, body }) => {
    const result = await addShipments(deps, partnerId, params.manifestId, body.shipments);
    if (result.outcome !== 'conflict') observe('Shipments added', result.intake, result.outcome === 'added');
    return intakeAnswer(result);
  },
  createManifestUpload: async ({ partnerId, body }) => {
    const { reference, format, contentEncoding, transport, transit, masterConsignment } = body;
    const created = await createUpload(uploadsOrThrow(), partnerId, {
      reference,
      format,
      contentEncoding,
      ...(transport
        ? {
            head: {
              transport,
              ...(transit ? { transit } : {}),
              ...(masterConsignment ? { masterConsignment } : {}),
            },
          }
        : {}),
    });
    logger.info('Upload created', { uploadId: created.upload.uploadId, format });
    return {
      status: 201,
      json: uploadCreatedBody(created),
      headers: { location: `/v1/manifest-uploads/${created.upload.uploadId}` },
    };
  },
  getManifestUpload: async ({ partnerId, params }) => {
    const upload = await uploadsOrThrow().uploads.getUpload(partnerId, params.uploadId);
    if (!upload) throw new NotFound('upload', params.uploadId);
    return { status: 200, json: uploadView(upload) };
  },
});

/** Counts rejections once (when the shipments are new) and logs ids and counts, never content. */
function observe(message: string, { manifest, shipments }: Intake, fresh: boolean) {
  const counts = countByStatus(shipments);
  if (fresh) count(METRIC.shipmentsRejected, counts.REJECTED ?? 0);
  logger.info(message, { manifestId: manifest.manifestId, counts });
}
