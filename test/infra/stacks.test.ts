/**
 * CDK assertions on the synthesized templates (bundling skipped: the local runtime and the
 * integration tests run the real bundles).
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../cdk/app.ts';
import { stageConfig } from '../../cdk/config.ts';

function synth(stage: 'dev' | 'prod') {
  const app = new App({ context: { stage, 'aws:cdk:bundling-stacks': [] } });
  const { stateful, stateless } = buildApp(app);
  return { stateful: Template.fromStack(stateful), stateless: Template.fromStack(stateless) };
}

const dev = synth('dev');
const prod = synth('prod');

type Resource = { Properties: Record<string, any> };

function functionByDescription(template: Template, description: string): [string, Resource] {
  const found = Object.entries(template.findResources('AWS::Lambda::Function')).find(
    ([, r]) => (r as Resource).Properties.Description === description,
  );
  if (!found) throw new Error(`no function "${description}"`);
  return found as [string, Resource];
}

function actionsOf(template: Template, functionLogicalId: string): string[] {
  const fn = template.findResources('AWS::Lambda::Function')[functionLogicalId] as Resource;
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Resource[];
  return policies
    .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement)
    .flatMap((s: { Action: string | string[] }) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

describe('stateful stack', () => {
  it('has one table with the key design, both indexes, TTL, PITR and encryption', () => {
    dev.stateful.resourceCountIs('AWS::DynamoDB::Table', 1);
    dev.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      GlobalSecondaryIndexes: Match.arrayWith([
        Match.objectLike({
          IndexName: 'byManifest',
          Projection: {
            ProjectionType: 'INCLUDE',
            NonKeyAttributes: ['status', 'flagCodes', 'shipmentNumber'],
          },
        }),
        Match.objectLike({ IndexName: 'byDeadline', Projection: { ProjectionType: 'KEYS_ONLY' } }),
      ]),
    });
  });

  it('protects the table from deletion in prod only', () => {
    prod.stateful.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
    prod.stateful.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
    dev.stateful.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
  });

  it('has an encrypted report queue with a dead-letter queue and TLS-only policies', () => {
    dev.stateful.resourceCountIs('AWS::SQS::Queue', 4);
    dev.stateful.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 360,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
    });
    const policies = Object.values(dev.stateful.findResources('AWS::SQS::QueuePolicy')) as Resource[];
    expect(policies).toHaveLength(4);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });
});

describe('stateless stack', () => {
  it('runs every function on Node 22, arm64, with tracing and a log group with retention', () => {
    const functions = Object.values(dev.stateless.findResources('AWS::Lambda::Function')) as Resource[];
    expect(functions.length).toBe(8);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
      });
      expect(fn.Properties.LoggingConfig.LogGroup.Ref).toMatch(/Logs/);
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
    dev.stateless.resourceCountIs('AWS::Logs::LogGroup', 8);
    dev.stateless.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    prod.stateless.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('serves the partner API routes, all but health and the contract behind the key authorizer', () => {
    const routes = Object.values(dev.stateless.findResources('AWS::ApiGatewayV2::Route')) as Resource[];
    const byKey = Object.fromEntries(
      routes.map((r) => [r.Properties.RouteKey, r.Properties.AuthorizationType]),
    );
    expect(byKey).toEqual({
      'GET /health': 'NONE',
      'GET /v1/openapi.json': 'NONE',
      'POST /v1/manifests': 'CUSTOM',
      'POST /v1/manifests/{manifestId}/shipments': 'CUSTOM',
      'GET /v1/manifests/{manifestId}': 'CUSTOM',
      'GET /v1/manifests/{manifestId}/shipments': 'CUSTOM',
      'GET /v1/shipments/{shipmentNumber}': 'CUSTOM',
      'PUT /v1/shipments/{shipmentNumber}': 'CUSTOM',
      'DELETE /v1/shipments/{shipmentNumber}': 'CUSTOM',
      'PATCH /v1/manifests/{manifestId}/transport': 'CUSTOM',
      'GET /v1/alerts': 'CUSTOM',
      'GET /v1/manifests/{manifestId}/tvinn-declarations': 'CUSTOM',
      'GET /v1/transits/{mrn}': 'CUSTOM',
      'POST /v1/webhooks': 'CUSTOM',
      'GET /v1/webhooks': 'CUSTOM',
      'DELETE /v1/webhooks/{webhookId}': 'CUSTOM',
    });
    dev.stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: 300,
    });
    dev.stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  it('grants each function only what it uses', () => {
    const [authorizer] = functionByDescription(dev.stateless, 'Partner API key → partnerId');
    const [read] = functionByDescription(dev.stateless, 'Manifest and shipment queries');
    const [intake] = functionByDescription(dev.stateless, 'Manifest intake: validate, store, fan out');
    const [publicFn] = functionByDescription(dev.stateless, 'Health and OpenAPI contract');

    const authorizerActions = actionsOf(dev.stateless, authorizer).filter((a) => a.startsWith('dynamodb:'));
    expect(authorizerActions).toEqual(['dynamodb:GetItem']);
    const readActions = actionsOf(dev.stateless, read);
    expect(readActions.filter((a) => a.startsWith('dynamodb:') && /Write|Put|Update|Delete/.test(a))).toEqual(
      [],
    );
    expect(readActions).toContain('dynamodb:Query');
    expect(readActions).not.toContain('dynamodb:Scan');
    expect(readActions.some((a) => a.startsWith('sqs:'))).toBe(false);
    const intakeActions = actionsOf(dev.stateless, intake);
    expect(intakeActions).toEqual(expect.arrayContaining(['dynamodb:BatchWriteItem', 'sqs:SendMessage']));
    expect(intakeActions).not.toContain('dynamodb:DeleteItem');
    expect(intakeActions).not.toContain('dynamodb:Scan');
    expect(
      actionsOf(dev.stateless, publicFn).filter((a) => a.startsWith('dynamodb:') || a.startsWith('sqs:')),
    ).toEqual([]);
  });

  it('consumes the report queue with partial batch failures and bounded concurrency', () => {
    const [reporter, fn] = functionByDescription(
      dev.stateless,
      'Reports transports, masters and houses to Digitoll and follows them to their MRN',
    );
    dev.stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: reporter },
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
    expect(fn.Properties.Timeout).toBe(60);
    expect(fn.Properties.Environment.Variables).toMatchObject({
      DIGITOLL_BASE_URL: 'https://api-test.toll.no',
      MASKINPORTEN_TOKEN_URL: 'https://test.maskinporten.no/token',
      MASKINPORTEN_SECRET_ARN: expect.anything(),
      REPORT_DLQ_URL: expect.anything(),
    });
    const actions = actionsOf(dev.stateless, reporter);
    expect(actions).toEqual(
      expect.arrayContaining([
        'secretsmanager:GetSecretValue',
        'sqs:SendMessage',
        'sqs:ReceiveMessage',
        'dynamodb:UpdateItem',
      ]),
    );
    expect(actions.filter((a) => /Delete|Scan|BatchWrite/.test(a) && a.startsWith('dynamodb:'))).toEqual([]);
    const prodReporter = functionByDescription(
      prod.stateless,
      'Reports transports, masters and houses to Digitoll and follows them to their MRN',
    )[1];
    expect(prodReporter.Properties.Environment.Variables.DIGITOLL_BASE_URL).toBe('https://api.toll.no');
  });

  it('delivers webhooks from their own queue, so a slow partner never blocks the sweep', () => {
    const [webhooks] = functionByDescription(
      dev.stateless,
      'Delivers signed notifications to partner webhooks',
    );
    dev.stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: webhooks },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const [sweep] = functionByDescription(
      dev.stateless,
      'Scheduled: border sweep, interrupted intakes, partner notifications',
    );
    const sweepActions = actionsOf(dev.stateless, sweep);
    expect(sweepActions).toEqual(expect.arrayContaining(['dynamodb:Query', 'sqs:SendMessage']));
    expect(sweepActions).not.toContain('dynamodb:Scan');
  });

  it('keeps the Maskinporten key in Secrets Manager, never in the template', () => {
    dev.stateful.resourceCountIs('AWS::SecretsManager::Secret', 1);
    const template = JSON.stringify(dev.stateless.toJSON());
    expect(template).not.toMatch(/PRIVATE KEY/);
  });

  it('fires the border function on the configured rate', () => {
    const [sweep] = functionByDescription(
      dev.stateless,
      'Scheduled: border sweep, interrupted intakes, partner notifications',
    );
    dev.stateless.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [
        Match.objectLike({ Arn: { 'Fn::GetAtt': [sweep, 'Arn'] }, RetryPolicy: { MaximumRetryAttempts: 2 } }),
      ],
    });
  });

  it('points dev at the Digitoll playground and prod at production', () => {
    expect(stageConfig('dev').digitollBaseUrl).toBe('https://api-test.toll.no');
    expect(stageConfig('prod').digitollBaseUrl).toBe('https://api.toll.no');
  });

  it('refuses an unknown stage at synth', () => {
    expect(() => buildApp(new App({ context: { stage: 'staging', 'aws:cdk:bundling-stacks': [] } }))).toThrow(
      /Unknown stage "staging"/,
    );
  });
});
