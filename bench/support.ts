/**
 * Shared pieces of `npm run bench`: the figure row written to bench/results.json, medians, the
 * example manifest, a synthesized cloud assembly of the current code, and a registry of running
 * stacks so that a crash, a watchdog or Ctrl-C still stops every emulator, simulator and worker.
 */

import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Table } from '../lib/adapters/dynamodb/table.ts';
import { documentClient } from '../lib/compose/aws.ts';
import type { ManifestRequest } from '../lib/manifest/schema.ts';
import { synthesize } from '../local/runtime/assembly.ts';
import { type LocalStack, startLocalStack } from '../local/runtime/index.ts';

export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** One figure: a row of the printed table and of bench/results.json. */
export interface Figure {
  /** Which issue's figure, e.g. "A intake (#2)". */
  group: string;
  /** The bench profile it was measured under (bench/profiles.ts); set by run.ts for each section. */
  profile: 'local' | 'aws' | null;
  name: string;
  /** null when not measured (see notes). */
  value: number | null;
  unit: string;
  /** The target, e.g. "≤ 42"; null for a figure given for information. */
  target: string | null;
  /** Whether the target is met; null when there is no target or nothing was measured. */
  met: boolean | null;
  notes: string;
}

export type Comparison = { op: '<=' | '>=' | '=='; bound: number };

/** A figure with a numeric target; `met` follows from the value. */
export function figure(
  group: string,
  name: string,
  value: number | null,
  unit: string,
  target: Comparison | null,
  notes: string,
): Figure {
  const symbol = target ? { '<=': '≤', '>=': '≥', '==': '=' }[target.op] : '';
  let met: boolean | null = null;
  if (target && value !== null && Number.isFinite(value)) {
    met =
      target.op === '<='
        ? value <= target.bound
        : target.op === '>='
          ? value >= target.bound
          : value === target.bound;
  } else if (target) {
    met = false;
  }
  return {
    group,
    profile: null,
    name,
    value,
    unit,
    target: target ? `${symbol} ${target.bound}` : null,
    met,
    notes,
  };
}

/** Lambda allocates CPU in proportion to memory: 1,769 MB is one full vCPU (AWS Lambda docs). */
export const LAMBDA_MB_PER_VCPU = 1769;

/**
 * How much longer CPU-bound work takes on a Lambda of `memoryMb` than on one full core, as a share of
 * its CPU time: with s = memoryMb / 1769 of a vCPU, c ms of CPU take c / s, i.e. c × (1/s − 1) more.
 * Above one vCPU a single-threaded handler gains nothing, so never below 0.
 */
export function lambdaCpuStretch(memoryMb: number): number {
  return Math.max(0, LAMBDA_MB_PER_VCPU / memoryMb - 1);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export const round = (value: number, digits = 2): number => {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
};

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The example manifest of the partner contract (its first shipment is the template of every bench shipment). */
export function exampleManifest(): ManifestRequest {
  return JSON.parse(
    readFileSync(join(PROJECT_ROOT, 'test/fixtures/manifest.example.json'), 'utf8'),
  ) as ManifestRequest;
}

/** The air example (flight QR8161 to Gardermoen): the template of the chaos run by air. */
export function airExampleManifest(): ManifestRequest {
  return JSON.parse(
    readFileSync(join(PROJECT_ROOT, 'test/fixtures/manifest.air.example.json'), 'utf8'),
  ) as ManifestRequest;
}

/**
 * `cdk synth` of the current code into a private temporary directory (the shared `cdk.out` is left
 * alone: other work may be using it). Returns the directory and how to remove it.
 */
export async function synthesizeForBench(
  log: (line: string) => void,
): Promise<{ cdkOut: string; remove(): void }> {
  const given = process.env.BENCH_CDK_OUT;
  if (given) {
    log(`using the cloud assembly in ${given} (BENCH_CDK_OUT)`);
    return { cdkOut: given, remove: () => {} };
  }
  const cdkOut = mkdtempSync(join(tmpdir(), 'voec-bench-cdk-'));
  const started = performance.now();
  // The working tree may be caught half-way through someone's edit: one more try after a pause.
  for (let attempt = 1; ; attempt++) {
    try {
      await synthesize({ projectRoot: PROJECT_ROOT, outDir: cdkOut });
      break;
    } catch (error) {
      if (attempt < 2) {
        log(`cdk synth failed, trying once more in 20 s: ${withoutNpmNoise(error).slice(-300)}`);
        await sleep(20_000);
        continue;
      }
      rmSync(cdkOut, { recursive: true, force: true });
      throw error;
    }
  }
  log(`cdk synth → ${cdkOut} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { cdkOut, remove: () => rmSync(cdkOut, { recursive: true, force: true }) };
}

/** Everything started and not yet stopped, so an interrupted bench still cleans up. */
const running = new Set<{ label: string; stop: () => Promise<void> }>();

/** Registers a stoppable resource; the returned function stops it (once) and unregisters it. */
export function track(label: string, stop: () => Promise<void>): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  const entry = {
    label,
    stop: () => {
      stopping ??= stop().finally(() => running.delete(entry));
      return stopping;
    },
  };
  running.add(entry);
  return entry.stop;
}

/** Stops whatever is still running (after a crash or on a signal). */
export async function stopEverything(log: (line: string) => void): Promise<void> {
  for (const entry of [...running].reverse()) {
    try {
      await entry.stop();
    } catch (error) {
      log(`stopping ${entry.label}: ${(error as Error).message}`);
    }
  }
}

/** An error's text without npm's config warnings (which the cdk CLI's output is full of). */
export function withoutNpmNoise(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text
    .split('\n')
    .filter((line) => !/^npm warn /.test(line.trim()))
    .join('\n')
    .trim();
}

export function progress(line: string): void {
  const at = new Date().toISOString().slice(11, 19);
  process.stderr.write(`[bench ${at}] ${line}\n`);
}

/**
 * A quiet local stack for a bench that drives the domain in process against the real table: no
 * queue polling, no schedules, no function logs. `stop` is registered with `track`.
 */
export async function startTableBench(
  name: string,
  cdkOut: string,
): Promise<{ stack: LocalStack; table: Table; stop: () => Promise<void> }> {
  const stack = await startLocalStack({
    port: 0,
    synth: false,
    cdkOut,
    namePrefix: `bench-${name}-${randomUUID().slice(0, 6)}-`,
    pollQueues: false,
    scheduleEnabled: false,
    functionLogs: false,
    log: () => {},
  });
  const stop = track(`${name} local stack`, () => stack.stop());
  const tableName = Object.values(stack.tables)[0];
  if (!tableName) {
    await stop();
    throw new Error('no table in the template');
  }
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
  const client = documentClient({
    AWS_REGION: 'eu-north-1',
    AWS_ENDPOINT_URL_DYNAMODB: stack.dynamoEndpoint,
  });
  return { stack, table: new Table({ client, tableName, retentionDays: 90 }), stop };
}
