/**
 * One language per layer (issue #8): the domain speaks only the domain (no HTTP, no AWS SDK, no
 * Digitoll wire format, no response shapes), and the Digitoll wire description (lib/digitoll)
 * knows nothing of the domain, so neither can grow a cycle with the other.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;
const files = (dir: string) =>
  readdirSync(join(root, dir))
    .filter((name) => name.endsWith('.ts'))
    .map((name) => ({ name: `${dir}/${name}`, text: readFileSync(join(root, dir, name), 'utf8') }));
const imports = (text: string) => [...text.matchAll(/from '([^']+)'/g)].map((m) => m[1] ?? '');

describe('the domain (lib/domain)', () => {
  const domain = files('lib/domain');

  it('carries no HTTP status, problem document or route', () => {
    for (const { name, text } of domain) {
      expect(text, name).not.toMatch(/httpStatus|status: 4|problem/);
      expect(text, name).not.toMatch(/(GET|POST|PUT|PATCH|DELETE) \/v1\//);
    }
  });

  it('imports no HTTP module, response shape, adapter, AWS SDK or Digitoll wire format', () => {
    for (const { name, text } of domain) {
      for (const source of imports(text)) {
        expect(source, `${name} imports ${source}`).not.toMatch(
          /functions\/|lib\/http|\/http\/|responses\.ts|openapi\.ts|adapters\/|@aws-sdk|@aws-lambda-powertools|digitoll\//,
        );
      }
    }
  });
});

describe('the Digitoll wire description (lib/digitoll)', () => {
  it('imports nothing of the domain or the adapters', () => {
    for (const { name, text } of files('lib/digitoll')) {
      for (const source of imports(text))
        expect(source, `${name} imports ${source}`).not.toMatch(/domain\/|adapters\//);
    }
  });
});

describe('the console (console/src)', () => {
  const walk = (dir: string): Array<{ name: string; text: string }> =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory()
        ? walk(`${dir}/${entry.name}`)
        : /\.tsx?$/.test(entry.name)
          ? [{ name: `${dir}/${entry.name}`, text: readFileSync(join(root, dir, entry.name), 'utf8') }]
          : [],
    );

  it('borrows from the backend only the domain’s pure facts (a browser bundle has no AWS SDK or Node)', () => {
    const borrowed = walk('console/src').flatMap(({ name, text }) =>
      imports(text)
        .filter((source) => source.includes('lib/'))
        .map((source) => ({ name, source })),
    );
    // The deadline and Norway's clock: one place for each, shared with the backend.
    expect(borrowed.map(({ source }) => source).sort()).toEqual([
      '../../../lib/domain/deadlines.ts',
      '../../../lib/domain/norway-time.ts',
    ]);
    for (const module of ['lib/domain/deadlines.ts', 'lib/domain/norway-time.ts'])
      expect(imports(readFileSync(join(root, module), 'utf8')), module).toEqual([]);
  });
});
