/**
 * What holds data: the table and the report queue with its dead-letter queue.
 * Kept apart from the functions so a stateless redeploy can never replace the data.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  DEADLINE_INDEX,
  MANIFEST_INDEX,
  MANIFEST_INDEX_PROJECTION,
  TABLE_KEYS,
  TTL_ATTRIBUTE,
} from '../lib/adapters/dynamodb/table-design.ts';
import { FUNCTION_TIMEOUT_SECONDS, QUEUE_MAX_RECEIVES } from '../lib/deployment.ts';
import type { StageConfig } from './config.ts';
import { acknowledgeNag } from './constructs/nag.ts';

/** The stack outputs operators and `npm run partner -- --stage …` read (docs/deploy-and-operate.md). */
export const STATEFUL_OUTPUTS = {
  tableName: 'TableName',
  reportQueueArn: 'ReportQueueArn',
  notificationQueueArn: 'NotificationQueueArn',
  reportDeadLetterQueueArn: 'ReportDeadLetterQueueArn',
  notificationDeadLetterQueueArn: 'NotificationDeadLetterQueueArn',
  maskinportenSecretArn: 'MaskinportenSecretArn',
} as const;

export interface StatefulStackProps extends StackProps {
  config: StageConfig;
}

export class StatefulStack extends Stack {
  readonly table: Table;
  readonly reportQueue: Queue;
  readonly reportFollowUpQueue: Queue;
  readonly reportDeadLetterQueue: Queue;
  readonly maskinportenSecret: Secret;
  readonly notificationQueue: Queue;
  readonly notificationDeadLetterQueue: Queue;
  /** Batches of the table stream the outbox consumer failed on every retry (their items stay in the outbox). */
  readonly outboxStreamFailureQueue: Queue;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;
    const retain = config.deletionProtection ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.table = new Table(this, 'Table', {
      partitionKey: { name: TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      encryption: TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: config.deletionProtection,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      removalPolicy: retain,
      // New outbox items reach the webhook queue through the stream within seconds. Keys only:
      // the consumer reads the item back (and skips what the schedule handed over already).
      stream: StreamViewType.KEYS_ONLY,
    });
    this.table.addGlobalSecondaryIndex({
      indexName: MANIFEST_INDEX.name,
      partitionKey: { name: MANIFEST_INDEX.partitionKey, type: AttributeType.STRING },
      sortKey: { name: MANIFEST_INDEX.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: [...MANIFEST_INDEX_PROJECTION],
    });
    this.table.addGlobalSecondaryIndex({
      indexName: DEADLINE_INDEX.name,
      partitionKey: { name: DEADLINE_INDEX.partitionKey, type: AttributeType.STRING },
      sortKey: { name: DEADLINE_INDEX.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.KEYS_ONLY,
    });

    // Every queue: SQS-managed encryption, TLS only. Work queues get a visibility timeout of six
    // times their consumer's timeout (as AWS recommends) and redrive to their dead-letter queue.
    const deadLetterQueue = (id: string) =>
      new Queue(this, id, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
        removalPolicy: retain,
      });
    const workQueue = (
      id: string,
      consumerTimeoutSeconds: number,
      deadLetters: Queue,
      maxReceiveCount: number,
    ) =>
      new Queue(this, id, {
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        visibilityTimeout: Duration.seconds(consumerTimeoutSeconds * 6),
        retentionPeriod: Duration.days(4),
        deadLetterQueue: { queue: deadLetters, maxReceiveCount },
        removalPolicy: retain,
      });

    this.reportDeadLetterQueue = deadLetterQueue('ReportDeadLetterQueue');
    this.reportQueue = workQueue(
      'ReportQueue',
      FUNCTION_TIMEOUT_SECONDS.reporter,
      this.reportDeadLetterQueue,
      QUEUE_MAX_RECEIVES.report,
    );
    // The reporter's own polls and delayed retries: apart from new reports, so they never wait
    // behind a backlog of them. Same consumer, same dead-letter queue.
    this.reportFollowUpQueue = workQueue(
      'ReportFollowUpQueue',
      FUNCTION_TIMEOUT_SECONDS.reporter,
      this.reportDeadLetterQueue,
      QUEUE_MAX_RECEIVES.report,
    );
    // Webhook deliveries to partners (retried with back-off by re-queueing; dead-lettered at the end).
    this.notificationDeadLetterQueue = deadLetterQueue('NotificationDeadLetterQueue');
    this.notificationQueue = workQueue(
      'NotificationQueue',
      FUNCTION_TIMEOUT_SECONDS.webhooks,
      this.notificationDeadLetterQueue,
      QUEUE_MAX_RECEIVES.notification,
    );
    // The outbox stream consumer's on-failure destination: what failed, for an operator; the
    // schedule still hands those notifications over from the outbox.
    this.outboxStreamFailureQueue = deadLetterQueue('OutboxStreamFailureQueue');

    // The carrier sets the value after deploying: {clientId, privateKeyPem, certificateChainPem?, keyId?}.
    this.maskinportenSecret = new Secret(this, 'MaskinportenCredentials', {
      description:
        'Maskinporten client id and the enterprise certificate key that speaks for the carrier to Customs',
      removalPolicy: retain,
    });

    new CfnOutput(this, STATEFUL_OUTPUTS.tableName, {
      description: 'The single table (partner keys, manifests, shipments, timelines)',
      value: this.table.tableName,
    });
    new CfnOutput(this, STATEFUL_OUTPUTS.reportQueueArn, {
      description: 'Report messages for the reporter (the destination of a report redrive)',
      value: this.reportQueue.queueArn,
    });
    new CfnOutput(this, STATEFUL_OUTPUTS.notificationQueueArn, {
      description: 'Webhook deliveries (the destination of a notification redrive)',
      value: this.notificationQueue.queueArn,
    });
    new CfnOutput(this, STATEFUL_OUTPUTS.reportDeadLetterQueueArn, {
      description: 'Report messages that failed every attempt (redrive with sqs start-message-move-task)',
      value: this.reportDeadLetterQueue.queueArn,
    });
    new CfnOutput(this, STATEFUL_OUTPUTS.notificationDeadLetterQueueArn, {
      description: 'Webhook deliveries that failed every attempt',
      value: this.notificationDeadLetterQueue.queueArn,
    });
    new CfnOutput(this, STATEFUL_OUTPUTS.maskinportenSecretArn, {
      description: 'Set {clientId, privateKeyPem, certificateChainPem?, keyId?} here after the first deploy',
      value: this.maskinportenSecret.secretArn,
    });

    for (const deadLetterQueue of [
      this.reportDeadLetterQueue,
      this.notificationDeadLetterQueue,
      this.outboxStreamFailureQueue,
    ]) {
      acknowledgeNag(deadLetterQueue, {
        id: 'AwsSolutions-SQS3',
        reason:
          'This is the dead-letter queue itself: its messages are kept 14 days, alarmed on (> 0) and ' +
          'redriven by an operator; a dead-letter queue of a dead-letter queue would only hide them.',
      });
    }
    acknowledgeNag(this.maskinportenSecret, {
      id: 'AwsSolutions-SMG4',
      reason:
        "The secret holds the carrier's Maskinporten client id and the private key of its enterprise " +
        'certificate (virksomhetssertifikat). A new key only exists when the carrier renews the ' +
        'certificate with its CA and registers it in Samarbeidsportalen, so no Lambda can rotate it; ' +
        'rotation is a documented manual procedure (docs/deploy-and-operate.md).',
    });
  }
}
