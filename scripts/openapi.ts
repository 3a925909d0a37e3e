/** `npm run openapi`: prints the OpenAPI document (the one GET /v1/openapi.json serves) to stdout. */
import { OPERATIONS } from '../functions/http/routes.ts';
import { openApiDocument } from '../lib/manifest/openapi.ts';

process.stdout.write(`${JSON.stringify(openApiDocument(OPERATIONS), null, 2)}\n`);
