/** GET /v1/manifests/{manifestId}, …/shipments and GET /v1/shipments/{shipmentNumber}. */
import { borderDeps } from '../../lib/adapters/aws-clients.ts';
import { loadConfig } from '../../lib/config.ts';
import { listAlerts, manifestTvinnDrafts, transitView } from '../../lib/domain/border-queries.ts';
import { systemClock } from '../../lib/domain/ids.ts';
import {
  getManifestView,
  getShipmentDetail,
  listManifestShipments,
  ShipmentListQuery,
} from '../../lib/domain/queries.ts';
import { tvinnCsv } from '../../lib/domain/tvinn.ts';
import { jsonResponse, parseOrThrow } from '../../lib/http/problem.ts';
import { httpHandler } from './middleware.ts';

const { intake, store: border } = borderDeps(loadConfig());
const { repository } = intake;

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
  'GET /v1/alerts': async (request) =>
    jsonResponse(200, await listAlerts(border, request.partnerId(), systemClock.now())),
  'GET /v1/manifests/{manifestId}/tvinn-declarations': async (request) => {
    const result = await manifestTvinnDrafts(
      border,
      repository,
      request.partnerId(),
      request.pathParameters.manifestId ?? '',
    );
    const csv = request.query.format === 'csv' || (request.header('accept') ?? '').includes('text/csv');
    return csv
      ? {
          statusCode: 200,
          headers: {
            'content-type': 'text/csv; charset=utf-8',
            'content-disposition': `attachment; filename="tvinn-${result.manifestId}.csv"`,
          },
          body: tvinnCsv(result.declarations),
        }
      : jsonResponse(200, result);
  },
  'GET /v1/transits/{mrn}': async (request) =>
    jsonResponse(200, await transitView(border, request.partnerId(), request.pathParameters.mrn ?? '')),
  'GET /v1/shipments/{shipmentNumber}': async (request) =>
    jsonResponse(
      200,
      await getShipmentDetail(repository, request.partnerId(), request.pathParameters.shipmentNumber ?? ''),
    ),
});
