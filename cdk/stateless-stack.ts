/**
 * What runs: the functions, the HTTP API with its authorizer, and the schedule.
 * Each function is granted only the table actions and queues it uses.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { type CfnStage, HttpApi, HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { StageConfig } from './config.ts';
import { HouseFunction } from './constructs/house-function.ts';
import { REPORT_MAX_RECEIVES, REPORTER_TIMEOUT_SECONDS, WEBHOOK_TIMEOUT_SECONDS } from './stateful-stack.ts';

export interface StatelessStackProps extends StackProps {
  config: StageConfig;
  table: Table;
  reportQueue: Queue;
  reportDeadLetterQueue: Queue;
  notificationQueue: Queue;
  notificationDeadLetterQueue: Queue;
  maskinportenSecret: ISecret;
}

export class StatelessStack extends Stack {
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: StatelessStackProps) {
    super(scope, id, props);
    const { config, table, reportQueue, reportDeadLetterQueue, maskinportenSecret } = props;
    const { notificationQueue, notificationDeadLetterQueue } = props;
    const logRetention = config.logRetentionDays;
    const environment = {
      STAGE: config.stage,
      TABLE_NAME: table.tableName,
      REPORT_QUEUE_URL: reportQueue.queueUrl,
      RECORD_RETENTION_DAYS: String(config.recordRetentionDays),
      NOTIFICATION_QUEUE_URL: notificationQueue.queueUrl,
      NOTIFICATION_DLQ_URL: notificationDeadLetterQueue.queueUrl,
      SWEEP_RECHECK_MINUTES: String(config.scheduleRateMinutes),
    };
    const fn = (
      id: string,
      entry: string,
      description: string,
      timeout?: Duration,
      extraEnvironment: Record<string, string> = {},
    ) =>
      new HouseFunction(this, id, {
        entry,
        description,
        environment: { ...environment, ...extraEnvironment },
        logRetention,
        timeout,
      }).fn;

    const authorizerFn = fn('Authorizer', 'functions/auth/authorizer.ts', 'Partner API key → partnerId');
    const publicFn = fn('Public', 'functions/http/public.ts', 'Health and OpenAPI contract');
    const intakeFn = fn('Intake', 'functions/http/intake.ts', 'Manifest intake: validate, store, fan out');
    const readFn = fn('Read', 'functions/http/read.ts', 'Manifest and shipment queries');
    const changesFn = fn(
      'Changes',
      'functions/http/changes.ts',
      'Amend, withdraw, transport updates, webhooks',
    );
    const webhooksFn = fn(
      'Webhooks',
      'functions/queue/webhooks.ts',
      'Delivers signed notifications to partner webhooks',
      Duration.seconds(WEBHOOK_TIMEOUT_SECONDS),
    );
    webhooksFn.addEventSource(
      new SqsEventSource(notificationQueue, {
        batchSize: 10,
        reportBatchItemFailures: true,
        maxConcurrency: 5,
      }),
    );
    table.grant(webhooksFn, 'dynamodb:GetItem', 'dynamodb:PutItem');
    notificationQueue.grantSendMessages(webhooksFn);
    notificationDeadLetterQueue.grantSendMessages(webhooksFn);
    const sweepFn = fn(
      'BorderSweep',
      'functions/schedule/border-sweep.ts',
      'Scheduled: border sweep, interrupted intakes, partner notifications',
      Duration.minutes(5),
    );

    const reporterFn = fn(
      'Reporter',
      'functions/queue/reporter.ts',
      'Reports transports, masters and houses to Digitoll and follows them to their MRN',
      Duration.seconds(REPORTER_TIMEOUT_SECONDS),
      {
        REPORT_DLQ_URL: reportDeadLetterQueue.queueUrl,
        DIGITOLL_BASE_URL: config.digitollBaseUrl,
        MASKINPORTEN_TOKEN_URL: config.maskinporten.tokenUrl,
        MASKINPORTEN_AUDIENCE: config.maskinporten.audience,
        MASKINPORTEN_SECRET_ARN: maskinportenSecret.secretArn,
        DIGITOLL_RATE_LIMIT_PER_SECOND: String(config.digitollRateLimitPerInstance),
        REPORT_MAX_RECEIVES: String(REPORT_MAX_RECEIVES),
      },
    );
    reporterFn.addEventSource(
      new SqsEventSource(reportQueue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        maxConcurrency: config.reporterMaxConcurrency,
      }),
    );
    table.grant(reporterFn, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:PutItem');
    table.grant(reporterFn, 'dynamodb:ConditionCheckItem');
    reportQueue.grantSendMessages(reporterFn);
    reportDeadLetterQueue.grantSendMessages(reporterFn);
    maskinportenSecret.grantRead(reporterFn);

    table.grant(authorizerFn, 'dynamodb:GetItem');
    table.grant(
      intakeFn,
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:UpdateItem',
    );
    table.grant(intakeFn, 'dynamodb:ConditionCheckItem', 'dynamodb:PutItem');
    reportQueue.grantSendMessages(intakeFn);
    // Explicit actions rather than grantReadData: nothing here may Scan.
    const reads = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
    table.grant(readFn, ...reads);
    table.grant(changesFn, 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem');
    table.grant(changesFn, 'dynamodb:DeleteItem');
    table.grant(changesFn, 'dynamodb:ConditionCheckItem');
    reportQueue.grantSendMessages(changesFn);
    table.grant(sweepFn, ...reads);
    table.grant(sweepFn, 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem');
    table.grant(sweepFn, 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem');
    reportQueue.grantSendMessages(sweepFn);
    notificationQueue.grantSendMessages(sweepFn);

    const authorizer = new HttpLambdaAuthorizer('PartnerKey', authorizerFn, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.Authorization'],
      resultsCacheTtl: Duration.minutes(5),
    });

    this.api = new HttpApi(this, 'Api', {
      description: 'voec-border partner API v1',
      createDefaultStage: true,
    });
    const defaultStage = this.api.defaultStage?.node.defaultChild as CfnStage | undefined;
    defaultStage?.addPropertyOverride('DefaultRouteSettings', {
      ThrottlingRateLimit: config.apiThrottle.rateLimit,
      ThrottlingBurstLimit: config.apiThrottle.burstLimit,
    });

    const integration = (id: string, handler: typeof intakeFn) => new HttpLambdaIntegration(id, handler);
    const publicIntegration = integration('PublicIntegration', publicFn);
    const intakeIntegration = integration('IntakeIntegration', intakeFn);
    const readIntegration = integration('ReadIntegration', readFn);
    const changesIntegration = integration('ChangesIntegration', changesFn);

    this.api.addRoutes({ path: '/health', methods: [HttpMethod.GET], integration: publicIntegration });
    this.api.addRoutes({
      path: '/v1/openapi.json',
      methods: [HttpMethod.GET],
      integration: publicIntegration,
    });
    this.api.addRoutes({
      path: '/v1/manifests',
      methods: [HttpMethod.POST],
      integration: intakeIntegration,
      authorizer,
    });
    this.api.addRoutes({
      path: '/v1/manifests/{manifestId}/shipments',
      methods: [HttpMethod.POST],
      integration: intakeIntegration,
      authorizer,
    });
    for (const path of [
      '/v1/manifests/{manifestId}',
      '/v1/manifests/{manifestId}/shipments',
      '/v1/shipments/{shipmentNumber}',
      '/v1/alerts',
      '/v1/manifests/{manifestId}/tvinn-declarations',
      '/v1/transits/{mrn}',
    ]) {
      this.api.addRoutes({ path, methods: [HttpMethod.GET], integration: readIntegration, authorizer });
    }

    this.api.addRoutes({
      path: '/v1/shipments/{shipmentNumber}',
      methods: [HttpMethod.PUT, HttpMethod.DELETE],
      integration: changesIntegration,
      authorizer,
    });
    this.api.addRoutes({
      path: '/v1/manifests/{manifestId}/transport',
      methods: [HttpMethod.PATCH],
      integration: changesIntegration,
      authorizer,
    });

    this.api.addRoutes({
      path: '/v1/webhooks',
      methods: [HttpMethod.POST, HttpMethod.GET],
      integration: changesIntegration,
      authorizer,
    });
    this.api.addRoutes({
      path: '/v1/webhooks/{webhookId}',
      methods: [HttpMethod.DELETE],
      integration: changesIntegration,
      authorizer,
    });

    new Rule(this, 'BorderSchedule', {
      description: 'Fires the border sweep',
      schedule: Schedule.rate(Duration.minutes(config.scheduleRateMinutes)),
      targets: [new LambdaFunction(sweepFn, { retryAttempts: 2 })],
    });
  }
}
