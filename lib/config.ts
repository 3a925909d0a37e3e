/**
 * Function configuration from the environment, validated once at cold start.
 */
import { z } from 'zod';

const Env = z.object({
  STAGE: z.string().default('dev'),
  TABLE_NAME: z.string().min(1),
  REPORT_QUEUE_URL: z.url(),
  RECORD_RETENTION_DAYS: z.coerce.number().int().positive().default(90),
  AWS_REGION: z.string().default('eu-north-1'),
  /** Set by the local runtime and the tests to reach the emulators. */
  AWS_ENDPOINT_URL_DYNAMODB: z.url().optional(),
  AWS_ENDPOINT_URL_SQS: z.url().optional(),
  /** Queue of webhook deliveries and its dead-letter queue (the sweep fills it, the deliverer drains it). */
  NOTIFICATION_QUEUE_URL: z.url().optional(),
  NOTIFICATION_DLQ_URL: z.url().optional(),
  /** Lets webhooks use http:// on localhost (local runs only). */
  WEBHOOK_ALLOW_INSECURE_LOCALHOST: z.enum(['true', 'false']).default('false'),
  WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
  WEBHOOK_BASE_DELAY_SECONDS: z.coerce.number().int().min(1).max(900).default(10),
  SWEEP_RECHECK_MINUTES: z.coerce.number().positive().default(5),
});
export type Config = z.infer<typeof Env>;

/** An empty variable means "not set" (CloudFormation and the local runtime write empty strings). */
const withoutEmpty = (env: NodeJS.ProcessEnv) =>
  Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));

function parseEnv<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv, what: string): z.infer<T> {
  const parsed = schema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`Invalid ${what}: ${problems}`);
  }
  return parsed.data;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return parseEnv(Env, env, 'configuration');
}

const ReporterEnv = Env.extend({
  REPORT_DLQ_URL: z.url(),
  /** The reporter's own follow-ups (polls, delayed retries), consumed by the reporter too. */
  REPORT_FOLLOW_UP_QUEUE_URL: z.url(),
  /** Digitoll host: https://api-test.toll.no (test) or https://api.toll.no (production), or the simulator. */
  DIGITOLL_BASE_URL: z.url(),
  MASKINPORTEN_TOKEN_URL: z.url(),
  MASKINPORTEN_AUDIENCE: z.string().min(1),
  MASKINPORTEN_SCOPE: z.string().default('toll:movement/road/v2'),
  /** Customs token exchange; defaults to Digitoll's own path on DIGITOLL_BASE_URL. */
  DIGITOLL_TOKEN_EXCHANGE_URL: z.url().optional(),
  /** Deployed: a Secrets Manager secret holding {clientId, privateKeyPem, certificateChainPem?, keyId?}. */
  MASKINPORTEN_SECRET_ARN: z.string().min(1).optional(),
  /** Local runtime and tests: the same credentials from the environment. */
  MASKINPORTEN_CLIENT_ID: z.string().min(1).optional(),
  MASKINPORTEN_PRIVATE_KEY_PEM: z.string().min(1).optional(),
  MASKINPORTEN_KEY_ID: z.string().min(1).optional(),
  DIGITOLL_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Per function instance; with the reporter's maximum concurrency this bounds the total rate. */
  DIGITOLL_RATE_LIMIT_PER_SECOND: z.coerce.number().nonnegative().default(10),
  REPORT_UNCERTAIN_DELAY_SECONDS: z.coerce.number().int().min(1).max(900).default(60),
  REPORT_FIRST_POLL_DELAY_SECONDS: z.coerce.number().int().min(1).max(900).default(2),
  REPORT_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  REPORT_MAX_POLLS: z.coerce.number().int().min(1).max(200).default(30),
  REPORT_CLAIM_TTL_SECONDS: z.coerce.number().int().min(30).default(120),
  /** SQS receives before the dead-letter queue (the queue's maxReceiveCount). */
  REPORT_MAX_RECEIVES: z.coerce.number().int().min(1).default(5),
}).refine(
  (env) => env.MASKINPORTEN_SECRET_ARN || (env.MASKINPORTEN_CLIENT_ID && env.MASKINPORTEN_PRIVATE_KEY_PEM),
  {
    message: 'set MASKINPORTEN_SECRET_ARN, or MASKINPORTEN_CLIENT_ID and MASKINPORTEN_PRIVATE_KEY_PEM',
  },
);
export type ReporterConfig = z.infer<typeof ReporterEnv>;

export function loadReporterConfig(env: NodeJS.ProcessEnv = process.env): ReporterConfig {
  return parseEnv(ReporterEnv, env, 'reporter configuration');
}
