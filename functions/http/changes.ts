/** PUT and DELETE /v1/shipments/{shipmentNumber}, PATCH /v1/manifests/{manifestId}/transport. */
import { intakeDeps } from '../../lib/adapters/aws-clients.ts';
import { loadConfig } from '../../lib/config.ts';
import { amendShipment, TransportPatch, updateTransport, withdrawShipment } from '../../lib/domain/amend.ts';
import { shipmentView } from '../../lib/domain/queries.ts';
import { jsonResponse, parseOrThrow } from '../../lib/http/problem.ts';
import { Shipment } from '../../lib/manifest/schema.ts';
import { httpHandler } from './middleware.ts';

const deps = intakeDeps(loadConfig());

export const handler = httpHandler({
  'PUT /v1/shipments/{shipmentNumber}': async (request) => {
    const input = parseOrThrow(Shipment, request.json());
    const result = await amendShipment(
      deps,
      request.partnerId(),
      request.pathParameters.shipmentNumber ?? '',
      input,
    );
    return jsonResponse(result.httpStatus, shipmentView(result.body));
  },
  'DELETE /v1/shipments/{shipmentNumber}': async (request) => {
    const result = await withdrawShipment(
      deps,
      request.partnerId(),
      request.pathParameters.shipmentNumber ?? '',
    );
    return jsonResponse(result.httpStatus, shipmentView(result.body));
  },
  'PATCH /v1/manifests/{manifestId}/transport': async (request) => {
    const patch = parseOrThrow(TransportPatch, request.json());
    const result = await updateTransport(
      deps,
      request.partnerId(),
      request.pathParameters.manifestId ?? '',
      patch,
    );
    return jsonResponse(result.httpStatus, {
      manifestId: result.body.manifestId,
      transport: result.body.transport,
    });
  },
});
