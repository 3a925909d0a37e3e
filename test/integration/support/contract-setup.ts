/**
 * Setup of every integration test file: each answer of the partner API received through `fetch`
 * (the local stack on a loopback address) is checked against the OpenAPI document
 * (./contract.ts); a test after which any answer broke it fails, naming each fault. Answers of the
 * Digitoll simulator, local-only endpoints (`/__local/…`) and unknown paths are not operations and
 * are left alone.
 */
import { afterAll, afterEach } from 'vitest';
import { operationFor, recordViolations, takeViolations } from './contract.ts';

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;
const originalFetch = globalThis.fetch;

globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
  const response = await originalFetch(input, init);
  try {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    if (LOOPBACK.test(url.hostname) && operationFor(method, url.pathname)) {
      recordViolations({
        method,
        path: url.pathname,
        status: response.status,
        contentType: response.headers.get('content-type') ?? undefined,
        body: await response.clone().text(),
      });
    }
  } catch {
    // A body that cannot be read twice (aborted) is the test's business, not the contract's.
  }
  return response;
};

const failOnViolations = () => {
  const violations = takeViolations();
  if (violations.length) {
    throw new Error(`Answers that break the OpenAPI document:\n${violations.join('\n')}`);
  }
};

afterEach(failOnViolations);
afterAll(failOnViolations);
