/**
 * The partner API's OpenAPI document, whole: the operations of the route table, the problem types
 * the answers use, and the webhook events. GET /v1/openapi.json serves it, `npm run openapi` writes
 * it, the tests lint it and validate every answer of the local stack against it.
 */
import { openApiDocument } from '../../lib/manifest/openapi.ts';
import { WEBHOOK_HEADERS, WEBHOOKS } from '../../lib/manifest/webhooks.ts';
import { PROBLEM_TYPES, type ProblemSlug, problemType } from './answers.ts';
import { OPERATIONS } from './routes.ts';

export function partnerApiDocument(): Record<string, unknown> {
  return openApiDocument(OPERATIONS, {
    webhooks: WEBHOOKS,
    webhookHeaders: WEBHOOK_HEADERS,
    problemTypes: Object.fromEntries(
      Object.entries(PROBLEM_TYPES).map(([slug, when]) => [problemType(slug as ProblemSlug), when]),
    ),
  });
}
