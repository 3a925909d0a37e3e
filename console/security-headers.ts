/**
 * The console's security headers, in one place for both hosts: CloudFront's response-headers
 * policy (cdk/constructs/console-hosting.ts) and the local gateway (local/runtime/static-site.ts).
 *
 * The Content-Security-Policy allows nothing but the console's own files and the API: no inline
 * script or style (Vite emits none, see vite.config.ts), no other origin, no framing, no plugins.
 */

export interface CspOptions {
  /** Origins the console may call besides its own (the API's, when it is elsewhere). */
  connectTo?: string[];
  /** Served over HTTPS only (CloudFront): ask the browser to upgrade any stray http:// URL. */
  httpsOnly?: boolean;
}

export function contentSecurityPolicy({ connectTo = [], httpsOnly = false }: CspOptions = {}): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "font-src 'self'",
    `connect-src ${["'self'", ...connectTo].join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(httpsOnly ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** Two years, subdomains included (no preload: that is the domain owner's decision). */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;

/** The headers besides the CSP, as CloudFront sends them (lower-case names). */
export const SECURITY_HEADERS = {
  'strict-transport-security': `max-age=${HSTS_MAX_AGE_SECONDS}; includeSubDomains`,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
} as const;
