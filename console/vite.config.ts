/**
 * The operations console's build (`npm run console:build`, or on demand by console/build.ts):
 * Preact through Oxc's automatic JSX runtime, served under /console/ locally and on CloudFront.
 * Everything the page loads is a hashed file in dist/assets: no inline script or style, no data:
 * URI, so the strict Content-Security-Policy (console/security-headers.ts) needs no exception.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2023',
    // Browsers with ES2023 preload modules natively; the polyfill is the one snippet Vite could inline.
    modulePreload: { polyfill: false },
    // Small assets as files, never data: URIs (the CSP allows only 'self').
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    sourcemap: true,
  },
});
