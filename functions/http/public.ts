/** GET /health and GET /v1/openapi.json (no key needed). */
import { httpHandler } from './middleware.ts';
import { partnerApiDocument } from './openapi-document.ts';

const document = partnerApiDocument();

export const handler = httpHandler('public', {
  getHealth: async () => ({ status: 200, json: { status: 'ok' } }),
  getOpenApi: async () => ({
    status: 200,
    json: document,
    headers: { 'cache-control': 'public, max-age=300' },
  }),
});
