/**
 * Alarms, the topic they go to, and a small dashboard. Every alarm is explained, with what to do,
 * in docs/deploy-and-operate.md ("Alarms"); its description points there.
 *
 * The topic is encrypted with a customer-managed KMS key: CloudWatch alarms cannot publish to a
 * topic encrypted with the AWS-managed SNS key (its policy cannot be extended to CloudWatch).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { StageConfig } from '../config.ts';

/** The business metrics the functions emit (Powertools Metrics, EMF). */
export const METRICS_NAMESPACE = 'VoecBorder';
export const METRICS_DIMENSIONS = { service: 'voec-border' } as const;
export const BUSINESS_METRICS = [
  'ShipmentsAccepted',
  'ShipmentsRejected',
  'ShipmentsFailed',
  'FlagsRaised',
  'DigitollRetries',
] as const;
/** Raised by the border sweep for each shipment due at the border without Digitoll's acceptance. */
export const NOTIFICATION_MISSING_METRIC = 'NotificationMissingRaised';

const FIVE_MINUTES = Duration.minutes(5);

export interface MonitoringProps {
  config: StageConfig;
  api: HttpApi;
  /** The functions behind the API (authorizer included): errors and throttles alarmed each. */
  apiFunctions: Record<string, IFunction>;
  reporter: IFunction;
  sweep: IFunction;
  webhooks: IFunction;
  reportQueue: IQueue;
  reportFollowUpQueue: IQueue;
  reportDeadLetterQueue: IQueue;
  notificationQueue: IQueue;
  notificationDeadLetterQueue: IQueue;
  /** Table-stream batches the outbox consumer failed on every retry. */
  outboxStreamFailureQueue: IQueue;
  /** Bulk-upload events that failed every attempt (alarmed as the other dead-letter queues). */
  uploadDeadLetterQueue?: IQueue;
}

export function businessMetric(metricName: string): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { ...METRICS_DIMENSIONS },
    statistic: 'Sum',
    period: FIVE_MINUTES,
  });
}

