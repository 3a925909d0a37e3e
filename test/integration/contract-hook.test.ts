/**
 * The contract hook of the integration tests (support/contract-setup.ts) sees every `fetch` to a
 * loopback address whose path is an operation of the document, and records what breaks it: here a
 * stand-in server on 127.0.0.1 answers GET /health wrongly, and GET /v1/alerts rightly.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { takeViolations } from './support/contract.ts';

let server: Server;
let url = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"state":"fine"}');
    } else {
      // What the functions answer without a key (the authorizer always allows: functions/auth/authorizer.ts).
      res.writeHead(401, { 'content-type': 'application/problem+json' }).end(
        JSON.stringify({
          type: 'https://voec-border.dev/problems/unauthorized',
          title: 'A valid partner API key is required',
          status: 401,
          detail: 'No Authorization header: send Authorization: Bearer <key>.',
        }),
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the contract hook on fetch', () => {
  it('records an answer that breaks the document, and leaves the body readable for the test', async () => {
    const response = await fetch(`${url}/health`);
    expect(await response.json()).toEqual({ state: 'fine' });
    expect(takeViolations()).toEqual([
      expect.stringMatching(
        /^GET \/health \(GET \/health\) → 200: body must have required property 'status'/,
      ),
      // and the field the document does not have
      expect.stringMatching(/^GET \/health \(GET \/health\) → 200: body must NOT have additional properties/),
    ]);
  });

  it('records nothing for an answer the document lists, or for a path that is no operation', async () => {
    expect((await fetch(`${url}/v1/alerts`)).status).toBe(401);
    expect((await fetch(`${url}/__sim/received`)).status).toBe(401);
    expect(takeViolations()).toEqual([]);
  });
});
