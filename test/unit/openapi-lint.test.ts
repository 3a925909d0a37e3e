/**
 * The contract is checked by a maintained validator: the OpenAPI document, as `npm run openapi`
 * writes it, passes Redocly CLI's recommended rules (redocly.yaml) with no error and no warning.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { partnerApiDocument } from '../../functions/http/openapi-document.ts';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: Array<{ pointer: string }>;
}

describe('the OpenAPI document', () => {
  it('is written by npm run openapi and passes Redocly recommended rules with 0 errors and 0 warnings', async () => {
    const file = join(dir, 'openapi.json');
    const written = await run(process.execPath, ['--import', 'tsx', 'scripts/openapi.ts', file], {
      cwd: root,
    });
    expect(written.stdout).toMatch(/Wrote .*openapi\.json: \d+ operations, 6 webhook events\./);
    const document = JSON.parse(readFileSync(file, 'utf8'));
    expect(document.openapi).toBe('3.1.0');

    const redocly = join(root, 'node_modules/@redocly/cli/bin/cli.js');
    // Exits non-zero on errors; the JSON report is on stdout either way.
    const lint = await run(
      process.execPath,
      [redocly, 'lint', file, '--config', join(root, 'redocly.yaml'), '--format=json'],
      {
        cwd: root,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const report = JSON.parse(lint.stdout.slice(lint.stdout.indexOf('{'))) as {
      totals: { errors: number; warnings: number };
      problems: LintProblem[];
    };
    const found = report.problems.map(
      (p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`,
    );
    expect(found).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  });

  const document = partnerApiDocument() as any;

  it('describes every webhook event with its payload schema and headers', () => {
    expect(Object.keys(document.webhooks).sort()).toEqual([
      'flag.cleared',
      'flag.raised',
      'manifest-upload.completed',
      'shipment.routing',
      'shipment.status',
      'transit.closure',
    ]);
    const status = document.webhooks['shipment.status'].post;
    expect(status.operationId).toBe('onShipmentStatus');
    expect(status.requestBody.content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ShipmentStatusEvent',
    });
    expect(status.parameters.map((p: any) => p.name)).toEqual([
      'webhook-id',
      'webhook-timestamp',
      'webhook-signature',
    ]);
    const payload = document.components.schemas.ShipmentStatusEvent;
    expect([...payload.required].sort()).toEqual(['data', 'id', 'sequence', 'subject', 'timestamp', 'type']);
    expect(payload.properties.type).toMatchObject({ const: 'shipment.status' });
    expect(payload.properties.data.required).toEqual(['manifestId', 'shipmentNumber', 'status']);
  });

  it('lists every problem type URI the answers use', () => {
    const types = document.components.schemas.Problem.properties.type.anyOf.map((t: any) => t.const);
    expect(types).toHaveLength(17);
    for (const slug of [
      'validation',
      'not-found',
      'payload-too-large',
      'reference-reused',
      'internal',
      'forbidden',
      'shipment-number-in-use',
    ]) {
      expect(types).toContain(`https://voec-border.dev/problems/${slug}`);
    }
    expect(document.info.license.name).toMatch(/Proprietary/);
  });
});
