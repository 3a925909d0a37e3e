/** GET /health and GET /v1/openapi.json (no key needed). */
import { jsonResponse } from '../../lib/http/problem.ts';
import { openApiDocument } from '../../lib/manifest/openapi.ts';
import { httpHandler } from './middleware.ts';

const document = openApiDocument();

export const handler = httpHandler({
  'GET /health': async () => jsonResponse(200, { status: 'ok' }),
  'GET /v1/openapi.json': async () => jsonResponse(200, document, { 'cache-control': 'public, max-age=300' }),
});
