/**
 * What `npm start` prints about the functions. By default one short line per invocation (function,
 * outcome, duration, cold start) plus any warning or error the function logs, as its message only;
 * with LOCAL_LOGS=full every line the functions write (Powertools' JSON) is printed as it is.
 */
import type { FunctionLogSink, InvocationReport, InvocationReportSink } from './lambda-host.ts';

/** The environment variable that switches to full function logs, and its value. */
export const FULL_LOGS_ENV = 'LOCAL_LOGS';
export const FULL_LOGS_VALUE = 'full';

/** The function's name without CDK's hash suffix (`ReadFnA1B2C3D4` → `ReadFn`). */
export const shortFunctionName = (logicalId: string) => logicalId.replace(/[0-9A-F]{8}$/, '');

/** One invocation in one line: `ReadFn ok 12 ms` (`, cold start 240 ms` on an environment's first). */
export function invocationLine(report: InvocationReport): string {
  const outcome = report.outcome === 'ok' ? 'ok' : 'ERROR';
  const cold =
    report.initDurationMs === undefined ? '' : `, cold start ${Math.round(report.initDurationMs)} ms`;
  return `${shortFunctionName(report.functionLogicalId)} ${outcome} ${Math.round(report.durationMs)} ms${cold}`;
}

const LOUD = new Set(['WARN', 'ERROR', 'CRITICAL']);

/** A function's log line in short mode: a warning or error as `LEVEL message`, anything else nothing. */
export function shortLogLine(line: string): string | undefined {
  const trimmed = line.trim();
  if (trimmed.startsWith('{')) {
    try {
      const entry = JSON.parse(trimmed) as { level?: unknown; message?: unknown };
      const level = String(entry.level ?? '').toUpperCase();
      return LOUD.has(level) ? `${level} ${String(entry.message ?? '')}` : undefined;
    } catch {
      return undefined;
    }
  }
  // Plain lines: the runtime's own "ERROR Invoke Error …" and uncaught warnings or errors.
  return /^(ERROR|WARN)/.test(trimmed) ? trimmed : undefined;
}

/** The function log sink and invocation report sink for the chosen mode, printing with `print`. */
export function functionOutput(
  full: boolean,
  print: (line: string) => void = console.log,
): { functionLogs: FunctionLogSink; onInvocationReport?: InvocationReportSink } {
  if (full) return { functionLogs: (fn, line) => print(`${fn} │ ${line}`) };
  return {
    functionLogs: (fn, line) => {
      const short = shortLogLine(line);
      if (short) print(`${shortFunctionName(fn)} │ ${short}`);
    },
    onInvocationReport: (report) => print(invocationLine(report)),
  };
}
