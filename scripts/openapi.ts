/**
 * `npm run openapi`: writes the OpenAPI document (the one GET /v1/openapi.json serves) to
 * openapi.json, or to the path given (`npm run openapi -- out/api.json`; `-` for stdout).
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { partnerApiDocument } from '../functions/http/openapi-document.ts';

const target = process.argv[2] ?? 'openapi.json';
const text = `${JSON.stringify(partnerApiDocument(), null, 2)}\n`;
if (target === '-') {
  process.stdout.write(text);
} else {
  writeFileSync(target, text);
  const document = JSON.parse(text) as { paths: Record<string, object>; webhooks?: Record<string, object> };
  const operations = Object.values(document.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  console.log(
    `Wrote ${resolve(target)}: ${operations} operations, ${Object.keys(document.webhooks ?? {}).length} webhook events.`,
  );
}
