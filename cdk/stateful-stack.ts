/**
 * What holds data: the table and the report queue with its dead-letter queue.
 * Kept apart from the functions so a stateless redeploy can never replace the data.
 */
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  EventType,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { SqsDestination } from 'aws-cdk-lib/aws-s3-notifications';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import {
  BOARD_INDEX,
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
  uploadBucketName: 'UploadBucketName',
  uploadDeadLetterQueueArn: 'UploadDeadLetterQueueArn',
} as const;

/** Uploaded files are deleted this many days after their PUT (processing takes minutes). */
export const UPLOAD_EXPIRY_DAYS = 3;

/**
 * The upload bucket's name, fixed per stage, account and region, so the functions' grants name
 * its objects (`…/uploads/*`) without a cross-stack token, and cdk-nag's finding reads as the ARN.
 */
export const uploadBucketName = (stage: string) =>
  `voec-border-${stage}-uploads-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
export const uploadObjectsArn = (stage: string) =>
  `arn:${Aws.PARTITION}:s3:::${uploadBucketName(stage)}/uploads/*`;

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
  /** Bulk uploads: the partners' files, and the queue of their object-created events. */
  readonly uploadBucket: Bucket;
  readonly uploadQueue: Queue;
  readonly uploadDeadLetterQueue: Queue;

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
    // The border board: manifest items only (sparse), the whole item (a board row is the manifest).
    this.table.addGlobalSecondaryIndex({
      indexName: BOARD_INDEX.name,
      partitionKey: { name: BOARD_INDEX.partitionKey, type: AttributeType.STRING },
      sortKey: { name: BOARD_INDEX.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
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

    // Bulk uploads: partners PUT files through presigned URLs only; the bucket is private, encrypted,
    // TLS only, and forgets the files after a few days. Each object created under uploads/ is an
    // event on the upload queue (S3 → SQS), consumed by the upload processor.
    this.uploadDeadLetterQueue = deadLetterQueue('UploadDeadLetterQueue');
    this.uploadQueue = workQueue(
      'UploadQueue',
      FUNCTION_TIMEOUT_SECONDS.uploadProcessor,
      this.uploadDeadLetterQueue,
      QUEUE_MAX_RECEIVES.upload,
    );
    const uploadAccessLogs = new Bucket(this, 'UploadAccessLogs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(config.logRetentionDays) }],
      removalPolicy: retain,
    });
    acknowledgeNag(uploadAccessLogs, {
      id: 'AwsSolutions-S1',
      reason:
        "This is the upload bucket's access-log bucket; logging its own access would write into itself.",
    });
    this.uploadBucket = new Bucket(this, 'UploadBucket', {
      bucketName: uploadBucketName(config.stage),
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      serverAccessLogsBucket: uploadAccessLogs,
      lifecycleRules: [
        { expiration: Duration.days(UPLOAD_EXPIRY_DAYS) },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // Browsers (the console) may PUT to a presigned URL too; nothing else is allowed cross-origin.
      cors: [{ allowedMethods: [HttpMethods.PUT], allowedOrigins: ['*'], allowedHeaders: ['*'] }],
      removalPolicy: retain,
    });
    this.uploadBucket.addEventNotification(EventType.OBJECT_CREATED, new SqsDestination(this.uploadQueue), {
      prefix: 'uploads/',
    });
    // CDK's own notification-configuring function (one per stack): it only writes its logs.
    const notificationsHandler = this.node.tryFindChild(
      'BucketNotificationsHandler050a0587b7544547bf325f094a3db834',
    );
    if (!notificationsHandler) throw new Error('CDK created no bucket-notifications handler');
    acknowledgeNag(notificationsHandler, {
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason:
        "CDK's bucket-notifications handler (it sets the upload bucket's S3 → SQS notification at deploy " +
        'time): AWSLambdaBasicExecutionRole only allows it to write its own logs.',
    });

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

    new CfnOutput(this, STATEFUL_OUTPUTS.uploadBucketName, {
      description: 'Bulk-upload files (presigned PUTs only; expire after a few days)',
      value: this.uploadBucket.bucketName,
    });
    new CfnOutput(this, STATEFUL_OUTPUTS.uploadDeadLetterQueueArn, {
      description: 'Upload events whose processing failed every attempt',
      value: this.uploadDeadLetterQueue.queueArn,
    });

    for (const deadLetterQueue of [
      this.reportDeadLetterQueue,
      this.notificationDeadLetterQueue,
      this.outboxStreamFailureQueue,
      this.uploadDeadLetterQueue,
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
