/** GET /health and GET /v1/openapi.json (no key needed). */
import { openApiDocument } from '../../lib/manifest/openapi.ts';
import { httpHandler } from './middleware.ts';
import { OPERATIONS } from './routes.ts';

const document = openApiDocument(OPERATIONS);

export const handler = httpHandler('public', {
  getHealth: async () => ({ status: 200, json: { status: 'ok' } }),
  getOpenApi: async () => ({
    status: 200,
    json: document,
    headers: { 'cache-control': 'public, max-age=300' },
  }),
});
