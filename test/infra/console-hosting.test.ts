/**
 * The operations console's hosting: a private bucket reached only through CloudFront's origin
 * access control, HTTPS only, strict security headers, logs, the API's CORS limited to the
 * distribution, and a deployment that names exactly this API.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONSOLE_PATHS_FUNCTION, indexWithApiCsp } from '../../cdk/constructs/console-hosting.ts';
import { ensureConsoleBuiltSync } from '../../console/build.ts';
import { type Resource, synth } from './synth.ts';

const dev = synth('dev');
const prod = synth('prod');

const only = (template: typeof dev.console, type: string): [string, Resource] => {
  const found = Object.entries(template.findResources(type)) as Array<[string, Resource]>;
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Resource];
};

type Statement = { Effect: string; Principal?: unknown; Action: string | string[]; Condition?: unknown };

describe('console hosting (CloudFront + S3)', () => {
  for (const [stage, built] of [
    ['dev', dev],
    ['prod', prod],
  ] as const) {
    it(`keeps the site bucket private, encrypted, versioned, TLS-only and logged (${stage})`, () => {
      const buckets = built.console.findResources('AWS::S3::Bucket') as Record<string, Resource>;
      expect(Object.keys(buckets)).toHaveLength(2);
      for (const bucket of Object.values(buckets)) {
        expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
        expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]).toEqual({
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
        });
        expect(bucket.Properties.WebsiteConfiguration).toBeUndefined();
        expect(bucket.Properties.AccessControl ?? 'LogDeliveryWrite').toBe('LogDeliveryWrite');
      }
      const [siteId, site] = Object.entries(buckets).find(([, b]) => b.Properties.LoggingConfiguration) as [
        string,
        Resource,
      ];
      const logId = site.Properties.LoggingConfiguration.DestinationBucketName.Ref;
      expect(logId).not.toBe(siteId);
      expect(site.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(site.Properties.OwnershipControls.Rules[0].ObjectOwnership).toBe('BucketOwnerEnforced');

      for (const policy of Object.values(
        built.console.findResources('AWS::S3::BucketPolicy'),
      ) as Resource[]) {
        const statements = policy.Properties.PolicyDocument.Statement as Statement[];
        expect(statements).toContainEqual(
          expect.objectContaining({
            Effect: 'Deny',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        );
        // Nobody is allowed in but CloudFront (the site bucket) — never a public principal.
        for (const statement of statements.filter((s) => s.Effect === 'Allow')) {
          expect(statement.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
          expect(statement.Action).toBe('s3:GetObject');
        }
      }
    });
  }

  it('reaches the bucket only through origin access control, for this distribution', () => {
    const [oacId, oac] = only(dev.console, 'AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    const [distributionId, distribution] = only(dev.console, 'AWS::CloudFront::Distribution');
    const [origin] = distribution.Properties.DistributionConfig.Origins;
    expect(origin.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
    expect(origin.S3OriginConfig.OriginAccessIdentity).toBe('');
    const sitePolicy = Object.values(dev.console.findResources('AWS::S3::BucketPolicy'))
      .flatMap((policy) => (policy as Resource).Properties.PolicyDocument.Statement as Statement[])
      .find((statement) => statement.Effect === 'Allow');
    expect(JSON.stringify(sitePolicy?.Condition)).toContain(`"Ref":"${distributionId}"`);
  });

  it('serves HTTPS only, with the security headers, the path function and logs', () => {
    const [, distribution] = only(dev.console, 'AWS::CloudFront::Distribution');
    const config = distribution.Properties.DistributionConfig;
    const behaviours = [config.DefaultCacheBehavior, ...(config.CacheBehaviors ?? [])];
    for (const behaviour of behaviours) expect(behaviour.ViewerProtocolPolicy).toBe('https-only');
    const [policyId] = only(dev.console, 'AWS::CloudFront::ResponseHeadersPolicy');
    expect(config.DefaultCacheBehavior.ResponseHeadersPolicyId).toEqual({ Ref: policyId });
    expect(config.DefaultCacheBehavior.AllowedMethods).toEqual(['GET', 'HEAD']);
    const [functionId] = only(dev.console, 'AWS::CloudFront::Function');
    expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
      { EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': [functionId, 'FunctionARN'] } },
    ]);
    expect(config.Logging.Prefix).toBe('cloudfront/');
    expect(config.Logging.Bucket['Fn::GetAtt'][1]).toBe('RegionalDomainName');
  });

  it('sends a strict Content-Security-Policy, HSTS, nosniff, no framing and no referrer', () => {
    const [, policy] = only(dev.console, 'AWS::CloudFront::ResponseHeadersPolicy');
    const security = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = (security.ContentSecurityPolicy.ContentSecurityPolicy['Fn::Join'][1] as unknown[])
      .map((part) => (typeof part === 'string' ? part : '<token>'))
      .join('');
    const directives = Object.fromEntries(
      csp.split(';').map((directive) => {
        const [name = '', ...values] = directive.trim().split(/\s+/);
        return [name, values];
      }),
    );
    expect(directives['default-src']).toEqual(["'self'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['style-src']).toEqual(["'self'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['connect-src']).toEqual(["'self'", 'https://*.execute-api.<token>.<token>']);
    expect(csp).not.toMatch(/unsafe-|data:|\*\.cloudfront/);
    expect(security.ContentSecurityPolicy.Override).toBe(true);
    expect(security.StrictTransportSecurity).toMatchObject({ IncludeSubdomains: true, Override: true });
    expect(security.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
    expect(security.ContentTypeOptions).toEqual({ Override: true });
    expect(security.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
    expect(security.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
  });

  it('routes / and app paths to the console, and leaves files alone', () => {
    const handler = new Function(`${CONSOLE_PATHS_FUNCTION}; return handler;`)() as (event: unknown) => {
      uri?: string;
      statusCode?: number;
      headers?: Record<string, { value: string }>;
    };
    const at = (uri: string) => handler({ request: { uri, headers: {} } });
    expect(at('/')).toMatchObject({ statusCode: 301, headers: { location: { value: '/console/' } } });
    expect(at('/console')).toMatchObject({ statusCode: 301 });
    expect(at('/console/').uri).toBe('/console/index.html');
    expect(at('/console/manifests/abc').uri).toBe('/console/index.html');
    expect(at('/console/assets/index-abc.js').uri).toBe('/console/assets/index-abc.js');
    expect(at('/console/config.json').uri).toBe('/console/config.json');
    expect(at('/elsewhere.txt').uri).toBe('/elsewhere.txt');
  });
});

describe('the API allows the console origin, and only it', () => {
  it('has CORS with exactly the distribution as origin, for GET with the Authorization header', () => {
    const [, api] = only(dev.stateless, 'AWS::ApiGatewayV2::Api');
    const cors = api.Properties.CorsConfiguration;
    expect(cors.AllowOrigins).toHaveLength(1);
    expect(cors.AllowMethods).toEqual(['GET']);
    expect(cors.AllowHeaders).toEqual(['authorization', 'accept']);
    expect(cors.AllowCredentials).toBe(false);
    expect(cors.ExposeHeaders).toEqual(['content-disposition']);
    const [scheme, imported] = cors.AllowOrigins[0]['Fn::Join'][1];
    expect(scheme).toBe('https://');
    const exportName = imported['Fn::ImportValue'];
    const [distributionId] = only(dev.console, 'AWS::CloudFront::Distribution');
    const exported = Object.values(dev.console.toJSON().Outputs as Record<string, any>).find(
      (output) => output.Export?.Name === exportName,
    );
    expect(exported?.Value).toEqual({ 'Fn::GetAtt': [distributionId, 'DomainName'] });
  });

  it('orders the stacks: hosting before the API, content after both', () => {
    const names = (stack: { dependencies: Array<{ stackName: string }> }) =>
      stack.dependencies.map((d) => d.stackName).sort();
    expect(names(dev.stacks.stateless)).toContain('VoecBorder-dev-Console');
    expect(names(dev.stacks.consoleContent)).toEqual(['VoecBorder-dev-Console', 'VoecBorder-dev-Stateless']);
  });
});

describe('console deployment', () => {
  it('copies the console under console/, invalidates it, and names exactly this API', () => {
    const [, deployment] = only(dev.consoleContent, 'Custom::CDKBucketDeployment');
    expect(deployment.Properties).toMatchObject({
      DestinationBucketKeyPrefix: 'console/',
      DistributionPaths: ['/console/*'],
      Prune: true,
      SystemMetadata: { 'cache-control': 'no-cache' },
    });
    // index.html (its CSP <meta>) and config.json both carry the Stateless stack's API endpoint.
    const apiEndpoint = {
      'Fn::ImportValue': expect.stringMatching(/^VoecBorder-dev-Stateless:.*ApiEndpoint/),
    };
    expect(deployment.Properties.SourceMarkers).toEqual([
      { '<<marker:0xbaba:0>>': apiEndpoint },
      { '<<marker:0xbaba:0>>': apiEndpoint },
    ]);
  });

  it("narrows the CSP's connect-src to the API in index.html", () => {
    const html = indexWithApiCsp(
      '<html>\n  <head>\n    <meta charset="utf-8" />\n    <title>x</title>',
      'https://abc.execute-api.eu-north-1.amazonaws.com',
    );
    expect(html).toContain(
      `<meta charset="utf-8" />\n    <meta http-equiv="Content-Security-Policy" content="connect-src 'self' https://abc.execute-api.eu-north-1.amazonaws.com" />`,
    );
    expect(() => indexWithApiCsp('<html></html>', 'https://x')).toThrow(/meta charset/);
  });

  it('the built console has no inline script or style, and no data: URI (the CSP allows none)', () => {
    const dist = ensureConsoleBuiltSync();
    const html = readFileSync(join(dist, 'index.html'), 'utf8');
    indexWithApiCsp(html, 'https://abc.execute-api.eu-north-1.amazonaws.com');
    const scripts = [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [tag, body] of scripts) {
      expect(tag).toMatch(/\ssrc="\/console\/assets\/[^"]+\.js"/);
      expect(body?.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style|\sstyle=|data:|\son[a-z]+=/i);
  });

  it('acknowledges each cdk-nag finding of the console stacks with a reason', () => {
    const all = [dev.console, dev.consoleContent, prod.console, prod.consoleContent]
      .flatMap((template) =>
        Object.values(template.toJSON().Resources as Record<string, Resource>).flatMap(
          (resource) =>
            (resource.Metadata?.cdk_nag?.rules_to_suppress ?? []) as Array<{ id: string; reason: string }>,
        ),
      )
      .filter((s) => s.id.startsWith('AwsSolutions-')); // aws-cdk-lib adds its own cfn-lint notes

    expect(new Set(all.map((s) => s.id.replace(/VoecBorder-(dev|prod)-/, 'VoecBorder-<stage>-')))).toEqual(
      new Set([
        'AwsSolutions-S1',
        'AwsSolutions-CFR1',
        'AwsSolutions-CFR2',
        'AwsSolutions-CFR4',
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'AwsSolutions-IAM5[Action::s3:GetObject*]',
        'AwsSolutions-IAM5[Action::s3:GetBucket*]',
        'AwsSolutions-IAM5[Action::s3:List*]',
        'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
        'AwsSolutions-IAM5[Action::s3:Abort*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*]',
        'AwsSolutions-IAM5[Resource::VoecBorder-<stage>-Console-SiteBucketArn/*]',
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-L1',
      ]),
    );
    for (const suppression of all) expect(suppression.reason.length, suppression.id).toBeGreaterThan(60);
  });
});
