/**
 * EventBridge scheduled rules: `rate(...)` rules fire their Lambda targets on that rate, and every
 * rule can be fired on demand. Runs may overlap, as EventBridge runs can.
 */
import { randomUUID } from 'node:crypto';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './aws.ts';
import type { LambdaError, LambdaFunctionHost } from './lambda-host.ts';

export interface ScheduleTarget {
  id: string;
  host: LambdaFunctionHost;
  /** The target's constant `Input` (JSON text) instead of the scheduled event. */
  input?: string;
}

export interface ScheduledRule {
  logicalId: string;
  ruleName: string;
  ruleArn: string;
  expression: string;
  targets: ScheduleTarget[];
}

export interface ScheduleRunResult {
  rule: string;
  function: string;
  ok: boolean;
  result?: unknown;
  error?: LambdaError;
}

/** `rate(5 minutes)` → milliseconds; undefined for anything else (cron). */
export function rateMillis(expression: string): number | undefined {
  const match = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(expression.trim());
  if (!match) return undefined;
  const unit = match[2]?.replace(/s$/, '');
  const scale = unit === 'minute' ? 60_000 : unit === 'hour' ? 3_600_000 : 86_400_000;
  return Number(match[1]) * scale;
}

export function scheduledEvent(rule: ScheduledRule, now = new Date()) {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: LOCAL_ACCOUNT,
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: LOCAL_REGION,
    resources: [rule.ruleArn],
    detail: {},
  };
}

export class Scheduler {
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    readonly rules: ScheduledRule[],
    private readonly log: (message: string) => void,
  ) {}

  /** Starts the rate timers. The first run is one period after start, like a new rule. */
  start(): void {
    for (const rule of this.rules) {
      const period = rateMillis(rule.expression);
      if (period === undefined) {
        this.log(
          `schedule ${rule.logicalId}: ${rule.expression} — cron not supported locally; run it on demand`,
        );
        continue;
      }
      const timer = setInterval(() => {
        void this.runRule(rule).then((results) => {
          for (const result of results) {
            this.log(
              `schedule ${rule.logicalId} → ${result.function}: ${result.ok ? 'ok' : `failed: ${result.error?.errorType} ${result.error?.errorMessage}`}`,
            );
          }
        });
      }, period);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /** Fires every rule now and resolves once every target function has finished. */
  async runAll(): Promise<ScheduleRunResult[]> {
    return (await Promise.all(this.rules.map((rule) => this.runRule(rule)))).flat();
  }

  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }

  private runRule(rule: ScheduledRule): Promise<ScheduleRunResult[]> {
    return Promise.all(
      rule.targets.map(async (target): Promise<ScheduleRunResult> => {
        const base = { rule: rule.logicalId, function: target.host.spec.logicalId };
        const event = target.input !== undefined ? JSON.parse(target.input) : scheduledEvent(rule);
        try {
          const outcome = await target.host.invoke(event);
          if (outcome.status === 'ok') return { ...base, ok: true, result: JSON.parse(outcome.payload) };
          if (outcome.status === 'error') return { ...base, ok: false, error: outcome.error };
          return {
            ...base,
            ok: false,
            error: { errorType: 'RequestEntityTooLargeException', errorMessage: `${outcome.bytes} bytes` },
          };
        } catch (error) {
          return {
            ...base,
            ok: false,
            error: { errorType: 'Error', errorMessage: (error as Error).message },
          };
        }
      }),
    );
  }
}
