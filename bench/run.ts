/**
 * `npm run bench`: the figures named by the issues, printed as one table and written to
 * bench/results.json. Figures, not pass/fail: the exit code is 0 whether targets are met or not,
 * and non-zero only when the bench itself crashed (or ran past its time budget).
 *
 *   A  intake (#2)          AWS calls per 1,000 shipments; 10,000-shipment intake vs the floor
 *   B  reporting (#3)       throughput at the simulator's rate limit; chaos run
 *   C  border sweep (#4)    bench/sweep.ts
 *
 * Loopback only; every emulator, simulator and worker it starts is stopped before it exits.
 * Environment: BENCH_ONLY=A,B1,B1D,B2,C runs a subset (results.json is then marked partial);
 * BENCH_CDK_OUT=<dir> reuses a synthesized assembly instead of running `cdk synth`.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { intakeFigures } from './intake.ts';
import { chaosFigures, throughputFigures } from './reporting.ts';
import {
  exampleManifest,
  type Figure,
  PROJECT_ROOT,
  progress,
  stopEverything,
  synthesizeForBench,
  withoutNpmNoise,
} from './support.ts';
import { sweepFigures } from './sweep.ts';

/** Everything the bench chose, recorded in results.json. */
const SETTINGS = {
  intake: { shipments: 10_000, measuredPairs: 5, warmUpPairs: 1 },
  throughput: {
    shipments: 1_000,
    /**
     * The simulator's limit, per client per API (submission and query each). At 30/s the
     * submission phase already kept this 2-core machine ~95 % busy (DynamoDB Local, fauxqs, five
     * reporter workers and the simulator share it), so CPU would blur the figure; 20/s leaves headroom.
     */
    rate: 20,
    /**
     * Reporter workers in the local runtime, shared by its two event sources (new reports and
     * follow-ups); each source is capped at the template's MaximumConcurrency (5), as in AWS, where
     * each event source mapping scales on its own.
     */
    concurrency: 10,
    /** DIGITOLL_RATE_LIMIT_PER_SECOND, per API: 5 executions per source × this = R. */
    perInstanceRate: 4,
    timeoutMs: 240_000,
  },
  chaos: {
    shipments: 2_000,
    rate: 50,
    concurrency: 5,
    perInstanceRate: 10,
    faults: {
      errorRate: 0.05,
      rateLimitRate: 0.05,
      timeoutRate: 0.05,
      dropResponseRate: 0.05,
      seed: 20_260_301,
      timeoutHoldMs: 5_000,
    },
    reporterEnv: {
      DIGITOLL_TIMEOUT_MS: '1500',
      REPORT_UNCERTAIN_DELAY_SECONDS: '2',
      REPORT_FIRST_POLL_DELAY_SECONDS: '1',
      REPORT_MAX_ATTEMPTS: '12',
      REPORT_CLAIM_TTL_SECONDS: '30',
    },
    deadlineMs: 300_000,
    drainMs: 60_000,
    maxCopyDelaySeconds: 90,
  },
} as const;

const BUDGET_MS = Number(process.env.BENCH_BUDGET_SECONDS ?? 1_080) * 1000;
const only = process.env.BENCH_ONLY?.split(',').map((part) => part.trim().toUpperCase());
const wants = (id: string) => !only || only.includes(id);

const startedAt = new Date();
const figures: Figure[] = [];
const crashes: string[] = [];
let removeAssembly: () => void = () => {};

function crashRow(group: string, section: string, error: unknown): Figure {
  const message = withoutNpmNoise(error);
  const where = error instanceof Error ? (error.stack?.split('\n').slice(1, 4).join(' ').trim() ?? '') : '';
  crashes.push(`${section}: ${message}${where ? ` (${where})` : ''}`);
  const lines = message.split('\n');
  // The first line says what failed; a tool's output (cdk synth) ends with why.
  const summary = lines.length > 4 ? `${lines[0]} … ${lines.slice(-4).join(' ')}` : lines.join(' ');
  return {
    group,
    name: `${section}: the bench crashed`,
    value: null,
    unit: '',
    target: null,
    met: null,
    notes: summary.slice(0, 800),
  };
}

function formatValue(value: number | null): string {
  if (value === null) return '—';
  return Number.isInteger(value) ? value.toLocaleString('en-US') : String(value);
}

