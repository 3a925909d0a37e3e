/** PUT and DELETE /v1/shipments/{shipmentNumber}, PATCH /v1/manifests/{manifestId}/transport. */
import { intakeDeps, webhookDeps } from '../../lib/adapters/aws-clients.ts';
import { loadConfig } from '../../lib/config.ts';
import { amendShipment, TransportPatch, updateTransport, withdrawShipment } from '../../lib/domain/amend.ts';
import { shipmentView } from '../../lib/domain/queries.ts';
import { registerWebhook, removeWebhook, WebhookRegistration } from '../../lib/domain/webhooks.ts';
import { jsonResponse, parseOrThrow } from '../../lib/http/problem.ts';
import { Shipment } from '../../lib/manifest/schema.ts';
import { httpHandler } from './middleware.ts';

const config = loadConfig();
const deps = intakeDeps(config);
const webhooks = webhookDeps(config);

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
  'POST /v1/webhooks': async (request) => {
    const webhook = await registerWebhook(
      webhooks,
      request.partnerId(),
      parseOrThrow(WebhookRegistration, request.json()),
    );
    // The secret is shown this once; it signs every delivery.
    return jsonResponse(201, webhook, { location: `/v1/webhooks/${webhook.webhookId}` });
  },
  'GET /v1/webhooks': async (request) => {
    const list = await webhooks.store.list(request.partnerId());
    return jsonResponse(200, { webhooks: list.map(({ secret: _secret, ...rest }) => rest) });
  },
  'DELETE /v1/webhooks/{webhookId}': async (request) => {
    await removeWebhook(webhooks, request.partnerId(), request.pathParameters.webhookId ?? '');
    return { statusCode: 204, headers: {}, body: '' };
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
