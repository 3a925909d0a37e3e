/**
 * A partner's webhook endpoint for integration tests: a real HTTP server on a loopback port that
 * records every delivery (path, raw body, headers) and answers 204, as a partner's would.
 */
import { createServer } from 'node:http';

export interface Delivery {
  path: string;
  /** The raw body, byte for byte as signed (Standard Webhooks signs the raw body). */
  body: string;
  headers: Record<string, string>;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>`: append a path to tell endpoints apart. */
  baseUrl: string;
  /** Every delivery so far, in arrival order. */
  deliveries: Delivery[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      deliveries.push({
        path: req.url ?? '',
        body,
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([name, value]) => [name, String(value)]),
        ),
      });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the webhook receiver has no port');
  return {
    baseUrl: `http://127.0.0.1:${address.port}`,
    deliveries,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
