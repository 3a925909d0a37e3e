import { configDefaults, defineConfig } from 'vitest/config';

/** Integration files with a 10,000-shipment POST (see the integration-large project). */
const LARGE_MANIFEST_FILES = ['test/integration/intake.test.ts', 'test/integration/local-runtime.test.ts'];

export default defineConfig({
  test: {
    // Gentle on a 2-core machine: DynamoDB Local's JVM and the function workers need room too.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Property tests and 10,000-shipment cases take a few seconds each; the default 5 s is no
          // budget on a shared 2-core machine (figures belong to the bench, not to test timeouts).
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...LARGE_MANIFEST_FILES],
          globalSetup: ['test/integration/support/global-setup.ts'],
          // Every answer of the partner API is checked against the OpenAPI document.
          setupFiles: ['test/integration/support/contract-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The files that POST a 10,000-shipment manifest against the function's real 29 s timeout:
        // one at a time, after the other integration files, on emulators of their own. Beside
        // another file's stack (sharing the two cores and one DynamoDB Local, which runs
        // transactions one at a time) they measured the test machine, not the intake.
        test: {
          name: 'integration-large',
          include: LARGE_MANIFEST_FILES,
          globalSetup: ['test/integration/support/global-setup.ts'],
          setupFiles: ['test/integration/support/contract-setup.ts'],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 60_000 } },
      {
        // The console in Debian's Chromium against one full local stack for the whole run.
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/support/global-setup.ts'],
          // After the other projects: its stack and Chromium would otherwise compete with the
          // integration tests' stacks for the machine's two cores.
          sequence: { groupOrder: 2 },
          testTimeout: 120_000,
          hookTimeout: 60_000,
          // The page refreshes itself and the first call of a function is a cold start: poll for seconds.
          expect: { poll: { timeout: 15_000, interval: 100 } },
        },
      },
    ],
  },
});
