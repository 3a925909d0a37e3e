/**
 * What the browser tests share: a page of the console in a fresh browser context (its own
 * sessionStorage) on the run's one Chromium, a screenshot of it after every test, no CSP
 * violation or script error allowed, and the partner API over plain HTTP to set the scene.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeEach, expect, inject } from 'vitest';

export const consoleUrl = inject('consoleUrl');
export const apiUrl = inject('apiUrl');
export const keys = inject('partnerKeys') as { acme: string; nordic: string; operator: string };

const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));
export const RESULTS_DIR = join(projectRoot, 'test-results', 'browser');

let browser: Promise<Browser> | undefined;
const connected = () => {
  browser ??= chromium.connect(inject('browserWsEndpoint'));
  return browser;
};

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** Console errors and uncaught exceptions seen so far (a CSP violation is one). */
  problems: string[];
}

/**
 * A console page for each test of the file; after the test, its screenshot lands in
 * test-results/browser/<file>--<test>.png and any script error or CSP violation fails it.
 */
export function useConsolePage(file: string): () => ConsolePage {
  let current: ConsolePage | undefined;
  beforeEach(async () => {
    // The browser's own time zone is New York on purpose: the console must still show Oslo time.
    const context = await (await connected()).newContext({
      viewport: { width: 1440, height: 900 },
      timezoneId: 'America/New_York',
      locale: 'en-GB',
      acceptDownloads: true,
    });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      // Chromium logs every non-2xx answer; the API's 401/403/404 are expected in these tests.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
        problems.push(message.text());
      }
    });
    page.on('pageerror', (error) => problems.push(`${error.name}: ${error.message}`));
    current = { page, context, problems };
  });
  afterEach(async (test) => {
    if (!current) return;
    const { page, context, problems } = current;
    current = undefined;
    mkdirSync(RESULTS_DIR, { recursive: true });
    const name = `${file}--${test.task.name}`.replace(/[^a-z0-9]+/gi, '-').slice(0, 120);
    await page.screenshot({ path: join(RESULTS_DIR, `${name}.png`), fullPage: true }).catch(() => {});
    await context.close();
    expect(problems, 'console errors or CSP violations on the page').toEqual([]);
  });
  afterAll(async () => {
    await (await browser)?.close();
    browser = undefined;
  });
  return () => {
    if (!current) throw new Error('useConsolePage: no page outside a test');
    return current;
  };
}

/** Signs in the way a person does: the key field has the focus, type, Enter. */
export async function signIn(page: Page, key: string): Promise<void> {
  await page.goto(consoleUrl);
  const field = page.getByLabel('API key');
  await expect.poll(() => field.evaluate((element) => element === document.activeElement)).toBe(true);
  await page.keyboard.type(key);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** Opens a console page by its hash route, signed in already. */
export async function open(page: Page, route: string): Promise<void> {
  await page.evaluate((hash) => {
    location.hash = hash;
  }, route);
}

export async function api(key: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: (text && response.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text) as any,
  };
}

export interface Manifest {
  reference: string;
  transport: { estimatedArrival: string; vehicleRegistration: string } & Record<string, unknown>;
  transit?: { mrn: string };
  shipments: Array<{ shipmentNumber: string; voecNumber: string } & Record<string, unknown>>;
  [key: string]: unknown;
}

/** The example manifest with fresh keys (reference, shipment numbers, transit MRN) and an ETA. */
export function exampleManifest(options: { etaMinutes: number; tag: string; plate?: string }): Manifest {
  const manifest = JSON.parse(
    readFileSync(join(projectRoot, 'test/fixtures/manifest.example.json'), 'utf8'),
  ) as Manifest;
  const unique = randomUUID().replaceAll('-', '').slice(0, 8).toUpperCase();
  manifest.reference = `BROWSER-${options.tag}-${unique}`;
  manifest.transport.estimatedArrival = new Date(Date.now() + options.etaMinutes * 60_000).toISOString();
  if (options.plate) manifest.transport.vehicleRegistration = options.plate;
  manifest.transit = { mrn: `26SE${randomUUID().replaceAll('-', '').slice(0, 13).toUpperCase()}0` };
  manifest.shipments = manifest.shipments.map((shipment, index) => ({
    ...shipment,
    shipmentNumber: `${options.tag}${unique}${index}SE`,
  }));
  return manifest;
}

/** The air example with fresh keys (reference, flight, master air waybill, shipment numbers) and an ETA. */
export function exampleAirManifest(options: {
  etaMinutes: number;
  tag: string;
  flightNumber: string;
}): Manifest {
  const manifest = JSON.parse(
    readFileSync(join(projectRoot, 'test/fixtures/manifest.air.example.json'), 'utf8'),
  ) as Manifest & {
    transport: { flightNumber: string; scheduledArrival: string };
    masterConsignment: { waybill: { number: string } };
  };
  const unique = randomUUID().replaceAll('-', '').slice(0, 8).toUpperCase();
  manifest.reference = `BROWSER-${options.tag}-${unique}`;
  const eta = new Date(Date.now() + options.etaMinutes * 60_000).toISOString();
  manifest.transport.flightNumber = options.flightNumber;
  manifest.transport.scheduledArrival = eta;
  manifest.transport.estimatedArrival = eta;
  // An air waybill: 3-digit prefix, 7-digit serial and its check digit (serial mod 7).
  const serial = Number.parseInt(unique.slice(0, 6), 16) % 10_000_000;
  manifest.masterConsignment.waybill.number = `157-${String(serial).padStart(7, '0')}${serial % 7}`;
  manifest.shipments = manifest.shipments.map((shipment, index) => ({
    ...shipment,
    shipmentNumber: `${options.tag}${unique}${index}SE`,
  }));
  return manifest;
}

/** Runs the scheduled functions once (the routing poller, the border sweep), as the schedule would. */
export async function runSchedules(): Promise<void> {
  const response = await fetch(`${apiUrl}/__local/schedules/run`, { method: 'POST' });
  expect(response.status).toBe(200);
}

/** Customs' side, on the Digitoll simulator: a routing decision, an arrival at the border. */
export async function simulator(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${inject('digitollUrl')}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.ok, `${path}: ${response.status}`).toBe(true);
}

export async function postManifest(key: string, manifest: Manifest): Promise<string> {
  const response = await api(key, 'POST', '/v1/manifests', manifest);
  expect(response.status, JSON.stringify(response.body)).toBe(202);
  return response.body.manifestId as string;
}

/** Waits (polling the API, not the page) until `probe` returns something. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

export async function shipmentStatus(key: string, shipmentNumber: string): Promise<string> {
  return (await api(key, 'GET', `/v1/shipments/${shipmentNumber}`)).body.status as string;
}

export const settled = (status: string) => status === 'ACCEPTED' || status === 'FAILED';

/** A VOEC number Digitoll (the simulator) does not know: the house is refused. */
export const UNKNOWN_VOEC_NUMBER = '1234567';
