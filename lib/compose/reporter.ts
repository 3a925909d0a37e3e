/**
 * The reporter function: the report store, Digitoll (with its Maskinporten token), the follow-up
 * queue and the dead-letter queue. One DynamoDB and one SQS client; it never sends new reports,
 * so it has no report queue of its own.
 */
import { DigitollHttpClient } from '../adapters/digitoll/client.ts';
import { DigitollReporting } from '../adapters/digitoll/reporting.ts';
import { ROAD_V2_MAPPING } from '../adapters/digitoll/road-v2/mapping.ts';
import { DynamoReportStore } from '../adapters/dynamodb/report-store.ts';
import { SqsDeadLetters } from '../adapters/sqs/dead-letters.ts';
import { deadLetterRaw } from '../adapters/sqs/raw-dead-letter.ts';
import { SqsReportQueue } from '../adapters/sqs/report-queue.ts';
import type { ReporterConfig } from '../config.ts';
import { systemClock, timeOrderedIds } from '../domain/ids.ts';
import { DEFAULT_REPORTER_SETTINGS, type ReporterDeps } from '../domain/reporter.ts';
import { sqsClient, table } from './aws.ts';
import { lazyTokens } from './digitoll-tokens.ts';

export function reporterDeps(config: ReporterConfig): {
  reporter: ReporterDeps;
  /** Dead-letters a message body that breaks the queue's contract, as received. */
  deadLetterInvalid(body: string, reason: string): Promise<void>;
} {
  const sqs = sqsClient(config);
  return {
    reporter: {
      store: new DynamoReportStore(table(config)),
      // One movement API per transport mode; road v2 is the only one so far.
      digitoll: new DigitollReporting(
        {
          ROAD: {
            mapping: ROAD_V2_MAPPING,
            client: new DigitollHttpClient({
              baseUrl: config.DIGITOLL_BASE_URL,
              tokens: lazyTokens(config, config.MASKINPORTEN_SCOPE),
              timeoutMs: config.DIGITOLL_TIMEOUT_MS,
              rateLimitPerSecond: config.DIGITOLL_RATE_LIMIT_PER_SECOND,
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
