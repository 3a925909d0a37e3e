/** Changes before the border (amend, withdraw, transport updates) and webhook registration. */
import { changesDeps } from '../../lib/compose/changes.ts';
import { loadConfig } from '../../lib/config.ts';
import { amendShipment, updateTransport, withdrawShipment } from '../../lib/domain/amend.ts';
import { listWebhooks, registerWebhook, removeWebhook } from '../../lib/domain/webhooks.ts';
import { shipmentChangeAnswer, transportChangeAnswer } from './answers.ts';
import { httpHandler } from './middleware.ts';

const { changes, webhooks } = changesDeps(loadConfig());

export const handler = httpHandler('changes', {
  amendShipment: async ({ partnerId, params, body }) =>
    shipmentChangeAnswer(await amendShipment(changes, partnerId, params.shipmentNumber, body)),
  withdrawShipment: async ({ partnerId, params }) =>
    shipmentChangeAnswer(await withdrawShipment(changes, partnerId, params.shipmentNumber)),
  updateTransport: async ({ partnerId, params, body }) =>
    transportChangeAnswer(await updateTransport(changes, partnerId, params.manifestId, body)),
  registerWebhook: async ({ partnerId, body }) => {
    const webhook = await registerWebhook(webhooks, partnerId, body);
    return { status: 201, json: webhook, headers: { location: `/v1/webhooks/${webhook.webhookId}` } };
  },
  listWebhooks: async ({ partnerId }) => ({
    status: 200,
    json: { webhooks: await listWebhooks(webhooks, partnerId) },
  }),
  removeWebhook: async ({ partnerId, params }) => {
    await removeWebhook(webhooks, partnerId, params.webhookId);
    return { status: 204 };
  },
});
