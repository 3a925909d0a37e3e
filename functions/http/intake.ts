/** POST /v1/manifests and POST /v1/manifests/{manifestId}/shipments. */
import { intakeDeps } from '../../lib/adapters/aws-clients.ts';
import { loadConfig } from '../../lib/config.ts';
import { addShipments, submitManifest } from '../../lib/domain/intake.ts';
import { jsonResponse, parseOrThrow } from '../../lib/http/problem.ts';
import { AddShipmentsRequest, ManifestRequest } from '../../lib/manifest/schema.ts';
import { count, METRIC } from '../observability.ts';
import { httpHandler, logger } from './middleware.ts';

const deps = intakeDeps(loadConfig());

export const handler = httpHandler({
  'POST /v1/manifests': async (request) => {
    const partnerId = request.partnerId();
    const manifest = parseOrThrow(ManifestRequest, request.json());
    const result = await submitManifest(deps, partnerId, manifest);
    if (result.httpStatus === 202) count(METRIC.shipmentsRejected, result.body.counts.REJECTED ?? 0);
    logger.info('Manifest accepted', { manifestId: result.body.manifestId, counts: result.body.counts });
    return jsonResponse(result.httpStatus, result.body, {
      location: `/v1/manifests/${result.body.manifestId}`,
    });
  },
  'POST /v1/manifests/{manifestId}/shipments': async (request) => {
    const partnerId = request.partnerId();
    const { shipments } = parseOrThrow(AddShipmentsRequest, request.json());
    const result = await addShipments(deps, partnerId, request.pathParameters.manifestId ?? '', shipments);
    if (result.httpStatus === 202) count(METRIC.shipmentsRejected, result.body.counts.REJECTED ?? 0);
    logger.info('Shipments added', { manifestId: result.body.manifestId, counts: result.body.counts });
    return jsonResponse(result.httpStatus, result.body);
  },
});
