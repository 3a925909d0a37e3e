/** What `npm start` prints per function invocation (local/runtime/invocation-log.ts). */
import { describe, expect, it } from 'vitest';
import { functionOutput, invocationLine, shortLogLine } from '../../local/runtime/invocation-log.ts';
import type { InvocationReport } from '../../local/runtime/lambda-host.ts';

const report = (overrides: Partial<InvocationReport> = {}): InvocationReport => ({
  functionLogicalId: 'PartnerApiReadFnA1B2C3D4',
  functionName: 'read',
  requestId: 'r-1',
  memorySizeMb: 512,
  outcome: 'ok',
  durationMs: 12.4,
  cpuUserMs: 5,
  cpuSystemMs: 1,
  peakHeapUsedBytes: 1,
  heapUsedAtStartBytes: 1,
  peakHeapAfterGcBytes: 1,
  peakLiveHeapBytes: 0,
  peakExternalBytes: 1,
  heapLimitBytes: 1,
  gcCount: 0,
  ...overrides,
});

describe('local function output', () => {
  it('is one short line per invocation, with the cold start on the first', () => {
    expect(invocationLine(report())).toBe('PartnerApiReadFn ok 12 ms');
    expect(invocationLine(report({ outcome: 'error', durationMs: 3, initDurationMs: 251.6 }))).toBe(
      'PartnerApiReadFn ERROR 3 ms, cold start 252 ms',
    );
  });

  it('keeps warnings and errors as their message and drops the rest in short mode', () => {
    expect(shortLogLine('{"level":"INFO","message":"Request refused","status":400}')).toBeUndefined();
    expect(shortLogLine('{"_aws":{"CloudWatchMetrics":[]},"ShipmentsAccepted":3}')).toBeUndefined();
    expect(shortLogLine('{"level":"ERROR","message":"Request failed","error":{}}')).toBe(
      'ERROR Request failed',
    );
    expect(shortLogLine('{"level":"WARN","message":"Digitoll slow"}')).toBe('WARN Digitoll slow');
    expect(shortLogLine('ERROR Invoke Error {"errorType":"TypeError"}')).toBe(
      'ERROR Invoke Error {"errorType":"TypeError"}',
    );
    expect(shortLogLine('some debug text')).toBeUndefined();
  });

  it('prints every line as it is in full mode, and no invocation lines', () => {
    const printed: string[] = [];
    const full = functionOutput(true, (line) => printed.push(line));
    full.functionLogs('ReadFnA1B2C3D4', '{"level":"INFO","message":"x"}');
    expect(printed).toEqual(['ReadFnA1B2C3D4 │ {"level":"INFO","message":"x"}']);
    expect(full.onInvocationReport).toBeUndefined();

    const short = functionOutput(false, (line) => printed.push(line));
    short.functionLogs('ReadFnA1B2C3D4', '{"level":"INFO","message":"x"}');
    short.onInvocationReport?.(report());
    expect(printed.slice(1)).toEqual(['PartnerApiReadFn ok 12 ms']);
  });
});
