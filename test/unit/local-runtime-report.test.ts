/**
 * The local runtime's per-invocation report (Lambda's REPORT line): the execution environment
 * measures its own thread's CPU time and its isolate's peak heap. A hand-written handler in a
 * temporary directory; no emulators needed.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InvocationReport, LambdaFunctionHost } from '../../local/runtime/lambda-host.ts';

const MB = 1024 * 1024;
const HANDLER = `
export const handler = async (event) => {
  if (event.burnCpuMs) {
    // Busy until this thread has used that much CPU: a machine shared with other work may
    // deschedule the thread, which stretches the wall time, not the CPU time.
    const start = process.threadCpuUsage();
    const used = () => {
      const { user, system } = process.threadCpuUsage(start);
      return (user + system) / 1000;
    };
    while (used() < event.burnCpuMs) {}
  }
  if (event.allocMb) {
    // Held until the handler returns, then garbage.
    const held = [];
    for (let i = 0; i < event.allocMb; i++) held.push(new Array(128 * 1024).fill(i + 0.5));
    event.held = held.length;
  }
  if (event.churnMb) {
    // Small arrays (8 KiB), each garbage at once, with keepMb of them kept alive meanwhile.
    const kept = [];
    let sink = 0;
    for (let i = 0; i < event.churnMb * 128; i++) {
      const piece = new Array(1024).fill(i + 0.5);
      if (i < (event.keepMb ?? 0) * 128) kept.push(piece);
      sink += piece[0];
    }
    event.kept = kept.length + (sink > 0 ? 0 : 1);
  }
  if (event.holdForMs) {
    // holdMb alive (8 KiB pieces) and garbageMb dropped, then a wait with the first still held.
    const held = [];
    for (let i = 0; i < (event.holdMb ?? 0) * 128; i++) held.push(new Array(1024).fill(i + 0.5));
    let sink = 0;
    for (let i = 0; i < (event.garbageMb ?? 0) * 128; i++) sink += new Array(1024).fill(i)[0];
    await new Promise((resolve) => setTimeout(resolve, event.holdForMs));
    event.held = held.length + (sink > 0 ? 0 : 1);
  }
  if (event.sleepMs) await new Promise((resolve) => setTimeout(resolve, event.sleepMs));
  if (event.fail) throw new Error('asked to fail');
  return { ok: true };
};
`;

let dir: string;
let host: LambdaFunctionHost;
/** The same function with the benchmarks' live-heap sampling (a forced full GC every 20 ms). */
let sampling: LambdaFunctionHost;
const reports: InvocationReport[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'voec-report-'));
  writeFileSync(join(dir, 'index.mjs'), HANDLER);
  host = new LambdaFunctionHost(
    {
      stackName: 'Test',
      logicalId: 'ReportFn',
      functionName: 'report-fn',
      functionArn: 'arn:aws:lambda:eu-north-1:000000000000:function:report-fn',
      handler: 'index.handler',
      taskRoot: dir,
      timeoutSeconds: 30,
      memorySize: 512,
      environment: { PATH: process.env.PATH ?? '' },
    },
    { maxConcurrency: 1, onReport: (report) => reports.push(report) },
  );
  sampling = new LambdaFunctionHost(host.spec, {
    maxConcurrency: 1,
    onReport: (report) => reports.push(report),
    liveHeapSampleMs: 20,
  });
});

afterAll(async () => {
  await host?.stop();
  await sampling?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function invoke(event: Record<string, unknown>, on = host): Promise<InvocationReport> {
  reports.length = 0;
  const outcome = await on.invoke(event);
  expect(reports).toHaveLength(1);
  const [report] = reports;
  if (!report) throw new Error('no report');
  expect(report.requestId).toBe(outcome.requestId);
  return report;
}

describe('invocation report', () => {
  it('names the function, its memory size and the init duration on the first invocation only', async () => {
    const first = await invoke({});
    expect(first).toMatchObject({
      functionLogicalId: 'ReportFn',
      functionName: 'report-fn',
      memorySizeMb: 512,
    });
    expect(first.initDurationMs).toBeGreaterThan(0);
    expect(first.heapLimitBytes).toBeGreaterThanOrEqual(512 * MB);
    const second = await invoke({});
    expect(second.initDurationMs).toBeUndefined();
  });

  it("counts the thread's CPU time: busy work, but not waiting", async () => {
    const busy = await invoke({ burnCpuMs: 300 });
    const cpu = busy.cpuUserMs + busy.cpuSystemMs;
    expect(cpu).toBeGreaterThanOrEqual(300);
    expect(cpu).toBeLessThan(400);
    expect(busy.durationMs).toBeGreaterThanOrEqual(cpu - 5);
    const waiting = await invoke({ sleepMs: 300 });
    expect(waiting.durationMs).toBeGreaterThanOrEqual(295);
    expect(waiting.cpuUserMs + waiting.cpuSystemMs).toBeLessThan(100);
  });

  it('reports the peak heap of the invocation, even when the handler dropped it before returning', async () => {
    const big = await invoke({ allocMb: 64 });
    // 64 arrays of 128 Ki doubles = 64 MiB, all alive at once before the handler returns.
    expect(big.peakHeapUsedBytes).toBeGreaterThan(60 * MB);
    expect(big.peakHeapUsedBytes - big.heapUsedAtStartBytes).toBeGreaterThan(60 * MB);
    const small = await invoke({});
    // What this invocation added; its peak may still hold the previous one's uncollected garbage.
    expect(small.peakHeapUsedBytes - small.heapUsedAtStartBytes).toBeLessThan(8 * MB);
  });

  it('tells what a handler kept alive through its collections from what it only churned', async () => {
    const churned = await invoke({ churnMb: 256 });
    // 256 MiB of short-lived garbage: many scavenges, each leaving about what there was before.
    expect(churned.gcCount).toBeGreaterThan(0);
    expect(churned.peakHeapAfterGcBytes - churned.heapUsedAtStartBytes).toBeLessThan(16 * MB);
    const kept = await invoke({ churnMb: 320, keepMb: 160 });
    // 160 MiB of the same pieces alive until the handler returns, then 160 more churned: the
    // collections after them keep them. The churn's own figure may still hold an earlier test's
    // garbage (64 MiB, until a full collection), hence the margin.
    expect(kept.peakHeapAfterGcBytes - churned.peakHeapAfterGcBytes).toBeGreaterThan(80 * MB);
  });

  it('with live-heap sampling, weighs what the handler holds, not the garbage it made', async () => {
    const churned = await invoke({ holdForMs: 300, garbageMb: 256 }, sampling);
    const holding = await invoke({ holdForMs: 300, holdMb: 64, garbageMb: 256 }, sampling);
    expect(churned.peakLiveHeapBytes).toBeGreaterThan(0);
    // 64 MiB held through the wait: every forced full collection keeps it, and nothing else.
    expect(holding.peakLiveHeapBytes - churned.peakLiveHeapBytes).toBeGreaterThan(56 * MB);
    expect(holding.peakLiveHeapBytes - churned.peakLiveHeapBytes).toBeLessThan(80 * MB);
    // Without it (as in npm start), nothing is forced and nothing is reported.
    expect((await invoke({ holdForMs: 50, holdMb: 8 })).peakLiveHeapBytes).toBe(0);
  });

  it('reports a failed invocation too', async () => {
    const failed = await invoke({ fail: true });
    expect(failed.outcome).toBe('error');
    expect(failed.durationMs).toBeGreaterThanOrEqual(0);
  });
});