export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const { config, api } = props;
    const stack = Stack.of(this);
    const name = (what: string) => `voec-border-${config.stage}-${what}`;
    const doc = (section: string) => `See docs/deploy-and-operate.md, alarm "${section}".`;

    const key = new Key(this, 'AlarmTopicKey', {
      description: `voec-border ${config.stage}: encrypts the alarm topic`,
      enableKeyRotation: true,
      // Only in-flight alarm notifications are encrypted with it; nothing at rest depends on it.
      removalPolicy: RemovalPolicy.DESTROY,
      pendingWindow: Duration.days(7),
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: `voec-border ${config.stage} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }),
    );
    if (config.alarms.email) this.topic.addSubscription(new EmailSubscription(config.alarms.email));
    const targets: ITopic[] = [this.topic];
    if (config.alarms.topicArn) {
      targets.push(Topic.fromTopicArn(this, 'ExternalAlarmTopic', config.alarms.topicArn));
    }

    const alarm = (
      id: string,
      metric: IMetric,
      options: {
        threshold: number;
        description: string;
        comparison?: ComparisonOperator;
        evaluationPeriods?: number;
      },
    ) => {
      const created = new Alarm(this, id, {
        alarmName: name(id),
        alarmDescription: options.description,
        metric,
        threshold: options.threshold,
        comparisonOperator: options.comparison ?? ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: options.evaluationPeriods ?? 1,
        // No data is no messages, no errors, no invocations: not a problem.
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      for (const target of targets) {
        created.addAlarmAction(new SnsAction(target));
        created.addOkAction(new SnsAction(target));
      }
      this.alarms.push(created);
      return created;
    };

    // Dead-letter queues: anything there failed every attempt and waits for an operator.
    const deadLetters = [
      ['ReportDeadLetterQueue', props.reportDeadLetterQueue, 'Report dead-letter queue'],
      ['NotificationDeadLetterQueue', props.notificationDeadLetterQueue, 'Notification dead-letter queue'],
      ['OutboxStreamFailureQueue', props.outboxStreamFailureQueue, 'Outbox stream failures'],
    ] as Array<readonly [string, IQueue, string]>;
    if (props.uploadDeadLetterQueue) {
      deadLetters.push(['UploadDeadLetterQueue', props.uploadDeadLetterQueue, 'Upload dead-letter queue']);
    }
    for (const [id, queue, section] of deadLetters) {
      alarm(
        id,
        queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        {
          threshold: 0,
          description: `Messages in the ${section.toLowerCase()}: they failed every attempt. ${doc(section)}`,
        },
      );
    }

    // Queue age: the consumer is stuck, failing, or throttled by its bounded concurrency.
    alarm(
      'ReportQueueAge',
      props.reportQueue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
      {
        threshold: config.alarms.reportQueueMaxAgeSeconds,
        evaluationPeriods: 2,
        description: `The oldest report message is older than ${config.alarms.reportQueueMaxAgeSeconds} s. ${doc('Report queue age')}`,
      },
    );
    // Follow-ups are delayed on purpose (up to 900 s), so their age alarm starts above that.
    const followUpMaxAge = Math.max(config.alarms.reportQueueMaxAgeSeconds, 1800);
    alarm(
      'ReportFollowUpQueueAge',
      props.reportFollowUpQueue.metricApproximateAgeOfOldestMessage({
        period: FIVE_MINUTES,
        statistic: 'Maximum',
      }),
      {
        threshold: followUpMaxAge,
        evaluationPeriods: 2,
        description: `The reporter's oldest follow-up (poll or retry) is older than ${followUpMaxAge} s. ${doc('Report queue age')}`,
      },
    );
    alarm(
      'NotificationQueueAge',
      props.notificationQueue.metricApproximateAgeOfOldestMessage({
        period: FIVE_MINUTES,
        statistic: 'Maximum',
      }),
      {
        threshold: config.alarms.notificationQueueMaxAgeSeconds,
        evaluationPeriods: 2,
        description: `The oldest webhook delivery is older than ${config.alarms.notificationQueueMaxAgeSeconds} s. ${doc('Notification queue age')}`,
      },
    );

    // The border sweep: a failed run leaves deadlines unchecked until the next one succeeds.
    alarm('BorderSweepErrors', props.sweep.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }), {
      threshold: 0,
      description: `The border sweep failed. ${doc('Border sweep errors')}`,
    });
    // A shipment is due at the border (ETA − 2 h) and Digitoll has not accepted it.
    alarm('NotificationMissing', businessMetric(NOTIFICATION_MISSING_METRIC), {
      threshold: 0,
      description: `NOTIFICATION_MISSING raised for at least one shipment. ${doc('Notification missing')}`,
    });

    // The API: each function's errors and throttles, and 5xx answers of the API itself.
    for (const [role, fn] of Object.entries(props.apiFunctions)) {
      const label = role[0]?.toUpperCase() + role.slice(1);
      alarm(`Api${label}Errors`, fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }), {
        threshold: config.alarms.apiFunctionErrors,
        comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        description: `The ${role} function of the partner API failed ${config.alarms.apiFunctionErrors}+ times in 5 minutes. ${doc('API function errors')}`,
      });
      alarm(`Api${label}Throttles`, fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }), {
        threshold: 0,
        description: `The ${role} function of the partner API was throttled. ${doc('API function throttles')}`,
      });
    }
    alarm('Api5xx', api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }), {
      threshold: config.alarms.api5xx,
      comparison: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      description: `The partner API answered 5xx ${config.alarms.api5xx}+ times in 5 minutes. ${doc('API 5xx')}`,
    });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: name('overview'),
      defaultInterval: Duration.hours(3),
    });
    const sum = { period: FIVE_MINUTES, statistic: 'Sum' } as const;
    const max = { period: FIVE_MINUTES, statistic: 'Maximum' } as const;
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# voec-border ${config.stage}\nAlarms and what to do: docs/deploy-and-operate.md`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors',
        left: [
          api.metricCount({ ...sum, label: 'requests' }),
          api.metricClientError({ ...sum, label: '4xx' }),
          api.metricServerError({ ...sum, label: '5xx' }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        left: [
          api.metricLatency({ period: FIVE_MINUTES, statistic: 'p50', label: 'p50' }),
          api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99', label: 'p99' }),
          api.metricIntegrationLatency({ period: FIVE_MINUTES, statistic: 'p99', label: 'integration p99' }),
        ],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Queue depth',
        left: [
          props.reportQueue.metricApproximateNumberOfMessagesVisible({ ...max, label: 'reports' }),
          props.reportFollowUpQueue.metricApproximateNumberOfMessagesVisible({ ...max, label: 'follow-ups' }),
          props.notificationQueue.metricApproximateNumberOfMessagesVisible({ ...max, label: 'webhooks' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Oldest message age (s)',
        left: [
          props.reportQueue.metricApproximateAgeOfOldestMessage({ ...max, label: 'reports' }),
          props.reportFollowUpQueue.metricApproximateAgeOfOldestMessage({ ...max, label: 'follow-ups' }),
          props.notificationQueue.metricApproximateAgeOfOldestMessage({ ...max, label: 'webhooks' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Dead-letter queues',
        left: [
          props.reportDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ ...max, label: 'reports' }),
          props.notificationDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
            ...max,
            label: 'webhooks',
          }),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Function errors',
        left: [
          props.reporter.metricErrors({ ...sum, label: 'reporter' }),
          props.sweep.metricErrors({ ...sum, label: 'border sweep' }),
          props.webhooks.metricErrors({ ...sum, label: 'webhooks' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Shipments',
        left: BUSINESS_METRICS.filter((metric) => metric.startsWith('Shipments')).map((metric) =>
          businessMetric(metric).with({ label: metric }),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'Flags, missing notifications, Digitoll retries',
        left: [
          businessMetric('FlagsRaised').with({ label: 'FlagsRaised' }),
          businessMetric(NOTIFICATION_MISSING_METRIC).with({ label: NOTIFICATION_MISSING_METRIC }),
        ],
        right: [businessMetric('DigitollRetries').with({ label: 'DigitollRetries' })],
        width: 8,
      }),
    );
  }
}
