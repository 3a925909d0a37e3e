/**
 * Once per browser-test run: the console built (if its sources changed), the whole local system
 * (`startFullStack`: emulators, the bundled functions, the Digitoll simulator) serving it at
 * /console/, two partners' keys and an operator's, and one headless Debian Chromium that every test file connects
 * to. Nothing is downloaded: the browser is the `chromium` package at /usr/bin/chromium.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { ensureConsoleBuilt } from '../../../console/build.ts';
import { startFullStack } from '../../../local/full-stack.ts';
import { synthesizedAssembly } from '../../integration/support/global-setup.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    consoleUrl: string;
    apiUrl: string;
    /** partnerId → key */
    partnerKeys: Record<string, string>;
    browserWsEndpoint: string;
    /** The Digitoll simulator (its /__sim/ routes publish Customs' routing signals). */
    digitollUrl: string;
  }
}

export const CHROMIUM = '/usr/bin/chromium';

/**
 * Debian's Chromium in a closed network: no sandbox (containers), no GPU, and none of the
 * background connections (QUIC, component updates, sync, field trials) it would otherwise try.
 * Playwright gives every launch a fresh, temporary --user-data-dir of its own (it refuses one in
 * `args`), so no profile survives a run.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));

export default async function setup(project: TestProject) {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium package (apt-get install -y chromium).`,
    );
  }
  const resultsDir = join(projectRoot, 'test-results', 'browser');
  mkdirSync(resultsDir, { recursive: true });
  // The stack's own log goes to a file, for when a test fails.
  const logFile = createWriteStream(join(resultsDir, 'local-stack.log'));
  const log = (line: string) => logFile.write(`${new Date().toISOString()} ${line}\n`);

  const [consoleDir, cdkOut] = await Promise.all([ensureConsoleBuilt({ log }), synthesizedAssembly()]);
  const partnerKeys = {
    acme: `vb_browser_acme_${randomUUID().replaceAll('-', '')}`,
    nordic: `vb_browser_nordic_${randomUUID().replaceAll('-', '')}`,
    operator: `vb_browser_operator_${randomUUID().replaceAll('-', '')}`,
  };
  const full = await startFullStack({
    port: 0,
    synth: false,
    cdkOut,
    consoleDir,
    partnerKeys: Object.entries(partnerKeys).map(([partnerId, key]) =>
      partnerId === 'operator' ? { partnerId: 'desk', key, role: 'operator' as const } : { partnerId, key },
    ),
    // The tests fire the border sweep themselves (POST /__local/schedules/run).
    scheduleEnabled: false,
    log,
    functionLogs: (fn, line) => log(`${fn} │ ${line}`),
    digitoll: { processingDelayMs: 50, rateLimitPerSecond: 200 },
  });
  let browser: Awaited<ReturnType<typeof chromium.launchServer>>;
  try {
    browser = await chromium.launchServer({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
  } catch (error) {
    await full.stop();
    throw error;
  }
  project.provide('consoleUrl', `${full.stack.apiUrl}/console/`);
  project.provide('apiUrl', full.stack.apiUrl);
  project.provide('partnerKeys', partnerKeys);
  project.provide('browserWsEndpoint', browser.wsEndpoint());
  project.provide('digitollUrl', full.digitoll.url);
  return async () => {
    await browser.close();
    await full.stop();
    logFile.end();
  };
}
