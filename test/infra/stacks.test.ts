/**
 * CDK assertions on the synthesized templates (bundling skipped: the local runtime and the
 * integration tests run the real bundles).
 */

import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../cdk/app.ts';
import { stageConfig } from '../../cdk/config.ts';
import { ACCESS_LOG_FORMAT } from '../../cdk/constructs/partner-api.ts';
import { OUTBOX_SORT_KEY_PREFIX } from '../../lib/adapters/dynamodb/table-design.ts';
import { ENV, FUNCTION_TIMEOUT_SECONDS, QUEUE_MAX_RECEIVES } from '../../lib/deployment.ts';
import {
  actionsOf,
  DESCRIPTIONS,
  functionByDescription,
  type Resource,
  statementsOf,
  synth,
} from './synth.ts';

const dev = synth('dev');
const prod = synth('prod');

describe('stateful stack', () => {
  it('has one table with the key design, its three indexes, TTL, PITR and encryption', () => {
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
        Match.objectLike({
          IndexName: 'byArrival',
          KeySchema: [
            { AttributeName: 'boardPk', KeyType: 'HASH' },
            { AttributeName: 'boardSk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        }),
      ]),
    });
  });

  it('protects the table from deletion in prod only', () => {
    prod.stateful.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
    prod.stateful.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain' });
    dev.stateful.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
  });

  it('has an encrypted report queue with a dead-letter queue and TLS-only policies', () => {
    // Report, follow-up, notification and upload queues, their three dead-letter queues, the outbox stream's failures.
    dev.stateful.resourceCountIs('AWS::SQS::Queue', 8);
    dev.stateful.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 360,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
    });
    const policies = Object.values(dev.stateful.findResources('AWS::SQS::QueuePolicy')) as Resource[];
    expect(policies).toHaveLength(8);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    }
  });
});