function printTable(rows: Figure[]): void {
  const head = ['#', 'figure', 'value', 'unit', 'target', 'met'];
  const body = rows.map((row, index) => [
    String(index + 1),
    row.name,
    formatValue(row.value),
    row.unit,
    row.target ?? '—',
    row.met === null ? '—' : row.met ? 'yes' : 'NO',
  ]);
  const widths = head.map((title, column) =>
    Math.max(title.length, ...body.map((cells) => (cells[column] ?? '').length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 2 ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ');
  const out: string[] = [];
  let group = '';
  out.push(line(head), widths.map((w) => '─'.repeat(w)).join('  '));
  rows.forEach((row, index) => {
    if (row.group !== group) {
      group = row.group;
      out.push(`${group}`);
    }
    out.push(line(body[index] ?? []));
  });
  out.push('', 'Notes');
  rows.forEach((row, index) => {
    out.push(`${index + 1}. ${row.notes}`);
  });
  console.log(`\n${out.join('\n')}\n`);
}

function writeResults(partial: boolean): string {
  const path = join(PROJECT_ROOT, 'bench', 'results.json');
  const finishedAt = new Date();
  const document = {
    generatedAt: finishedAt.toISOString(),
    durationSeconds: Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000),
    partial,
    machine: { cpus: cpus().length, node: process.version, platform: `${process.platform}/${process.arch}` },
    settings: SETTINGS,
    crashes,
    figures: figures.map(({ group, name, value, unit, target, met, notes }) => ({
      group,
      name,
      value,
      unit,
      target,
      met,
      notes,
    })),
  };
  writeFileSync(path, `${JSON.stringify(document, null, 2)}\n`);
  return path;
}

async function abort(reason: string, code: number): Promise<never> {
  progress(`${reason}: stopping everything`);
  figures.push(crashRow('bench', 'run', new Error(reason)));
  await stopEverything(progress);
  removeAssembly();
  printTable(figures);
  writeResults(true);
  process.exit(code);
}

const watchdog = setTimeout(() => {
  void abort(`time budget of ${BUDGET_MS / 1000} s exceeded`, 2);
}, BUDGET_MS);
process.once('SIGINT', () => void abort('interrupted (SIGINT)', 130));
process.once('SIGTERM', () => void abort('terminated (SIGTERM)', 143));

async function section(group: string, id: string, label: string, run: () => Promise<Figure[]>) {
  if (!wants(id)) return;
  const started = performance.now();
  progress(`${id} ${label}`);
  try {
    figures.push(...(await run()));
  } catch (error) {
    progress(`${id} ${label} crashed: ${(error as Error).message}`);
    figures.push(crashRow(group, label, error));
  } finally {
    await stopEverything(progress);
    progress(`${id} ${label} took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
}

try {
  const { cdkOut, remove } = await synthesizeForBench(progress);
  removeAssembly = remove;
  const template = exampleManifest();

  await section('A intake (#2)', 'A', 'intake', () =>
    intakeFigures({
      cdkOut,
      template,
      runs: SETTINGS.intake.measuredPairs,
      shipments: SETTINGS.intake.shipments,
    }),
  );
  await section('B reporting (#3)', 'B1', 'reporting throughput', () =>
    throughputFigures({ cdkOut, template, ...SETTINGS.throughput }),
  );
  // The same run with twice the client budget (R per API if the calls split evenly), to tell a
  // client-side limit from the ordering of the work: see the throughput row's notes.
  await section('B reporting (#3)', 'B1D', 'reporting throughput, diagnostic', () =>
    throughputFigures({
      cdkOut,
      template,
      ...SETTINGS.throughput,
      perInstanceRate: SETTINGS.throughput.perInstanceRate * 2,
      diagnostic: `the client budget doubled (${SETTINGS.throughput.concurrency} × ${SETTINGS.throughput.perInstanceRate * 2}/s = 2R)`,
    }),
  );
  await section('B reporting (#3)', 'B2', 'reporting chaos', () =>
    chaosFigures({
      cdkOut,
      template,
      ...SETTINGS.chaos,
      faults: { ...SETTINGS.chaos.faults },
      reporterEnv: { ...SETTINGS.chaos.reporterEnv },
    }),
  );
  await section('C border sweep (#4)', 'C', 'border sweep', () => sweepFigures({ cdkOut, template }));
} catch (error) {
  figures.push(crashRow('bench', 'setup', error));
} finally {
  await stopEverything(progress);
  removeAssembly();
}

clearTimeout(watchdog);
printTable(figures);
const written = writeResults(Boolean(only));
progress(`wrote ${written} (${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s in all)`);
process.exit(crashes.length ? 1 : 0);
