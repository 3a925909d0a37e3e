/**
 * The partner API: the HTTP API with its routes, the API-key Lambda authorizer (run for every
 * request; the functions answer its 401s as problem documents), throttling on the default stage,
 * JSON access logs (no bodies, no headers), and the functions behind the routes with the table
 * actions and queues each one uses.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  type CfnStage,
  CorsHttpMethod,
  type CorsPreflightOptions,
  HttpApi,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { type HttpFunction, OPERATIONS, routeKey } from '../../functions/http/routes.ts';
import type { StageConfig } from '../config.ts';
import { HouseFunction } from './house-function.ts';
import { acknowledgeNag } from './nag.ts';
import { grantTable } from './table-grants.ts';

export interface PartnerApiProps {
  config: StageConfig;
  table: ITable;
  reportQueue: IQueue;
  /** The environment every function shares (table, queues, stage). */
  environment: Record<string, string>;
  /** The operations console's origin (`https://<id>.cloudfront.net`): the only origin CORS allows. */
  consoleOrigin?: string;
}

/**
 * CORS for the operations console, and for nothing else: its one origin, the reads it makes
 * (GET, with the key in Authorization), and Content-Disposition readable so a CSV or PDF
 * download keeps the API's file name. No credentials: the key is a header, never a cookie.
 */
export function consoleCors(origin: string): CorsPreflightOptions {
  return {
    allowOrigins: [origin],
    allowMethods: [CorsHttpMethod.GET],
    allowHeaders: ['authorization', 'accept'],
    exposeHeaders: ['content-disposition'],
    allowCredentials: false,
    maxAge: Duration.minutes(10),
  };
}

/**
 * One access log line per request. Only `$context` fields that describe the request, never its
 * body, headers, query string or the Authorization header; `partnerId` is what the authorizer
 * resolved, not the key.
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  partnerId: '$context.authorizer.partnerId',
});

/** Routes anyone may call (health for uptime checks, the public contract): the route table says which. */
export const UNAUTHENTICATED_ROUTES: readonly string[] = OPERATIONS.filter((op) => !op.partnerKey).map(
  routeKey,
);

/**
 * The intake's memory, chosen from `npm run bench` (A, AWS profile; bench/results.json). A
 * 10,000-shipment POST spends 2.2-3.0 s of CPU on one thread (224 ms per 1,000 shipments on a quiet
 * machine, 240-300 under load: gunzip, JSON parse, zod, the VOEC rules, and mostly the SDK's
 * marshalling of 10,000 shipments, 10,000 claims and 10,000 report messages, per a CPU profile).
 * Its I/O in AWS is 134 claim transactions, 268 batch writes and 1,001 message batches at 16 in
 * flight: 1.9-2.4 s when the bench sends those very requests to an endpoint that answers each after
 * its table latency (bench/aws-latency.ts, bench/latency-only.ts); locally it is bound by DynamoDB
 * Local (the floor, the same requests with no logic, takes as long as the intake). Modelled on AWS
 * at this memory: 5.2-5.9 s of the 29 s timeout (bench A, two runs).
 * Lambda gives CPU in proportion to memory (1,769 MB = one vCPU): at 1,024 MB (0.58 vCPU) those
 * 2.2-3.0 s become 3.8-5.2 s, adding 1.6-2.2 s to every large intake; at 1,769 MB nothing is added,
 * and above it nothing is gained (the handler is single-threaded). Cost stays about level: a
 * CPU-bound invocation at 1.73x the memory runs ~1/1.73 as long. So: one full vCPU.
 */
const INTAKE_MEMORY_MB = 1769;

export class PartnerApi extends Construct {
  readonly api: HttpApi;
  readonly accessLogs: LogGroup;
  /** The functions behind the API (the authorizer included), by role. */
  readonly functions: {
    authorizer: IFunction;
    public: IFunction;
    intake: IFunction;
    read: IFunction;
    changes: IFunction;
  };

