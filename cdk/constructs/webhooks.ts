/**
 * Partner webhooks: signed notifications delivered from their own queue (so a slow partner never
 * blocks the sweep), retried with back-off by re-queueing, dead-lettered at the end.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FUNCTION_TIMEOUT_SECONDS } from '../../lib/deployment.ts';
import type { StageConfig } from '../config.ts';
import { HouseFunction } from './house-function.ts';
import { grantTable } from './table-grants.ts';

export interface WebhooksProps {
  config: StageConfig;
  table: ITable;
  notificationQueue: IQueue;
  notificationDeadLetterQueue: IQueue;
  environment: Record<string, string>;
}

export class Webhooks extends Construct {
  readonly deliverer: IFunction;

  constructor(scope: Construct, id: string, props: WebhooksProps) {
    super(scope, id);
    const { config, table, notificationQueue, notificationDeadLetterQueue, environment } = props;

    const deliverer = new HouseFunction(this, 'Deliverer', {
      entry: 'functions/queue/webhooks.ts',
      description: 'Delivers signed notifications to partner webhooks',
      environment,
      logRetention: config.logRetentionDays,
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.webhooks),
    }).fn;
    this.deliverer = deliverer;

    deliverer.addEventSource(
      new SqsEventSource(notificationQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: 5,
      }),
    );
    grantTable(table, deliverer, 'dynamodb:GetItem', 'dynamodb:PutItem');
    notificationQueue.grantSendMessages(deliverer);
    notificationDeadLetterQueue.grantSendMessages(deliverer);
  }
}
