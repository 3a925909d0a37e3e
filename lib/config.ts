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
});
export type Config = z.infer<typeof Env>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`Invalid configuration: ${problems}`);
  }
  return parsed.data;
}