  constructor(scope: Construct, id: string, props: PartnerApiProps) {
    super(scope, id);
    const { config, table, reportQueue, environment } = props;
    const fn = (id: string, entry: string, description: string, memorySize?: number) =>
      new HouseFunction(this, id, {
        entry,
        description,
        environment,
        logRetention: config.logRetentionDays,
        ...(memorySize ? { memorySize } : {}),
      }).fn;

    const authorizerFn = fn('Authorizer', 'functions/auth/authorizer.ts', 'Partner API key → partnerId');
    const publicFn = fn('Public', 'functions/http/public.ts', 'Health and OpenAPI contract');
    const intakeFn = fn(
      'Intake',
      'functions/http/intake.ts',
      'Manifest intake: validate, store, fan out',
      INTAKE_MEMORY_MB,
    );
    const readFn = fn('Read', 'functions/http/read.ts', 'Manifest and shipment queries');
    const changesFn = fn(
      'Changes',
      'functions/http/changes.ts',
      'Amend, withdraw, transport updates, webhooks',
    );
    this.functions = {
      authorizer: authorizerFn,
      public: publicFn,
      intake: intakeFn,
      read: readFn,
      changes: changesFn,
    };

    grantTable(table, authorizerFn, 'dynamodb:GetItem');
    grantTable(
      table,
      intakeFn,
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:UpdateItem',
    );
    grantTable(table, intakeFn, 'dynamodb:ConditionCheckItem', 'dynamodb:PutItem');
    reportQueue.grantSendMessages(intakeFn);
    grantTable(table, readFn, 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query');
    grantTable(
      table,
      changesFn,
      'dynamodb:GetItem',
      'dynamodb:Query',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
    );
    // Withdrawing a shipment and removing a webhook delete items.
    grantTable(table, changesFn, 'dynamodb:DeleteItem');
    grantTable(table, changesFn, 'dynamodb:ConditionCheckItem');
    reportQueue.grantSendMessages(changesFn);

    // No identity source and no result cache: HTTP APIs answer a missing identity source and a
    // refusal with bodies nobody can shape, so the authorizer runs for every request, always allows
    // and says who (or why nobody) in its context; the HTTP wrapper answers the 401 problem document.
    // Known keys are cached in the authorizer itself (functions/auth/authorizer.ts).
    const authorizer = new HttpLambdaAuthorizer('PartnerKey', authorizerFn, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: [],
      resultsCacheTtl: Duration.seconds(0),
    });

    this.api = new HttpApi(this, 'HttpApi', {
      description: 'voec-border partner API v1',
      createDefaultStage: true,
      ...(props.consoleOrigin ? { corsPreflight: consoleCors(props.consoleOrigin) } : {}),
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: config.logRetentionDays,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const defaultStage = this.api.defaultStage?.node.defaultChild as CfnStage | undefined;
    defaultStage?.addPropertyOverride('DefaultRouteSettings', {
      ThrottlingRateLimit: config.apiThrottle.rateLimit,
      ThrottlingBurstLimit: config.apiThrottle.burstLimit,
    });
    // HTTP APIs write access logs with API Gateway's service-linked role: no account role needed.
    if (defaultStage) {
      defaultStage.accessLogSettings = {
        destinationArn: this.accessLogs.logGroupArn,
        format: ACCESS_LOG_FORMAT,
      };
    }

    // One integration per function; every route of the route table goes to the function it names.
    const integrations: Record<HttpFunction, HttpLambdaIntegration> = {
      public: new HttpLambdaIntegration('PublicIntegration', publicFn),
      intake: new HttpLambdaIntegration('IntakeIntegration', intakeFn),
      read: new HttpLambdaIntegration('ReadIntegration', readFn),
      changes: new HttpLambdaIntegration('ChangesIntegration', changesFn),
    };
    for (const operation of OPERATIONS) {
      this.api.addRoutes({
        path: operation.path,
        methods: [HttpMethod[operation.method]],
        integration: integrations[operation.function],
        ...(operation.partnerKey ? { authorizer } : {}),
      });
    }
    // Anything no route matches goes to the public function, which answers a 404 problem document
    // (API Gateway's own answer would be `{"message":"Not Found"}`). It reads nothing.
    new HttpRoute(this.api, 'DefaultRoute', {
      httpApi: this.api,
      routeKey: HttpRouteKey.DEFAULT,
      integration: integrations.public,
    });

    this.suppressFindings();
  }

  /** cdk-nag APIG4 (route without authorization): acknowledged on the two public routes only, with the reason. */
  private suppressFindings(): void {
    for (const child of this.api.node.children) {
      const route = child.node.tryFindChild('Resource');
      const key = (route as { routeKey?: unknown } | undefined)?.routeKey;
      if (!route || typeof key !== 'string') continue;
      if (key === HttpRouteKey.DEFAULT.key) {
        acknowledgeNag(route, {
          id: 'AwsSolutions-APIG4',
          reason:
            '$default only answers a 404 problem document for paths the API does not have; it reads ' +
            'no data and every partner route uses the API-key Lambda authorizer.',
        });
        continue;
      }
      if (!UNAUTHENTICATED_ROUTES.includes(key)) continue;
      acknowledgeNag(route, {
        id: 'AwsSolutions-APIG4',
        reason:
          `${key} is public on purpose: the health check and the published OpenAPI contract ` +
          'hold no partner data; every other route uses the API-key Lambda authorizer.',
      });
    }
  }
}
