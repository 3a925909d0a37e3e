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
import { ENV, FUNCTION_TIMEOUT_SECONDS } from '../../lib/deployment.ts';
import type { StageConfig } from '../config.ts';
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
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.reporter),
      environment: {
        ...props.environment,
        [ENV.reportDlqUrl]: reportDeadLetterQueue.queueUrl,
        [ENV.reportFollowUpQueueUrl]: props.reportFollowUpQueue.queueUrl,
        [ENV.digitollBaseUrl]: config.digitollBaseUrl,
        [ENV.maskinportenTokenUrl]: config.maskinporten.tokenUrl,
        [ENV.maskinportenAudience]: config.maskinporten.audience,
        [ENV.maskinportenSecretArn]: maskinportenSecret.secretArn,
        [ENV.digitollRateLimitPerSecond]: String(config.digitollRateLimitPerSecond),
        ...(config.maskinporten.scope ? { [ENV.maskinportenScope]: config.maskinporten.scope } : {}),
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
