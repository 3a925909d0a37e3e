/**
 * The reporter function: the report store, Digitoll (with its Maskinporten token), the follow-up
 * queue and the dead-letter queue. One DynamoDB and one SQS client; it never sends new reports,
 * so it has no report queue of its own.
 */
import { AIR_MAPPING } from '../adapters/digitoll/air/mapping.ts';
import { AIR_API, DigitollHttpClient, ROAD_V2_API } from '../adapters/digitoll/client.ts';
import { DigitollReporting } from '../adapters/digitoll/reporting.ts';
import { ROAD_V2_MAPPING } from '../adapters/digitoll/road-v2/mapping.ts';
import { DynamoRateBudget } from '../adapters/dynamodb/rate-budget.ts';
import { DynamoReportStore } from '../adapters/dynamodb/report-store.ts';
import type { Table } from '../adapters/dynamodb/table.ts';
import { SqsDeadLetters } from '../adapters/sqs/dead-letters.ts';
import { deadLetterRaw } from '../adapters/sqs/raw-dead-letter.ts';
import { SqsReportQueue } from '../adapters/sqs/report-queue.ts';
import type { ReporterConfig } from '../config.ts';
import { systemClock, timeOrderedIds } from '../domain/ids.ts';
import { DEFAULT_REPORTER_SETTINGS, type ReporterDeps } from '../domain/reporter.ts';
import { sqsClient, table } from './aws.ts';
import { lazyTokens } from './digitoll-tokens.ts';

/**
 * The Digitoll rate R (DIGITOLL_RATE_LIMIT_PER_SECOND, per API) as one budget every reporter
 * instance draws from (rate-budget.ts explains why shared); 0 = no client-side limit.
 */
function sharedBudgets(config: ReporterConfig, shared: Table, movementApi: 'road' | 'air') {
  const rate = config.DIGITOLL_RATE_LIMIT_PER_SECOND;
  if (!(rate > 0)) return undefined;
  // Customs limits each movement API on its own: road and air each get R, each its own buckets.
  const budget = (api: string) =>
    new DynamoRateBudget(shared, `digitoll-${movementApi}-${api}`, {
      ratePerSecond: rate,
      burst: config.DIGITOLL_RATE_LIMIT_BURST,
    });
  return { submission: budget('submission'), query: budget('query') };
}

export function reporterDeps(config: ReporterConfig): {
  reporter: ReporterDeps;
  /** Dead-letters a message body that breaks the queue's contract, as received. */
  deadLetterInvalid(body: string, reason: string): Promise<void>;
} {
  const sqs = sqsClient(config);
  const shared = table(config);
  const roadBudget = sharedBudgets(config, shared, 'road');
  const airBudget = sharedBudgets(config, shared, 'air');
  return {
    reporter: {
      store: new DynamoReportStore(shared),
      // One movement API per transport mode, each with its own token (scope) and rate budget.
      digitoll: new DigitollReporting(
        {
          ROAD: {
            mapping: ROAD_V2_MAPPING,
            client: new DigitollHttpClient({
              baseUrl: config.DIGITOLL_BASE_URL,
              api: ROAD_V2_API,
              tokens: lazyTokens(config, config.MASKINPORTEN_SCOPE),
              timeoutMs: config.DIGITOLL_TIMEOUT_MS,
              ...(roadBudget ? { rateLimiters: roadBudget } : {}),
            }),
          },
          AIR: {
            mapping: AIR_MAPPING,
            client: new DigitollHttpClient({
              baseUrl: config.DIGITOLL_BASE_URL,
              api: AIR_API,
              tokens: lazyTokens(config, config.MASKINPORTEN_AIR_SCOPE),
              timeoutMs: config.DIGITOLL_TIMEOUT_MS,
              ...(airBudget ? { rateLimiters: airBudget } : {}),
            }),
          },
        },
        systemClock,
      ),
      followUps: new SqsReportQueue(sqs, config.REPORT_FOLLOW_UP_QUEUE_URL),
      deadLetters: new SqsDeadLetters(sqs, config.REPORT_DLQ_URL),
      clock: systemClock,
      ids: timeOrderedIds(systemClock),
      settings: {
        ...DEFAULT_REPORTER_SETTINGS,
        claimTtlMs: config.REPORT_CLAIM_TTL_SECONDS * 1000,
        uncertainDelaySeconds: config.REPORT_UNCERTAIN_DELAY_SECONDS,
        firstPollDelaySeconds: config.REPORT_FIRST_POLL_DELAY_SECONDS,
        maxAttempts: config.REPORT_MAX_ATTEMPTS,
        maxPolls: config.REPORT_MAX_POLLS,
      },
    },
    deadLetterInvalid: (body, reason) => deadLetterRaw(sqs, config.REPORT_DLQ_URL, body, reason),
  };
}
