/**
 * Alarms, their topic and the dashboard (docs/deploy-and-operate.md explains each alarm).
 */
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { DESCRIPTIONS, functionByDescription, type Resource, synth } from './synth.ts';

const dev = synth('dev');
const prod = synth('prod');

function alarm(template: Template, name: string): Resource['Properties'] {
  const found = (Object.values(template.findResources('AWS::CloudWatch::Alarm')) as Resource[]).find(
    (r) => r.Properties.AlarmName === name,
  );
  if (!found) throw new Error(`no alarm ${name}`);
  return found.Properties;
}

/** The logical id of the queue a metric's QueueName dimension refers to (an import from the stateful stack). */
function queueOf(properties: Resource['Properties']): string {
  const dimension = (properties.Dimensions as Array<{ Name: string; Value: unknown }>).find(
    (d) => d.Name === 'QueueName',
  );
  return JSON.stringify(dimension?.Value);
}

describe('alarms', () => {
  it('alarms on every dead-letter queue as soon as it holds a message', () => {
    for (const [name, queue] of [
      ['voec-border-dev-ReportDeadLetterQueue', 'ReportDeadLetterQueue'],
      ['voec-border-dev-NotificationDeadLetterQueue', 'NotificationDeadLetterQueue'],
      ['voec-border-dev-OutboxStreamFailureQueue', 'OutboxStreamFailureQueue'],
      ['voec-border-dev-UploadDeadLetterQueue', 'UploadDeadLetterQueue'],
    ]) {
      const props = alarm(dev.stateless, name as string);
      expect(props).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        EvaluationPeriods: 1,
        Statistic: 'Maximum',
        TreatMissingData: 'notBreaching',
      });
      expect(queueOf(props)).toContain(queue as string);
    }
    // Every dead-letter queue of the stateful stack is covered.
    const deadLetterQueues = Object.keys(dev.stateful.findResources('AWS::SQS::Queue')).filter((id) =>
      id.includes('DeadLetter'),
    );
    expect(deadLetterQueues).toHaveLength(3);
  });

  it('alarms on the age of the oldest report and notification message, per stage', () => {
    for (const [stage, report, notification] of [
      [dev, 3600, 3600],
      [prod, 900, 1800],
    ] as const) {
      const name = stage === dev ? 'dev' : 'prod';
      const reportAge = alarm(stage.stateless, `voec-border-${name}-ReportQueueAge`);
      // Follow-ups wait up to 900 s on purpose: their alarm starts above that.
      expect(alarm(stage.stateless, `voec-border-${name}-ReportFollowUpQueueAge`).Threshold).toBeGreaterThan(
        900,
      );
      expect(reportAge).toMatchObject({
        MetricName: 'ApproximateAgeOfOldestMessage',
        Threshold: report,
        ComparisonOperator: 'GreaterThanThreshold',
      });
      expect(queueOf(reportAge)).toMatch(/ReportQueue(?!.*DeadLetter)/);
      const notificationAge = alarm(stage.stateless, `voec-border-${name}-NotificationQueueAge`);
      expect(notificationAge).toMatchObject({
        MetricName: 'ApproximateAgeOfOldestMessage',
        Threshold: notification,
      });
      expect(queueOf(notificationAge)).toMatch(/NotificationQueue/);
    }
  });

  it('alarms on any border sweep error', () => {
    const [sweep] = functionByDescription(dev.stateless, DESCRIPTIONS.sweep);
    expect(alarm(dev.stateless, 'voec-border-dev-BorderSweepErrors')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: sweep } }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it('alarms when the sweep raises NOTIFICATION_MISSING (custom metric) in a 5-minute period', () => {
    expect(alarm(dev.stateless, 'voec-border-dev-NotificationMissing')).toMatchObject({
      Namespace: 'VoecBorder',
      MetricName: 'NotificationMissingRaised',
      Dimensions: [{ Name: 'service', Value: 'voec-border' }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('alarms on errors and throttles of each API function, and on API 5xx', () => {
    for (const role of ['authorizer', 'public', 'intake', 'read', 'changes'] as const) {
      const [fn] = functionByDescription(prod.stateless, DESCRIPTIONS[role]);
      const label = role[0]?.toUpperCase() + role.slice(1);
      expect(alarm(prod.stateless, `voec-border-prod-Api${label}Errors`)).toMatchObject({
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      });
      expect(alarm(prod.stateless, `voec-border-prod-Api${label}Throttles`)).toMatchObject({
        MetricName: 'Throttles',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fn } }],
        Threshold: 0,
      });
    }
    expect(alarm(dev.stateless, 'voec-border-dev-ApiAuthorizerErrors').Threshold).toBe(5);
    const [apiId] = Object.keys(prod.stateless.findResources('AWS::ApiGatewayV2::Api'));
    expect(alarm(prod.stateless, 'voec-border-prod-Api5xx')).toMatchObject({
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: [{ Name: 'ApiId', Value: { Ref: apiId } }],
      Threshold: 5,
    });
  });

  it('sends every alarm (and its recovery) to the alarm topic, with a description pointing to the runbook', () => {
    const alarms = Object.values(dev.stateless.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    // … + the outbox stream's failures + the upload dead-letter queue.
    expect(alarms).toHaveLength(3 + 3 + 1 + 1 + 5 * 2 + 1 + 1);
    const [topicId] = Object.keys(dev.stateless.findResources('AWS::SNS::Topic'));
    for (const { Properties: props } of alarms) {
      expect(props.AlarmActions, props.AlarmName).toEqual([{ Ref: topicId }]);
      expect(props.OKActions, props.AlarmName).toEqual([{ Ref: topicId }]);
      expect(props.AlarmDescription).toMatch(/docs\/deploy-and-operate\.md/);
    }
  });
});

describe('alarm topic', () => {
  it('is encrypted with a rotated key CloudWatch may use, and TLS-only', () => {
    const [keyId] = Object.keys(dev.stateless.findResources('AWS::KMS::Key'));
    dev.stateless.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    dev.stateless.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
          }),
        ]),
      },
    });
    dev.stateless.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
          }),
        ]),
      },
    });
  });

  it('has no subscription unless the stage config names an e-mail; an extra topic gets every alarm too', () => {
    dev.stateless.resourceCountIs('AWS::SNS::Subscription', 0);
    const topicArn = 'arn:aws:sns:eu-north-1:123456789012:on-call';
    const configured = synth('prod', { alarmEmail: 'ops@carrier.example', alarmTopicArn: topicArn });
    configured.stateless.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@carrier.example',
    });
    const alarms = Object.values(configured.stateless.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    for (const { Properties: props } of alarms) {
      expect(props.AlarmActions).toHaveLength(2);
      expect(props.AlarmActions).toContain(topicArn);
    }
  });
});

