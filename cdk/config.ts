/**
 * Per-stage configuration, validated at synth: a typo in a stage fails `cdk synth`, not a deploy.
 */
import { z } from 'zod';

export const StageConfig = z.strictObject({
  stage: z.enum(['dev', 'prod']),
  /** Digitoll base URL: the playground for dev, production for prod (digitoll-road-v2.md §2.1). */
  digitollBaseUrl: z.url(),
  /** How often the scheduled border function runs, in minutes. */
  scheduleRateMinutes: z.number().int().min(1).max(60),
  logRetentionDays: z.union([z.literal(7), z.literal(30), z.literal(90), z.literal(365)]),
  /** Finished records are removed by TTL after this many days. */
  recordRetentionDays: z.number().int().min(30).max(3650),
  /** Requests per second across the HTTP API, and the burst above it. */
  apiThrottle: z.strictObject({ rateLimit: z.number().positive(), burstLimit: z.number().int().positive() }),
  deletionProtection: z.boolean(),
  /** Maskinporten for the Digitoll token (§10): test for dev, production for prod. */
  maskinporten: z.strictObject({ tokenUrl: z.url(), audience: z.string().min(1) }),
  /** Concurrent reporter instances; times the per-instance rate this bounds the calls to Digitoll. */
  reporterMaxConcurrency: z.number().int().min(2).max(1000),
  digitollRateLimitPerInstance: z.number().positive(),
});
export type StageConfig = z.infer<typeof StageConfig>;

const STAGES: Record<string, StageConfig> = {
  dev: {
    stage: 'dev',
    digitollBaseUrl: 'https://api-test.toll.no',
    scheduleRateMinutes: 5,
    logRetentionDays: 30,
    recordRetentionDays: 90,
    apiThrottle: { rateLimit: 50, burstLimit: 100 },
    deletionProtection: false,
    maskinporten: {
      tokenUrl: 'https://test.maskinporten.no/token',
      audience: 'https://test.maskinporten.no/',
    },
    reporterMaxConcurrency: 5,
    digitollRateLimitPerInstance: 10,
  },
  prod: {
    stage: 'prod',
    digitollBaseUrl: 'https://api.toll.no',
    scheduleRateMinutes: 5,
    logRetentionDays: 365,
    recordRetentionDays: 400,
    apiThrottle: { rateLimit: 200, burstLimit: 400 },
    deletionProtection: true,
    maskinporten: { tokenUrl: 'https://maskinporten.no/token', audience: 'https://maskinporten.no/' },
    reporterMaxConcurrency: 10,
    digitollRateLimitPerInstance: 10,
  },
};

export function stageConfig(stage: string | undefined): StageConfig {
  const name = stage ?? 'dev';
  const config = STAGES[name];
  if (!config) throw new Error(`Unknown stage "${name}"; expected one of ${Object.keys(STAGES).join(', ')}`);
  return StageConfig.parse(config);
}
