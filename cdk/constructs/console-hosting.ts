/**
 * The operations console in AWS: its built files in a private S3 bucket, served by CloudFront
 * through origin access control, HTTPS only, with strict security headers, and every request
 * logged (CloudFront's standard logs and the bucket's server access logs, in a log bucket).
 *
 * Why two constructs (and two stacks, cdk/console-stacks.ts): the API's CORS names the console's
 * CloudFront origin, and the console's config.json names the API, so the hosting exists before
 * the API and the content is deployed after it. For the same reason the response-headers policy
 * cannot name the API itself: its CSP allows API Gateway endpoints of the region, and the
 * deployed index.html narrows that to exactly this API with a CSP <meta> (a browser enforces
 * both policies, so the effective connect-src is 'self' plus the one API).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, Fn, Stack } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { ensureConsoleBuiltSync } from '../../console/build.ts';
import {
  contentSecurityPolicy,
  HSTS_MAX_AGE_SECONDS,
  SECURITY_HEADERS,
} from '../../console/security-headers.ts';
import type { StageConfig } from '../config.ts';
import { acknowledgeNag } from './nag.ts';

/** Where the console lives on its host, locally (`npm start`) and on CloudFront alike. */
export const CONSOLE_PATH = '/console/';

/**
 * CloudFront viewer-request function (JavaScript runtime 2.0): `/` and `/console` go to
 * `/console/`, and any path under it that names no file is the single-page app's index.html
 * (the local gateway does the same, local/runtime/static-site.ts).
 */
export const CONSOLE_PATHS_FUNCTION = `function handler(event) {
  var request = event.request;
  var uri = request.uri;
  if (uri === '/' || uri === '/console') {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '${CONSOLE_PATH}' } } };
  }
  if (uri.indexOf('${CONSOLE_PATH}') === 0 && uri.substring(uri.lastIndexOf('/') + 1).indexOf('.') === -1) {
    request.uri = '${CONSOLE_PATH}index.html';
  }
  return request;
}`;

export interface ConsoleHostingProps {
  config: StageConfig;
}

export class ConsoleHosting extends Construct {
  readonly bucket: Bucket;
  readonly logBucket: Bucket;
  readonly distribution: Distribution;
  readonly responseHeaders: ResponseHeadersPolicy;
  /** `https://<id>.cloudfront.net`: what the API's CORS allows. */
  readonly origin: string;

  constructor(scope: Construct, id: string, props: ConsoleHostingProps) {
    super(scope, id);
    const { config } = props;

    // CloudFront's standard logs are written with an ACL grant, so this bucket allows ACLs
    // (object ownership "bucket owner preferred"); nothing in it is public.
    this.logBucket = new Bucket(this, 'Logs', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      lifecycleRules: [{ expiration: Duration.days(config.logRetentionDays) }],
    });
    acknowledgeNag(this.logBucket, {
      id: 'AwsSolutions-S1',
      reason:
        "This is the console's log bucket (CloudFront standard logs and the site bucket's access logs); " +
        'logging its own access would write into itself.',
    });

    this.bucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      // Old versions of a deployed console are only kept long enough to roll back by hand.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30) }],
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 's3-site/',
    });

    const stack = Stack.of(this);
    this.responseHeaders = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'voec-border console: strict CSP, HSTS, nosniff, no framing, no referrer',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: contentSecurityPolicy({
            connectTo: [`https://*.execute-api.${stack.region}.${stack.urlSuffix}`],
            httpsOnly: true,
          }),
          override: true,
        },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.seconds(HSTS_MAX_AGE_SECONDS),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          {
            header: 'Cross-Origin-Opener-Policy',
            value: SECURITY_HEADERS['cross-origin-opener-policy'],
            override: true,
          },
          { header: 'Permissions-Policy', value: SECURITY_HEADERS['permissions-policy'], override: true },
        ],
      },
    });

    const paths = new EdgeFunction(this, 'ConsolePaths', {
      comment: 'voec-border console: / to /console/, app paths to index.html',
      code: FunctionCode.fromInline(CONSOLE_PATHS_FUNCTION),
      runtime: FunctionRuntime.JS_2_0,
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `voec-border ${config.stage} operations console`,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeaders,
        functionAssociations: [{ function: paths, eventType: FunctionEventType.VIEWER_REQUEST }],
        compress: true,
      },
      httpVersion: HttpVersion.HTTP2_AND_3,
      minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
      // Europe and North America: the desk is in Norway.
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
    });
    acknowledgeNag(
      this.distribution,
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'No geo restriction: partners and terminal staff sign in from abroad (Sweden, the EU); the console is ' +
          'static files and every piece of data behind it needs an API key.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'No WAF web ACL: the distribution serves only static files; the data is behind the API, its key ' +
          'authorizer and its throttling. A web ACL (us-east-1, billed monthly) can be attached if policy asks.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          "The distribution uses CloudFront's default *.cloudfront.net certificate, whose TLS policy CloudFront " +
          'sets itself; TLSv1.2_2021 is requested and applies once a custom domain with an ACM certificate is added.',
      },
    );
    this.origin = `https://${this.distribution.distributionDomainName}`;
  }
}