describe('dashboard', () => {
  it('shows the API, the queues, the dead-letter queues, reporter errors and the business metrics', () => {
    const dashboards = Object.values(dev.stateless.findResources('AWS::CloudWatch::Dashboard')) as Resource[];
    expect(dashboards).toHaveLength(1);
    const [dashboard] = dashboards as [Resource];
    expect(dashboard.Properties.DashboardName).toBe('voec-border-dev-overview');
    // The body is a Fn::Join of JSON text and references: its text, with references as their JSON.
    const parts = dashboard.Properties.DashboardBody['Fn::Join'][1] as unknown[];
    const body = parts.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('');
    for (const text of [
      'AWS/ApiGateway',
      '"Count"',
      '"Latency"',
      '"4xx"',
      '"5xx"',
      'ApproximateNumberOfMessagesVisible',
      'ApproximateAgeOfOldestMessage',
      'Dead-letter queues',
      'reporter',
      'VoecBorder',
      'ShipmentsAccepted',
      'ShipmentsRejected',
      'ShipmentsFailed',
      'FlagsRaised',
      'DigitollRetries',
      'NotificationMissingRaised',
    ]) {
      expect(body, text).toContain(text);
    }
    const [reporter] = functionByDescription(dev.stateless, DESCRIPTIONS.reporter);
    expect(body).toContain(reporter);
  });
});
