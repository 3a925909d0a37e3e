/**
 * One place per fact: every DynamoDB key is built by lib/adapters/dynamodb/table-design.ts. This
 * fails if anything else in the source tree spells one: a key attribute set to a string of its own,
 * or a string with a key prefix (`PARTNER#…`, `…#TRANSIT#…`, `EVENT#`, `DUE#`…).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const KEY_MODULE = 'lib/adapters/dynamodb/table-design.ts';
/** Unit tests use fakes with opaque markers; they never touch the table. */
const SCANNED = [
  'lib',
  'functions',
  'local',
  'scripts',
  'bench',
  'cdk',
  'test/integration',
  'test/support',
  'test/infra',
];

const PATTERNS: Array<[string, RegExp]> = [
  [
    'a key attribute set to its own string',
    /\b(?:pk|sk|gsi1pk|gsi1sk|duePk|dueSk|boardPk|boardSk)\s*:\s*[`'"]/,
  ],
  ['a string starting with a key prefix', /[`'"](?:[A-Z][A-Z_]*#)/],
  [
    'a key segment inside a string',
    /#(?:PARTNER|MANIFEST|SHIPMENT|TRANSIT|OUTBOX|DELIVERY|ALERTS?|REF|EVENT|TVINN|WEBHOOK|NOTE|DUE|KEY|NCTS)\b/,
  ],
];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sources(path);
    return /\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}

describe('DynamoDB keys', () => {
  it('are built only by the key module', () => {
    const offences: string[] = [];
    for (const file of SCANNED.flatMap((dir) => sources(join(root, dir)))) {
      const path = relative(root, file);
      if (path === KEY_MODULE) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, index) => {
          for (const [what, pattern] of PATTERNS) {
            if (pattern.test(line)) offences.push(`${path}:${index + 1}: ${what}: ${line.trim()}`);
          }
        });
    }
    expect(offences).toEqual([]);
  });

  it('would catch a key spelled elsewhere', () => {
    const spelled = [
      "pk: `PARTNER#<p>#TRANSIT#<mrn>`, sk: 'TRANSIT'",
      "':prefix': 'WEBHOOK#'",
      "sk: 'IDEMPOTENCY'",
    ];
    for (const line of spelled)
      expect(
        PATTERNS.some(([, pattern]) => pattern.test(line)),
        line,
      ).toBe(true);
  });
});
