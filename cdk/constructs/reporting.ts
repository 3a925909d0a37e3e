/**
 * Reporting to Digitoll: the reporter consumes the report queue (partial batch failures, bounded
 * concurrency so the calls to Digitoll stay under its rate), reads the Maskinporten key from
 * Secrets Manager, and dead-letters what fails every attempt.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';
import { REPORT_MAX_RECEIVES, REPORTER_TIMEOUT_SECONDS } from '../stateful-stack.ts';
import { HouseFunction } from './house-function.ts';
import { grantTable } from './table-grants.ts';

export interface ReportingProps {
  config: StageConfig;
  table: ITable;
  reportQueue: IQueue;
  reportFollowUpQueue: IQueue;
  reportDeadLetterQueue: IQueue;
  maskinportenSecret: ISecret;
  environment: Record<string, string>;
}

export class Reporting extends Construct {
  readonly reporter: IFunction;

  constructor(scope: Construct, id: string, props: ReportingProps) {
    super(scope, id);
    const { config, table, reportQueue, reportDeadLetterQueue, maskinportenSecret } = props;

    const reporter = new HouseFunction(this, 'Reporter', {
      entry: 'functions/queue/reporter.ts',
      description: 'Reports transports, masters and houses to Digitoll and follows them to their MRN',
      logRetention: config.logRetentionDays,
      timeout: Duration.seconds(REPORTER_TIMEOUT_SECONDS),
      environment: {
        ...props.environment,
        REPORT_DLQ_URL: reportDeadLetterQueue.queueUrl,
        REPORT_FOLLOW_UP_QUEUE_URL: props.reportFollowUpQueue.queueUrl,
        DIGITOLL_BASE_URL: config.digitollBaseUrl,
        MASKINPORTEN_TOKEN_URL: config.maskinporten.tokenUrl,
        MASKINPORTEN_AUDIENCE: config.maskinporten.audience,
        MASKINPORTEN_SECRET_ARN: maskinportenSecret.secretArn,
        DIGITOLL_RATE_LIMIT_PER_SECOND: String(config.digitollRateLimitPerInstance),
        REPORT_MAX_RECEIVES: String(REPORT_MAX_RECEIVES),
        ...(config.maskinporten.scope ? { MASKINPORTEN_SCOPE: config.maskinporten.scope } : {}),
      },
    }).fn;
    this.reporter = reporter;

    reporter.addEventSource(
      new SqsEventSource(reportQueue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        maxConcurrency: config.reporterMaxConcurrency,
      }),
    );
    grantTable(
      table,
      reporter,
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'dynamodb:PutItem',
    );
    grantTable(table, reporter, 'dynamodb:ConditionCheckItem');
    // Follow-ups (polls, delayed retries) come back on their own queue, to the same function.
    reporter.addEventSource(
      new SqsEventSource(props.reportFollowUpQueue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        maxConcurrency: config.reporterMaxConcurrency,
      }),
    );
    // Queues its own follow-ups and dead-letters explicitly.
    props.reportFollowUpQueue.grantSendMessages(reporter);
    reportDeadLetterQueue.grantSendMessages(reporter);
    maskinportenSecret.grantRead(reporter);
  }
}
