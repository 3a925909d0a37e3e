/**
 * H — the border board's first render (issue #11): 200 transports with 100 shipments each (20,000
 * shipments) on the local stack, the console served at /console/ and opened in Debian's Chromium
 * (headless, /usr/bin/chromium; nothing downloaded), signed in with an operator key. Reported: the
 * time from pressing Enter on the key to all 200 rows on screen, and how many API calls the page
 * made to get there; both cold (every counts snapshot stale: the read function recounts all 200
 * manifests from the manifest index) and warm (a second sign-in within the snapshots' 30 s).
 * The reporter is not polled (pollQueues: false): every shipment stays RECEIVED, which changes
 * nothing the board reads (counts come from the manifest index either way).
 */
import { loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import { ensureConsoleBuilt } from '../console/build.ts';
import { mapBounded } from '../lib/concurrency.ts';
import { newKey } from '../lib/domain/partner-keys.ts';
import type { ManifestRequest } from '../lib/manifest/schema.ts';
import { startLocalStack } from '../local/runtime/index.ts';
import { startBackends } from './profiles.ts';
import { type Figure, figure, progress, round, track } from './support.ts';

const GROUP = 'H border board (#11)';
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'];

export async function boardFigures(options: {
  cdkOut: string;
  template: ManifestRequest;
  transports: number;
  shipmentsPerTransport: number;
  partners: number;
}): Promise<Figure[]> {
  const partnerKeys = Array.from({ length: options.partners }, (_, i) => ({
    partnerId: `bench-board-${i}`,
    key: newKey(),
  }));
  const operatorKey = newKey();
  const [consoleDir, backends] = await Promise.all([ensureConsoleBuilt(), startBackends('local')]);
  const stack = await startLocalStack({
    port: 0,
    synth: false,
    cdkOut: options.cdkOut,
    dynamoEndpoint: backends.dynamoEndpoint,
    sqsEndpoint: backends.sqsEndpoint,
    scheduleEnabled: false,
    pollQueues: false,
    consoleDir,
    partnerKeys: [...partnerKeys, { partnerId: 'bench-desk', key: operatorKey, role: 'operator' }],
    log: () => {},
    functionLogs: false,
  });
  const stop = track('board local stack', async () => {
    await stack.stop();
    await backends.stop();
  });
  try {
    // The scene: transports spread over the partners, ETAs 3 to 23 hours ahead, one minute apart.
    const seedStarted = performance.now();
    await mapBounded(
      Array.from({ length: options.transports }, (_, i) => i),
      4,
      async (i) => {
        const partner = partnerKeys[i % partnerKeys.length];
        if (!partner) throw new Error('no partner');
        const manifest = structuredClone(options.template);
        manifest.reference = `BENCH-BOARD-${i}`;
        if (manifest.transport.mode === 'AIR') throw new Error('the board bench takes the road example');
        manifest.transport.vehicleRegistration = `BB${String(i).padStart(4, '0')}`;
        manifest.transport.estimatedArrival = new Date(Date.now() + (3 * 60 + i * 6) * 60_000).toISOString();
        if (manifest.masterConsignment) manifest.masterConsignment.waybill.number = `CMR-BOARD-${i}`;
        delete manifest.transit;
        const [shipment] = options.template.shipments;
        if (!shipment) throw new Error('the example has no shipment');
        manifest.shipments = Array.from({ length: options.shipmentsPerTransport }, (_, n) => ({
          ...structuredClone(shipment),
          shipmentNumber: `BB${String(i).padStart(4, '0')}${String(n).padStart(4, '0')}SE`,
        }));
        const posted = await fetch(`${stack.apiUrl}/v1/manifests`, {
          method: 'POST',
          headers: { authorization: `Bearer ${partner.key}`, 'content-type': 'application/json' },
          body: JSON.stringify(manifest),
        });
        if (posted.status !== 202) throw new Error(`POST /v1/manifests answered ${posted.status}`);
        await posted.arrayBuffer();
      },
    );
    progress(
      `H: ${options.transports} transports, ${options.transports * options.shipmentsPerTransport} shipments posted in ${round((performance.now() - seedStarted) / 1000, 1)} s`,
    );

    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
    try {
      const render = async () => {
        const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
        const page = await context.newPage();
        const calls: string[] = [];
        page.on('request', (request) => {
          const url = new URL(request.url());
          if (url.pathname.startsWith('/v1/')) calls.push(`${request.method()} ${url.pathname}${url.search}`);
        });
        await page.goto(`${stack.apiUrl}/console/`);
        const field = page.getByLabel('API key');
        await field.waitFor();
        await field.fill(operatorKey);
        const started = performance.now();
        await page.keyboard.press('Enter');
        const rowsShown = page.locator('table.board tbody tr');
        await rowsShown.nth(options.transports - 1).waitFor({ timeout: 180_000 });
        const ms = performance.now() - started;
        const rows = await page.locator('table.board tbody tr').count();
        await context.close();
        return { ms, calls: [...calls], rows, load: loadavg()[0] ?? 0 };
      };
      const cold = await render();
      const warm = await render();
      const boardCalls = (calls: string[]) =>
        calls.filter((call) => call.startsWith('GET /v1/manifests?')).length;
      const note = (r: { calls: string[]; rows: number; load: number }) =>
        `load average ${r.load.toFixed(1)} (1 min) at the render; ${r.rows} rows; calls: ${[...new Set(r.calls.map((c) => c.split('?')[0]))].join(', ')} (${boardCalls(r.calls)} of GET /v1/manifests)`;
      return [
        figure(
          GROUP,
          `board first render, ${options.transports} transports / ${options.transports * options.shipmentsPerTransport} shipments (cold counts), time to data shown`,
          round(cold.ms / 1000, 2),
          's',
          null,
          `sign-in (Enter) → all rows on screen, operator key, ${options.partners} partners; every counts snapshot stale: the read function recounts each manifest from the index. ${note(cold)}`,
        ),
        figure(
          GROUP,
          'board first render (cold counts), API calls the console made',
          cold.calls.length,
          'calls',
          null,
          note(cold),
        ),
        figure(
          GROUP,
          'board render with fresh counts snapshots (within 30 s), time to data shown',
          round(warm.ms / 1000, 2),
          's',
          null,
          `the same, a second sign-in right after: counts from the snapshots. ${note(warm)}`,
        ),
        figure(
          GROUP,
          'board render (fresh counts), API calls the console made',
          warm.calls.length,
          'calls',
          null,
          note(warm),
        ),
      ];
    } finally {
      await browser.close();
    }
  } finally {
    await stop();
  }
}