describe('stateless stack', () => {
  it('runs every function on Node 24 (.node-version), arm64, with tracing and a log group with retention', () => {
    const functions = Object.values(dev.stateless.findResources('AWS::Lambda::Function')) as Resource[];
    expect(functions.length).toBe(11);
    for (const fn of functions) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        TracingConfig: { Mode: 'Active' },
      });
      expect(fn.Properties.LoggingConfig.LogGroup.Ref).toMatch(/Logs/);
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe('--enable-source-maps');
    }
    // One per function, and the API's access logs.
    dev.stateless.resourceCountIs('AWS::Logs::LogGroup', 12);
    dev.stateless.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    prod.stateless.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('serves the partner API routes, all but health and the contract behind the key authorizer', () => {
    const routes = Object.values(dev.stateless.findResources('AWS::ApiGatewayV2::Route')) as Resource[];
    const byKey = Object.fromEntries(
      routes.map((r) => [r.Properties.RouteKey, r.Properties.AuthorizationType]),
    );
    expect(byKey).toEqual({
      // Paths no operation has: the public function answers a 404 problem document.
      $default: 'NONE',
      'GET /health': 'NONE',
      'GET /v1/openapi.json': 'NONE',
      'POST /v1/manifests': 'CUSTOM',
      'POST /v1/manifests/{manifestId}/shipments': 'CUSTOM',
      'GET /v1/manifests/{manifestId}': 'CUSTOM',
      'GET /v1/manifests/{manifestId}/driver-list': 'CUSTOM',
      'GET /v1/me': 'CUSTOM',
      'GET /v1/voec-statements': 'CUSTOM',
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
      'POST /v1/manifest-uploads': 'CUSTOM',
      'GET /v1/manifest-uploads/{uploadId}': 'CUSTOM',
      'GET /v1/manifests': 'CUSTOM',
      'GET /v1/manifests/{manifestId}/shipments/{shipmentNumber}': 'CUSTOM',
    });
    dev.stateless.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      EnableSimpleResponses: true,
      // No identity source (API Gateway would answer a missing one with its own bare 401), no cache.
      IdentitySource: [],
      AuthorizerResultTtlInSeconds: 0,
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
    // New reports and the reporter's own follow-ups (polls, retries) come from two queues.
    const mappings = Object.values(dev.stateless.findResources('AWS::Lambda::EventSourceMapping')).filter(
      (m) => (m as Resource).Properties.FunctionName.Ref === reporter,
    );
    expect(mappings).toHaveLength(2);
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

  it('hands new outbox items to the webhook queue from the table stream, filtered on the outbox key prefix', () => {
    dev.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'KEYS_ONLY' },
    });
    const [consumer, fn] = functionByDescription(
      dev.stateless,
      'Hands new outbox notifications to the webhook queue (table stream)',
    );
    const mappings = (
      Object.values(dev.stateless.findResources('AWS::Lambda::EventSourceMapping')) as Resource[]
    ).filter((m) => m.Properties.FunctionName.Ref === consumer);
    expect(mappings).toHaveLength(1);
    const mapping = mappings[0]?.Properties ?? {};
    expect(mapping).toMatchObject({
      StartingPosition: 'LATEST',
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 3600,
      DestinationConfig: { OnFailure: { Destination: expect.anything() } },
    });
    // The stream ARN is the stateful table's (imported across stacks).
    expect(JSON.stringify(mapping.EventSourceArn)).toMatch(/StreamArn/);
    // Only INSERTs of items whose sort key starts with the outbox prefix (keys.outbox) reach the function.
    expect(mapping.FilterCriteria.Filters.map((f: { Pattern: string }) => JSON.parse(f.Pattern))).toEqual([
      { eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [{ prefix: OUTBOX_SORT_KEY_PREFIX }] } } } },
    ]);
    expect(fn.Properties.Timeout).toBe(30);
    expect(actionsOf(dev.stateless, consumer)).toEqual(
      expect.arrayContaining(['dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'sqs:SendMessage']),
    );
    // Its on-failure destination is a dead-letter queue of the stateful stack, encrypted.
    expect(dev.stateful.findOutputs('*')).toBeDefined();
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

  it('fires the routing poller every minute (issue #10), with the Digitoll settings and no retry', () => {
    const [poller, fn] = functionByDescription(
      dev.stateless,
      "Scheduled: pulls Customs' routing signals (released, control, pending, denied) per shipment",
    );
    dev.stateless.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [poller, 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 0 },
        }),
      ],
    });
    expect(fn.Properties.Environment.Variables).toMatchObject({
      DIGITOLL_BASE_URL: 'https://api-test.toll.no',
      MASKINPORTEN_TOKEN_URL: 'https://test.maskinporten.no/token',
    });
  });

  it('agrees with the functions on env variable names, timeouts and receive counts (lib/deployment.ts)', () => {
    const functions = Object.values(dev.stateless.findResources('AWS::Lambda::Function')) as Resource[];
    const names = new Set<string>(Object.values(ENV));
    const own = new Set(['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_LOGGER_LOG_EVENT']);
    for (const fn of functions) {
      for (const name of Object.keys(fn.Properties.Environment.Variables)) {
        if (!own.has(name)) expect(names.has(name), name).toBe(true);
      }
    }
    const timeouts = functions.map((fn) => fn.Properties.Timeout).sort((a, b) => a - b);
    expect([...new Set(timeouts)]).toEqual(
      [...new Set(Object.values(FUNCTION_TIMEOUT_SECONDS))].sort((a, b) => a - b),
    );
    const queues = Object.values(dev.stateful.findResources('AWS::SQS::Queue')) as Resource[];
    const receives = queues.flatMap((q) => q.Properties.RedrivePolicy?.maxReceiveCount ?? []);
    expect(receives).toHaveLength(4);
    for (const count of receives) expect(Object.values(QUEUE_MAX_RECEIVES)).toContain(count);
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

describe('security', () => {
  const byRole = Object.fromEntries(
    Object.entries(DESCRIPTIONS).map(([role, description]) => [
      role,
      functionByDescription(dev.stateless, description)[0],
    ]),
  ) as Record<keyof typeof DESCRIPTIONS, string>;
  const tableActions = (role: keyof typeof DESCRIPTIONS) =>
    [...new Set(actionsOf(dev.stateless, byRole[role]).filter((a) => a.startsWith('dynamodb:')))].sort();

  it('puts the key authorizer, backed by the authorizer function, in front of every partner route', () => {
    const [authorizerId] = Object.keys(dev.stateless.findResources('AWS::ApiGatewayV2::Authorizer'));
    const authorizer = dev.stateless.findResources('AWS::ApiGatewayV2::Authorizer')[
      authorizerId as string
    ] as Resource;
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(byRole.authorizer);
    expect(authorizer.Properties.AuthorizerPayloadFormatVersion).toBe('2.0');
    // Invoked for every request (no identity source, so no 401 API Gateway would answer itself, and no
    // result cache), simple responses: the functions answer a refused key as a problem document.
    expect(authorizer.Properties.IdentitySource ?? []).toEqual([]);
    expect(authorizer.Properties.AuthorizerResultTtlInSeconds ?? 0).toBe(0);
    expect(authorizer.Properties.EnableSimpleResponses).toBe(true);
    const routes = Object.values(dev.stateless.findResources('AWS::ApiGatewayV2::Route')) as Resource[];
    for (const route of routes) {
      if (['GET /health', 'GET /v1/openapi.json', '$default'].includes(route.Properties.RouteKey)) continue;
      expect(route.Properties, route.Properties.RouteKey).toMatchObject({
        AuthorizationType: 'CUSTOM',
        AuthorizerId: { Ref: authorizerId },
      });
    }
    dev.stateless.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [byRole.authorizer, 'Arn'] },
      Principal: 'apigateway.amazonaws.com',
    });
  });

  it('throttles the API per stage', () => {
    prod.stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: 200, ThrottlingBurstLimit: 400 },
    });
  });

  it('grants exactly the table actions each function uses: never Scan, Delete only where deleting', () => {
    expect(tableActions('authorizer')).toEqual(['dynamodb:GetItem']);
    expect(tableActions('public')).toEqual([]);
    expect(tableActions('read')).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']);
    expect(tableActions('webhooks')).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem']);
    // Its table grants, and the stream reads the event source mapping needs.
    expect(tableActions('outboxStream')).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:DescribeStream',
      'dynamodb:GetRecords',
      'dynamodb:GetShardIterator',
      'dynamodb:ListStreams',
      'dynamodb:Query',
    ]);
    expect(tableActions('intake')).toEqual([
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    ]);
    expect(tableActions('reporter')).toEqual([
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
    ]);
    expect(tableActions('changes')).toContain('dynamodb:DeleteItem');
    expect(tableActions('sweep')).toEqual(expect.arrayContaining(['dynamodb:DeleteItem', 'dynamodb:Query']));
    const all = (Object.values(dev.stateless.findResources('AWS::IAM::Policy')) as Resource[]).flatMap((p) =>
      p.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => s.Action),
    );
    expect(all).not.toContain('dynamodb:Scan');
    expect(all.filter((a: string) => a === 'dynamodb:*' || a === 'sqs:*' || a === '*')).toEqual([]);
  });

  it('grants queues and the secret only to their users', () => {
    const sqsActions = (role: keyof typeof DESCRIPTIONS) =>
      actionsOf(dev.stateless, byRole[role]).filter((a) => a.startsWith('sqs:'));
    for (const role of ['authorizer', 'public', 'read'] as const) expect(sqsActions(role), role).toEqual([]);
    for (const role of ['intake', 'changes', 'sweep'] as const) {
      expect(sqsActions(role), role).toEqual(expect.arrayContaining(['sqs:SendMessage']));
      expect(sqsActions(role), role).not.toContain('sqs:ReceiveMessage');
    }
    const withSecret = Object.entries(byRole)
      .filter(([, id]) => actionsOf(dev.stateless, id).includes('secretsmanager:GetSecretValue'))
      .map(([role]) => role);
    expect(withSecret).toEqual(['reporter']);
    // The X-Ray statement is the only one on "*" (and, for the stream consumer, ListStreams,
    // which has no resource-level permission).
    for (const [role, id] of Object.entries(byRole)) {
      const star = statementsOf(dev.stateless, id).filter((s) => s.Resource === '*');
      const allowed = (a: string) =>
        a.startsWith('xray:') || (role === 'outboxStream' && a === 'dynamodb:ListStreams');
      expect(star.flatMap((s) => s.Action).every((a) => allowed(String(a)))).toBe(true);
    }
  });

  it('encrypts the table, the queues, the secret and the alarm topic', () => {
    dev.stateful.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    dev.stateful.hasResourceProperties('AWS::DynamoDB::Table', { SSESpecification: { SSEEnabled: true } });
    dev.stateful.resourceCountIs('AWS::SecretsManager::Secret', 1);
    dev.stateless.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlarmTopicKey'), 'Arn'] },
    });
    dev.stateless.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('keeps point-in-time recovery on in every stage', () => {
    for (const stage of [dev, prod]) {
      stage.stateful.hasResourceProperties('AWS::DynamoDB::Table', {
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      });
    }
  });

  it('writes JSON access logs for the API stage, with no body, header or query string', () => {
    const [logGroupId] = Object.keys(
      dev.stateless.findResources('AWS::Logs::LogGroup', {
        Properties: { RetentionInDays: 30 },
      }),
    ).filter((id) => id.includes('AccessLogs'));
    expect(logGroupId).toBeDefined();
    dev.stateless.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logGroupId, 'Arn'] },
        Format: ACCESS_LOG_FORMAT,
      },
    });
    const format = JSON.parse(ACCESS_LOG_FORMAT) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
    for (const variable of Object.values(format)) {
      expect(variable).toMatch(/^\$context\./);
      expect(variable).not.toMatch(/body|header|querystring|authorization|apiKey/i);
    }
    prod.stateless.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  it('logs no request or response bodies anywhere', () => {
    const functions = Object.values(dev.stateless.findResources('AWS::Lambda::Function')) as Resource[];
    for (const fn of functions) {
      expect(fn.Properties.Environment.Variables.POWERTOOLS_LOGGER_LOG_EVENT).toBe('false');
    }
    const template = JSON.stringify(dev.stateless.toJSON());
    expect(template).not.toMatch(/\$request\.body|\$input\.body|DataTraceEnabled|\$context\.requestOverride/);
  });

  it('outputs what operators need from the stateful stack', () => {
    const outputs = dev.stateful.toJSON().Outputs as Record<string, { Value: unknown; Export?: unknown }>;
    expect(outputs.TableName?.Value).toEqual({ Ref: expect.stringMatching(/^Table/) });
    expect(outputs.TableName?.Export).toBeUndefined();
    expect(Object.keys(outputs)).toEqual(
      expect.arrayContaining([
        'TableName',
        'ReportQueueArn',
        'NotificationQueueArn',
        'ReportDeadLetterQueueArn',
        'NotificationDeadLetterQueueArn',
        'MaskinportenSecretArn',
      ]),
    );
  });

  it('validates the stage configuration at synth, overrides included', () => {
    expect(stageConfig('prod', { alarmEmail: 'ops@carrier.example' }).alarms.email).toBe(
      'ops@carrier.example',
    );
    expect(() => stageConfig('dev', { alarmEmail: 'not-an-email' })).toThrow(/Invalid configuration.*"dev"/s);
    expect(() => stageConfig('dev', { alarmTopicArn: 'arn:aws:sqs:eu-north-1:123456789012:x' })).toThrow(
      /SNS topic ARN/,
    );
    expect(() =>
      buildApp(new App({ context: { stage: 'prod', alarmEmail: 'nope', 'aws:cdk:bundling-stacks': [] } })),
    ).toThrow(/email/);
  });
});
