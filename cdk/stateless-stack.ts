/**
 * What runs: the partner API, reporting, webhooks, the border schedule and their monitoring, one
 * construct per concern (cdk/constructs/). Each function is granted only the table actions and
 * queues it uses; everything holding data comes in through typed props from the stateful stack.
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { ENV } from '../lib/deployment.ts';
import type { StageConfig } from './config.ts';
import { BorderSchedule } from './constructs/border-schedule.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { PartnerApi } from './constructs/partner-api.ts';
import { Reporting } from './constructs/reporting.ts';
import { RoutingPoller } from './constructs/routing-poller.ts';
import { Uploads } from './constructs/uploads.ts';
import { Webhooks } from './constructs/webhooks.ts';

export interface StatelessStackProps extends StackProps {
  config: StageConfig;
  table: ITable;
  reportQueue: IQueue;
  reportFollowUpQueue: IQueue;
  reportDeadLetterQueue: IQueue;
  notificationQueue: IQueue;
  notificationDeadLetterQueue: IQueue;
  /** The outbox stream consumer's on-failure destination. */
  outboxStreamFailureQueue: IQueue;
  maskinportenSecret: ISecret;
  /** Its name reaches the functions by reference (the local runtime names buckets its own way). */
  uploadBucket: IBucket;
  uploadQueue: IQueue;
  uploadDeadLetterQueue: IQueue;
  /** The operations console's origin: the one origin the API's CORS allows. */
  consoleOrigin?: string;
}

export class StatelessStack extends Stack {
  readonly api: HttpApi;
  readonly partnerApi: PartnerApi;
  readonly reporting: Reporting;
  readonly webhooks: Webhooks;
  readonly borderSchedule: BorderSchedule;
  readonly routingPoller: RoutingPoller;
  readonly monitoring: Monitoring;
  readonly uploads: Uploads;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, table, reportQueue, reportDeadLetterQueue, maskinportenSecret } = props;
    const { notificationQueue, notificationDeadLetterQueue } = props;
    const environment = {
      [ENV.stage]: config.stage,
      [ENV.tableName]: table.tableName,
      [ENV.reportQueueUrl]: reportQueue.queueUrl,
      [ENV.recordRetentionDays]: String(config.recordRetentionDays),
      [ENV.notificationQueueUrl]: notificationQueue.queueUrl,
      [ENV.notificationDlqUrl]: notificationDeadLetterQueue.queueUrl,
      [ENV.sweepRecheckMinutes]: String(config.scheduleRateMinutes),
      [ENV.ioConcurrency]: String(config.ioConcurrency),
      [ENV.uploadBucketName]: props.uploadBucket.bucketName,
    };

    this.partnerApi = new PartnerApi(this, 'PartnerApi', {
      config,
      table,
      reportQueue,
      environment,
      ...(props.consoleOrigin ? { consoleOrigin: props.consoleOrigin } : {}),
    });
    this.api = this.partnerApi.api;
    this.webhooks = new Webhooks(this, 'Webhooks', {
      config,
      table,
      notificationQueue,
      notificationDeadLetterQueue,
      outboxStreamFailureQueue: props.outboxStreamFailureQueue,
      environment,
    });
    this.borderSchedule = new BorderSchedule(this, 'BorderSchedule', {
      config,
      table,
      reportQueue,
      notificationQueue,
      environment,
    });
    this.reporting = new Reporting(this, 'Reporting', {
      config,
      table,
      reportQueue,
      reportFollowUpQueue: props.reportFollowUpQueue,
      reportDeadLetterQueue,
      maskinportenSecret,
      environment,
    });
    this.routingPoller = new RoutingPoller(this, 'RoutingPoller', {
      config,
      table,
      maskinportenSecret,
      environment,
    });
    this.uploads = new Uploads(this, 'Uploads', {
      config,
      table,
      reportQueue,
      uploadQueue: props.uploadQueue,
      intake: this.partnerApi.functions.intake,
      environment,
    });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      config,
      api: this.api,
      apiFunctions: this.partnerApi.functions,
      reporter: this.reporting.reporter,
      sweep: this.borderSchedule.sweep,
      webhooks: this.webhooks.deliverer,
      reportQueue,
      reportFollowUpQueue: props.reportFollowUpQueue,
      reportDeadLetterQueue,
      notificationQueue,
      notificationDeadLetterQueue,
      outboxStreamFailureQueue: props.outboxStreamFailureQueue,
      uploadDeadLetterQueue: props.uploadDeadLetterQueue,
    });

    new CfnOutput(this, 'ApiUrl', {
      description: 'The partner API (GET /health answers without a key)',
      value: this.api.apiEndpoint,
    });
    new CfnOutput(this, 'AlarmTopicArn', {
      description: 'Every alarm and its recovery is published here',
      value: this.monitoring.topic.topicArn,
    });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
    new CfnOutput(this, 'AccessLogGroupName', {
      description: 'API access logs (JSON, one line per request, no bodies)',
      value: this.partnerApi.accessLogs.logGroupName,
    });
  }
}
