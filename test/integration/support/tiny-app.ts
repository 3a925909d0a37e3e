/**
 * A hand-written two-stack cloud assembly for testing the local runtime's machinery on its own:
 * a queue with a DLQ and an SQS event source (partial batch failures), a cron rule, an HTTP API
 * with a Lambda authorizer, cross-stack imports and a spread of intrinsics. The function code is
 * a small ESM file written next to the templates, like a bundled asset.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const TINY_AUTH_TOKEN = 'Bearer tiny-app-secret-token';

const workerCode = `
import { appendFileSync } from 'node:fs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const handler = async (event, context) => {
  if (event.Records) {
    for (const record of event.Records) {
      appendFileSync(process.env.RECORD_FILE, JSON.stringify(record) + '\\n');
    }
    if (event.Records.some((record) => record.body === 'throw')) throw new Error('batch failed');
    return {
      batchItemFailures: event.Records.filter((record) => record.body.startsWith('fail')).map((record) => ({
        itemIdentifier: record.messageId,
      })),
    };
  }
  if (event.source === 'aws.events') return { scheduled: true, resources: event.resources, type: event['detail-type'] };
  if (event.version === '2.0') {
    if (event.rawPath === '/boom') throw new Error('boom');
    if (event.rawPath === '/bare') return { hello: 'world' };
    return { statusCode: 200, headers: { 'content-type': 'application/json', 'x-echo': 'yes' }, body: JSON.stringify(event) };
  }
  if (event.action === 'env') return { ...process.env };
  if (event.action === 'sleep') {
    const start = Date.now();
    await sleep(event.ms);
    return { start, end: Date.now() };
  }
  if (event.action === 'remaining') return { remaining: context.getRemainingTimeInMillis(), name: context.functionName };
  return null;
};
`;

const authorizerCode = `
export const handler = async (event) => ({
  isAuthorized: event.headers.authorization === ${JSON.stringify(TINY_AUTH_TOKEN)},
  context: { who: 'tester', seen: (globalThis.seen = (globalThis.seen ?? 0) + 1) },
});
`;

const lambda = (asset: string, timeout: number, variables: Record<string, unknown>) => ({
  Type: 'AWS::Lambda::Function',
  Properties: {
    Handler: 'index.handler',
    Runtime: 'nodejs24.x',
    Timeout: timeout,
    MemorySize: 256,
    Role: { 'Fn::GetAtt': ['Role', 'Arn'] },
    Environment: { Variables: variables },
  },
  Metadata: { 'aws:asset:path': asset },
});

/** Writes the assembly; returns its directory and the file the worker function appends records to. */
export function writeTinyApp(): { cdkOut: string; recordFile: string } {
  const cdkOut = mkdtempSync(join(tmpdir(), 'tiny-app-'));
  const recordFile = join(cdkOut, 'records.jsonl');
  for (const [asset, code] of [
    ['asset.worker', workerCode],
    ['asset.authorizer', authorizerCode],
  ] as const) {
    mkdirSync(join(cdkOut, asset));
    writeFileSync(join(cdkOut, asset, 'index.mjs'), code);
  }
  const base = {
    Resources: {
      Dlq: { Type: 'AWS::SQS::Queue', Properties: { MessageRetentionPeriod: 1209600 } },
      Work: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          VisibilityTimeout: 1,
          RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': ['Dlq', 'Arn'] }, maxReceiveCount: 2 },
        },
      },
    },
    Outputs: {
      WorkArn: { Value: { 'Fn::GetAtt': ['Work', 'Arn'] }, Export: { Name: 'Tiny-Base:WorkArn' } },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
      WorkUrl: { Value: { Ref: 'Work' }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}:WorkUrl' } } },
    },
  };
  const app = {
    Parameters: { Greeting: { Type: 'String', Default: 'hej' } },
    Conditions: { IsLocal: { 'Fn::Equals': [{ Ref: 'AWS::AccountId' }, '000000000000'] } },
    Resources: {
      Role: { Type: 'AWS::IAM::Role', Properties: {} },
      Worker: lambda('asset.worker', 2, {
        QUEUE_URL: { 'Fn::ImportValue': 'Tiny-Base:WorkUrl' },
        QUEUE_ARN: { 'Fn::ImportValue': 'Tiny-Base:WorkArn' },
        // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
        SUB: { 'Fn::Sub': '${AWS::Region}/${AWS::AccountId}/${Greeting}/${Role.Arn}/${!Literal}' },
        SELECTED: { 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] },
        JOINED: { 'Fn::Join': ['-', ['x', { Ref: 'AWS::Partition' }, { Ref: 'AWS::URLSuffix' }]] },
        WHERE: { 'Fn::If': ['IsLocal', 'local', 'aws'] },
        OMITTED: { Ref: 'AWS::NoValue' },
        OWN_NAME: 'worker-only',
      }),
      Authorizer: lambda('asset.authorizer', 3, { OWN_NAME: 'authorizer-only' }),
      Mapping: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          EventSourceArn: { 'Fn::ImportValue': 'Tiny-Base:WorkArn' },
          FunctionName: { Ref: 'Worker' },
          BatchSize: 10,
          FunctionResponseTypes: ['ReportBatchItemFailures'],
        },
      },
      Nightly: {
        Type: 'AWS::Events::Rule',
        Properties: {
          ScheduleExpression: 'cron(0 2 * * ? *)',
          State: 'ENABLED',
          Targets: [{ Arn: { 'Fn::GetAtt': ['Worker', 'Arn'] }, Id: 'Target0' }],
        },
      },
      Api: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'tiny', ProtocolType: 'HTTP' } },
      Integration: {
        Type: 'AWS::ApiGatewayV2::Integration',
        Properties: {
          ApiId: { Ref: 'Api' },
          IntegrationType: 'AWS_PROXY',
          IntegrationUri: { 'Fn::GetAtt': ['Worker', 'Arn'] },
          PayloadFormatVersion: '2.0',
        },
      },
      KeyAuthorizer: {
        Type: 'AWS::ApiGatewayV2::Authorizer',
        Properties: {
          ApiId: { Ref: 'Api' },
          AuthorizerType: 'REQUEST',
          AuthorizerPayloadFormatVersion: '2.0',
          EnableSimpleResponses: true,
          IdentitySource: ['$request.header.Authorization'],
          AuthorizerResultTtlInSeconds: 300,
          AuthorizerUri: {
            'Fn::Join': [
              '',
              [
                'arn:',
                { Ref: 'AWS::Partition' },
                ':apigateway:',
                { Ref: 'AWS::Region' },
                ':lambda:path/2015-03-31/functions/',
                { 'Fn::GetAtt': ['Authorizer', 'Arn'] },
                '/invocations',
              ],
            ],
          },
          Name: 'key',
        },
      },
      ...Object.fromEntries(
        [
          ['ItemRoute', 'GET /items/{id}', true],
          ['ProxyRoute', 'ANY /{proxy+}', false],
          ['ExactRoute', 'GET /items/special', false],
        ].map(([id, routeKey, secured]) => [
          id,
          {
            Type: 'AWS::ApiGatewayV2::Route',
            Properties: {
              ApiId: { Ref: 'Api' },
              RouteKey: routeKey,
              Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'Integration' }]] },
              ...(secured
                ? { AuthorizationType: 'CUSTOM', AuthorizerId: { Ref: 'KeyAuthorizer' } }
                : { AuthorizationType: 'NONE' }),
            },
          },
        ]),
      ),
    },
  };
  writeFileSync(join(cdkOut, 'Tiny-Base.template.json'), JSON.stringify(base));
  writeFileSync(join(cdkOut, 'Tiny-App.template.json'), JSON.stringify(app));
  writeFileSync(
    join(cdkOut, 'manifest.json'),
    JSON.stringify({
      version: '55.0.0',
      artifacts: {
        'Tiny-App': {
          type: 'aws:cloudformation:stack',
          properties: { templateFile: 'Tiny-App.template.json' },
          dependencies: ['Tiny-Base'],
        },
        'Tiny-Base': {
          type: 'aws:cloudformation:stack',
          properties: { templateFile: 'Tiny-Base.template.json' },
        },
      },
    }),
  );
  return { cdkOut, recordFile };
}
