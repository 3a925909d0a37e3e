/**
 * Partner webhooks: signed notifications delivered from their own queue (so a slow partner never
 * blocks the sweep), retried with back-off by re-queueing, dead-lettered at the end. New outbox
 * items reach that queue within seconds through the table's stream: an event source mapping whose
 * filter passes only INSERTs of outbox items (sort key prefix), bisecting a failing batch, with an
 * on-failure destination; the schedule drains what the stream could not hand over.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { FilterCriteria, FilterRule, type IFunction, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OUTBOX_SORT_KEY_PREFIX } from '../../lib/adapters/dynamodb/table-design.ts';
import { FUNCTION_TIMEOUT_SECONDS } from '../../lib/deployment.ts';
import type { StageConfig } from '../config.ts';
import { HouseFunction } from './house-function.ts';
import { acknowledgeNag } from './nag.ts';
import { grantTable } from './table-grants.ts';

export interface WebhooksProps {
  config: StageConfig;
  table: ITable;
  notificationQueue: IQueue;
  notificationDeadLetterQueue: IQueue;
  /** Where the stream consumer records batches it failed on every retry. */
  outboxStreamFailureQueue: IQueue;
  environment: Record<string, string>;
}

export class Webhooks extends Construct {
  readonly deliverer: IFunction;
  readonly outboxStream: IFunction;

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
    // Claims and receipts are puts; a failed attempt deletes its claim.
    grantTable(table, deliverer, 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem');
    notificationQueue.grantSendMessages(deliverer);
    notificationDeadLetterQueue.grantSendMessages(deliverer);

    const outboxStream = new HouseFunction(this, 'OutboxStream', {
      entry: 'functions/stream/outbox.ts',
      description: 'Hands new outbox notifications to the webhook queue (table stream)',
      environment,
      logRetention: config.logRetentionDays,
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.outboxStream),
    }).fn;
    this.outboxStream = outboxStream;
    outboxStream.addEventSource(
      new DynamoEventSource(table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(0),
        bisectBatchOnError: true,
        retryAttempts: 5,
        // Older than this, the schedule has handed it over anyway.
        maxRecordAge: Duration.hours(1),
        onFailure: new SqsDlq(props.outboxStreamFailureQueue),
        filters: [
          FilterCriteria.filter({
            eventName: FilterRule.isEqual('INSERT'),
            dynamodb: { Keys: { sk: { S: FilterRule.beginsWith(OUTBOX_SORT_KEY_PREFIX) } } },
          }),
        ],
      }),
    );
    // Reads the items back, lists the partner's webhooks, removes what it queued.
    grantTable(table, outboxStream, 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:BatchWriteItem');
    notificationQueue.grantSendMessages(outboxStream);
    if (outboxStream.role) {
      acknowledgeNag(outboxStream.role, {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray tracing (xray:PutTraceSegments/PutTelemetryRecords) and dynamodb:ListStreams, which the ' +
          'DynamoDB event source grants, support no resource-level permissions: "*" is their only resource. ' +
          'The stream reads themselves (DescribeStream, GetRecords, GetShardIterator) are on the table stream.',
      });
    }
  }
}
