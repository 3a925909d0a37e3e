/**
 * Per-stage configuration, validated at synth: a typo in a stage fails `cdk synth`, not a deploy.
 */
import { z } from 'zod';
import { DEFAULT_IO_CONCURRENCY } from '../lib/concurrency.ts';

export const StageConfig = z.strictObject({
  stage: z.enum(['dev', 'prod']),
  /** Digitoll base URL: the playground for dev, production for prod (digitoll-road-v2.md §2.1). */
  digitollBaseUrl: z.url(),
  /** How often the scheduled border function runs, in minutes. */
  scheduleRateMinutes: z.number().int().min(1).max(60),
  /** How often the routing poller pulls Customs' routing signals, in minutes (issue #10: every minute). */
  routingPollRateMinutes: z.number().int().min(1).max(60),
  logRetentionDays: z.union([z.literal(7), z.literal(30), z.literal(90), z.literal(365)]),
  /** Finished records are removed by TTL after this many days. */
  recordRetentionDays: z.number().int().min(30).max(3650),
  /** Requests per second across the HTTP API, and the burst above it. */
  apiThrottle: z.strictObject({ rateLimit: z.number().positive(), burstLimit: z.number().int().positive() }),
  deletionProtection: z.boolean(),
  /** Maskinporten for the Digitoll token (§10): test for dev, production for prod. */
  maskinporten: z.strictObject({
    tokenUrl: z.url(),
    audience: z.string().min(1),
    /**
     * The Digitoll road v2 scope (§10): Norwegian carriers `toll:movement/road/v2` (the reporter's
     * default when unset), foreign carriers signing with an eSeal `toll:eu/movement/road/v2`.
     */
    scope: z.enum(['toll:movement/road/v2', 'toll:eu/movement/road/v2']).optional(),
    /** The routing API scope (§9.2): `toll:movement/entry` (the poller's default), foreign organisations `toll:eu/movement/entry`. */
    routingScope: z.enum(['toll:movement/entry', 'toll:eu/movement/entry']).optional(),
  }),
  /** Concurrent reporter instances (per event source). */
  reporterMaxConcurrency: z.number().int().min(2).max(1000),
  /**
   * The rate Customs grants per Digitoll API (requests/s): one budget all reporter instances share
   * (lib/adapters/dynamodb/rate-budget.ts), so idle instances leave no rate unused.
   */
  digitollRateLimitPerSecond: z.number().positive(),
  /**
   * Bulk requests in flight per operation in every function (batch writes and reads,
   * SendMessageBatch calls, the sweep's per-shipment transactions): IO_CONCURRENCY.
   */
  ioConcurrency: z.number().int().min(1).max(64),
  /** Alarm thresholds and where alarms go (docs/deploy-and-operate.md explains each alarm). */
  alarms: z.strictObject({
    /** An e-mail address subscribed to the alarm topic (confirm the subscription once). */
    email: z.email().optional(),
    /** An existing SNS topic (e.g. the on-call pager) that also receives every alarm. */
    topicArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, 'must be an SNS topic ARN')
      .optional(),
    /** Age of the oldest report message before the reporter is considered stuck. */
    reportQueueMaxAgeSeconds: z.number().int().min(60).max(86_400),
    /** Age of the oldest webhook delivery before the deliverer is considered stuck. */
    notificationQueueMaxAgeSeconds: z.number().int().min(60).max(86_400),
    /** Errors per 5 minutes of one API function (authorizer included) that raise an alarm. */
    apiFunctionErrors: z.number().int().min(1),
    /** 5xx answers per 5 minutes of the HTTP API that raise an alarm. */
    api5xx: z.number().int().min(1),
  }),
});
export type StageConfig = z.infer<typeof StageConfig>;

const STAGES: Record<string, StageConfig> = {
  dev: {
    stage: 'dev',
    digitollBaseUrl: 'https://api-test.toll.no',
    scheduleRateMinutes: 5,
    routingPollRateMinutes: 1,
    logRetentionDays: 30,
    recordRetentionDays: 90,
    apiThrottle: { rateLimit: 50, burstLimit: 100 },
    deletionProtection: false,
    maskinporten: {
      tokenUrl: 'https://test.maskinporten.no/token',
      audience: 'https://test.maskinporten.no/',
    },
    reporterMaxConcurrency: 5,
    // Was 5 instances × 10/s each: the same total, now shared.
    digitollRateLimitPerSecond: 50,
    ioConcurrency: DEFAULT_IO_CONCURRENCY,
    alarms: {
      // The playground is slow and flaky at times: tolerate more before paging anyone.
      reportQueueMaxAgeSeconds: 3600,
      notificationQueueMaxAgeSeconds: 3600,
      apiFunctionErrors: 5,
      api5xx: 10,
    },
  },
  prod: {
    stage: 'prod',
    digitollBaseUrl: 'https://api.toll.no',
    scheduleRateMinutes: 5,
    routingPollRateMinutes: 1,
    logRetentionDays: 365,
    recordRetentionDays: 400,
    apiThrottle: { rateLimit: 200, burstLimit: 400 },
    deletionProtection: true,
    maskinporten: { tokenUrl: 'https://maskinporten.no/token', audience: 'https://maskinporten.no/' },
    reporterMaxConcurrency: 10,
    // Was 10 instances × 10/s each: the same total, now shared.
    digitollRateLimitPerSecond: 100,
    ioConcurrency: DEFAULT_IO_CONCURRENCY,
    alarms: {
      // A house is due at the border 2 h before arrival: a report stuck for 15 min eats into that.
      reportQueueMaxAgeSeconds: 900,
      notificationQueueMaxAgeSeconds: 1800,
      apiFunctionErrors: 1,
      api5xx: 5,
    },
  },
};

/** Deploy-time choices that do not belong in the repository (`-c alarmEmail=… -c alarmTopicArn=…`). */
export interface StageOverrides {
  alarmEmail?: string | undefined;
  alarmTopicArn?: string | undefined;
}

export function stageConfig(stage: string | undefined, overrides: StageOverrides = {}): StageConfig {
  const name = stage ?? 'dev';
  const config = STAGES[name];
  if (!config) throw new Error(`Unknown stage "${name}"; expected one of ${Object.keys(STAGES).join(', ')}`);
  const alarms = {
    ...config.alarms,
    ...(overrides.alarmEmail ? { email: overrides.alarmEmail } : {}),
    ...(overrides.alarmTopicArn ? { topicArn: overrides.alarmTopicArn } : {}),
  };
  const parsed = StageConfig.safeParse({ ...config, alarms });
  if (!parsed.success) {
    throw new Error(`Invalid configuration for stage "${name}": ${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}
