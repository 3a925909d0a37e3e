/**
 * The operations console under `/console/` on the local gateway, as CloudFront serves it in AWS:
 * the built files with their content types, index.html for any path that names no file (the
 * single-page app's fallback), and the same security headers as the CloudFront response-headers
 * policy (console/security-headers.ts). Hashed assets are cached for good; index.html never.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, resolve, sep } from 'node:path';
import { contentSecurityPolicy, SECURITY_HEADERS } from '../../console/security-headers.ts';
import type { HttpResponseParts } from './api-events.ts';

export interface StaticSite {
  /** URL prefix without the trailing slash, e.g. `/console`. */
  prefix: string;
  /** The directory of the built site (console/dist). */
  dir: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Locally the API is on the console's own origin, so `connect-src 'self'` is the whole truth. */
const HEADERS = { ...SECURITY_HEADERS, 'content-security-policy': contentSecurityPolicy() };

function text(statusCode: number, body: string, extra: Record<string, string> = {}): HttpResponseParts {
  return {
    statusCode,
    headers: {
      ...HEADERS,
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      ...extra,
    },
    body: Buffer.from(body),
  };
}

export function isUnder(site: StaticSite, path: string): boolean {
  return path === site.prefix || path.startsWith(`${site.prefix}/`);
}

/** The answer for a path under the site's prefix. */
export function serveStatic(site: StaticSite, method: string, path: string): HttpResponseParts {
  if (path === site.prefix) return text(301, 'Moved', { location: `${site.prefix}/` });
  if (method !== 'GET' && method !== 'HEAD') return text(405, 'Method Not Allowed', { allow: 'GET, HEAD' });
  const root = resolve(site.dir);
  const index = resolve(root, 'index.html');
  if (!existsSync(index)) {
    return text(503, 'The console is not built yet: run `npm run console:build` (npm start builds it).');
  }
  let relativePath: string;
  try {
    relativePath = decodeURIComponent(path.slice(site.prefix.length + 1));
  } catch {
    return text(400, 'Bad Request');
  }
  const segments = relativePath.split('/');
  // Dot files (the build's .source-hash) and any way out of the directory are simply not there.
  if (relativePath.includes('\0') || segments.some((segment) => segment.startsWith('.'))) {
    return text(404, 'Not Found');
  }
  const file = resolve(root, relativePath || 'index.html');
  if (file !== root && !file.startsWith(root + sep)) return text(404, 'Not Found');
  const isFile = existsSync(file) && statSync(file).isFile();
  if (!isFile) {
    // A path that names a file (it has an extension) and is missing is a 404, not the app:
    // a missing config.json must read as missing, not as HTML.
    if (extname(segments[segments.length - 1] ?? '')) return text(404, 'Not Found');
    return fileResponse(index);
  }
  return fileResponse(file);
}

function fileResponse(file: string): HttpResponseParts {
  const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const hashedAsset = /[\\/]assets[\\/]/.test(file);
  return {
    statusCode: 200,
    headers: {
      ...HEADERS,
      'content-type': type,
      'cache-control': hashedAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
    },
    body: readFileSync(file),
  };
}
