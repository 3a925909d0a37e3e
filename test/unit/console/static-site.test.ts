/** The console on the local gateway: files, content types, the app's fallback, the security headers. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { serveStatic } from '../../../local/runtime/static-site.ts';

const dir = mkdtempSync(join(tmpdir(), 'voec-console-'));
mkdirSync(join(dir, 'assets'));
writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
writeFileSync(join(dir, 'assets', 'index-abc.js'), 'export {};');
writeFileSync(join(dir, 'assets', 'style-abc.css'), 'body{}');
writeFileSync(join(dir, '.source-hash'), 'abc');
writeFileSync(join(tmpdir(), 'outside.txt'), 'secret');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const site = { prefix: '/console', dir };
const get = (path: string, method = 'GET') => serveStatic(site, method, path);

describe('the console on the local gateway', () => {
  it('serves files with their content types and caching', () => {
    const js = get('/console/assets/index-abc.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toMatch(/immutable/);
    expect(get('/console/assets/style-abc.css').headers['content-type']).toBe('text/css; charset=utf-8');
    const index = get('/console/');
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.headers['cache-control']).toBe('no-cache');
  });

  it("falls back to index.html for the app's paths, not for missing files", () => {
    expect(get('/console/manifests/abc').body.toString()).toContain('<title>console</title>');
    expect(get('/console/config.json').statusCode).toBe(404);
    expect(get('/console/assets/gone.js').statusCode).toBe(404);
    expect(get('/console')).toMatchObject({ statusCode: 301, headers: { location: '/console/' } });
  });

  it('never serves dot files or anything outside the directory', () => {
    expect(get('/console/.source-hash').statusCode).toBe(404);
    expect(get('/console/../outside.txt').statusCode).toBe(404);
    expect(get('/console/%2e%2e/outside.txt').statusCode).toBe(404);
    expect(get('/console/%E0%A4%A').statusCode).toBe(400);
    expect(get('/console/', 'POST')).toMatchObject({ statusCode: 405, headers: { allow: 'GET, HEAD' } });
  });

  it('sends the same security headers as CloudFront, with the API on its own origin', () => {
    for (const response of [get('/console/'), get('/console/assets/index-abc.js'), get('/console/nope.js')]) {
      expect(response.headers['content-security-policy']).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; " +
          "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      );
      expect(response.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'strict-transport-security': 'max-age=63072000; includeSubDomains',
      });
    }
  });

  it('says so when the console is not built', () => {
    const empty = mkdtempSync(join(tmpdir(), 'voec-console-empty-'));
    expect(serveStatic({ prefix: '/console', dir: empty }, 'GET', '/console/').statusCode).toBe(503);
    rmSync(empty, { recursive: true, force: true });
  });
});
