/** GET /v1/manifests/{manifestId}, …/shipments and GET /v1/shipments/{shipmentNumber}. */
import { intakeDeps } from '../../lib/adapters/aws-clients.ts';
import { loadConfig } from '../../lib/config.ts';
import {
  getManifestView,
  getShipmentDetail,
  listManifestShipments,
  ShipmentListQuery,
} from '../../lib/domain/queries.ts';
import { jsonResponse, parseOrThrow } from '../../lib/http/problem.ts';
import { httpHandler } from './middleware.ts';

const { repository } = intakeDeps(loadConfig());

export const handler = httpHandler({
  'GET /v1/manifests/{manifestId}': async (request) =>
    jsonResponse(
      200,
      await getManifestView(repository, request.partnerId(), request.pathParameters.manifestId ?? ''),
    ),
  'GET /v1/manifests/{manifestId}/shipments': async (request) => {
    const query = parseOrThrow(ShipmentListQuery, request.query);
    const page = await listManifestShipments(
      repository,
      request.partnerId(),
      request.pathParameters.manifestId ?? '',
      query,
    );
    return jsonResponse(200, page);
  },
  'GET /v1/shipments/{shipmentNumber}': async (request) =>
    jsonResponse(
      200,
      await getShipmentDetail(repository, request.partnerId(), request.pathParameters.shipmentNumber ?? ''),
    ),
});