export interface ConsoleDeploymentProps {
  /**
   * The hosting's site bucket ARN and distribution id, as export names of the hosting stack:
   * imported by name, so the deployment's grants read the same in the template as in cdk-nag.
   */
  exports: { siteBucketArn: string; distributionId: string; distributionDomainName: string };
  /** The API's URL (`https://<id>.execute-api.<region>.amazonaws.com`), for config.json and the CSP. */
  apiUrl: string;
}

/** index.html with a CSP <meta> that allows exactly this API (see the header comment). */
export function indexWithApiCsp(html: string, apiUrl: string): string {
  const meta = `<meta http-equiv="Content-Security-Policy" content="connect-src 'self' ${apiUrl}" />`;
  if (!/<meta charset="utf-8" \/>/i.test(html))
    throw new Error('console index.html has no <meta charset> to follow');
  return html.replace(/(<meta charset="utf-8" \/>)/i, `$1\n    ${meta}`);
}

/** What a synth without bundling (the infra tests) deploys instead of the build. */
const PLACEHOLDER_INDEX =
  '<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="utf-8" />\n' +
  '    <title>voec-border console (not built)</title>\n  </head>\n  <body></body>\n</html>\n';

/**
 * The built console (console/dist, built at synth when it is stale) and its config.json, copied
 * into the site bucket under console/, with the CloudFront cache invalidated on each deploy.
 */
export class ConsoleDeployment extends Construct {
  readonly deployment: BucketDeployment;

  constructor(scope: Construct, id: string, props: ConsoleDeploymentProps) {
    super(scope, id);
    const { exports, apiUrl } = props;
    const bucket = Bucket.fromBucketArn(this, 'Site', Fn.importValue(exports.siteBucketArn));
    const distribution = Distribution.fromDistributionAttributes(this, 'Distribution', {
      distributionId: Fn.importValue(exports.distributionId),
      domainName: Fn.importValue(exports.distributionDomainName),
    });
    const dist = Stack.of(this).bundlingRequired ? ensureConsoleBuiltSync() : undefined;
    const html = dist ? readFileSync(join(dist, 'index.html'), 'utf8') : PLACEHOLDER_INDEX;
    this.deployment = new BucketDeployment(this, 'Files', {
      sources: [
        ...(dist ? [Source.asset(dist, { exclude: ['index.html', '.*'] })] : []),
        Source.data('index.html', indexWithApiCsp(html, apiUrl)),
        Source.jsonData('config.json', { apiUrl }),
      ],
      destinationBucket: bucket,
      destinationKeyPrefix: CONSOLE_PATH.slice(1),
      // Small files and an invalidation on every deploy: the browser revalidates, nothing goes stale.
      cacheControl: [CacheControl.noCache()],
      distribution,
      distributionPaths: [`${CONSOLE_PATH}*`],
    });
    // The copying function is CDK's own (one per stack, beside this construct): its findings are
    // acknowledged on it, each for exactly what it does.
    const handler = this.deployment.handlerRole.node.scope;
    if (!handler) throw new Error('BucketDeployment handler role has no scope');
    const wildcard = (what: string) => `AwsSolutions-IAM5[${what}]`;
    const copyReason =
      "CDK's BucketDeployment copies the built console from the CDK asset bucket into the site bucket " +
      '(read, list, write and delete objects under console/); aws-cdk-lib writes this grant.';
    acknowledgeNag(
      handler,
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWSLambdaBasicExecutionRole only allows the deployment function to write its own logs.',
      },
      ...[
        'Action::s3:GetObject*',
        'Action::s3:GetBucket*',
        'Action::s3:List*',
        'Action::s3:DeleteObject*',
        'Action::s3:Abort*',
      ].map((action) => ({ id: wildcard(action), reason: copyReason })),
      {
        id: wildcard(
          'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*',
        ),
        reason: `${copyReason} The source is the CDK asset bucket of the account and region.`,
      },
      {
        id: wildcard(`Resource::${exports.siteBucketArn}/*`),
        reason: `${copyReason} The target is the site bucket.`,
      },
      {
        id: wildcard('Resource::*'),
        reason:
          'cloudfront:CreateInvalidation and GetInvalidation have no resource-level permissions; the function ' +
          'invalidates the console distribution after each deploy.',
      },
      {
        id: 'AwsSolutions-L1',
        reason:
          "The deployment function's runtime is chosen by aws-cdk-lib's BucketDeployment and moves with it; it runs " +
          'only during a deploy, never on a request.',
      },
    );
  }
}
