/**
 * cdk-nag's AwsSolutions pack (a policy-validation plugin registered in cdk/app.ts): no
 * unacknowledged finding in either stage, synth fails on one, and every acknowledgement carries a
 * reason and, for IAM findings, names exactly the finding it covers.
 * Plus the one test here that bundles: the functions of one stack, as `npm run synth` does.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { buildApp } from '../../cdk/app.ts';
import { awsSolutionsChecks } from '../../cdk/constructs/nag.ts';
import { type Resource, type Stage, synth } from './synth.ts';

const stages = { dev: synth('dev'), prod: synth('prod') } satisfies Record<Stage, unknown>;

function findings(stack: Stack): string[] {
  return awsSolutionsChecks()
    .validateScope(stack)
    .violations.flatMap((violation) =>
      violation.violatingResources.map((resource) => `${resource.constructPath}: ${violation.ruleName}`),
    );
}

interface Suppression {
  id: string;
  reason: string;
}

function suppressions(template: Template): Array<{ logicalId: string } & Suppression> {
  return Object.entries(template.toJSON().Resources as Record<string, Resource>).flatMap(
    ([logicalId, resource]) =>
      ((resource.Metadata?.cdk_nag?.rules_to_suppress ?? []) as Suppression[]).map((s) => ({
        logicalId,
        ...s,
      })),
  );
}

describe('cdk-nag (AwsSolutions)', () => {
  for (const stage of ['dev', 'prod'] as const) {
    for (const which of ['stateful', 'stateless', 'console', 'consoleContent'] as const) {
      it(`finds nothing unacknowledged in ${stage} ${which}`, () => {
        expect(findings(stages[stage].stacks[which])).toEqual([]);
      });
    }
  }

  it('gives every acknowledgement a reason, and scopes IAM acknowledgements to one finding each', () => {
    const all = [...suppressions(stages.prod.stateful), ...suppressions(stages.prod.stateless)];
    expect(new Set(all.map((s) => s.id))).toEqual(
      new Set([
        'AwsSolutions-SQS3',
        'AwsSolutions-SMG4',
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-APIG4',
        // Bulk uploads: the access-log bucket of the upload bucket, its objects' grants, and CDK's own
        // acknowledgement of the log-delivery ACL that server access logging sets.
        'AwsSolutions-S1',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::voec-border-prod-uploads-<AWS::AccountId>-<AWS::Region>/uploads/*]',
        'CloudFormation-Validate::W3045',
      ]),
    );
    for (const suppression of all) {
      expect(suppression.reason.length, `${suppression.logicalId} ${suppression.id}`).toBeGreaterThan(60);
      if (suppression.id.startsWith('AwsSolutions-IAM')) {
        expect(suppression.id, `${suppression.logicalId}: an IAM finding, not the whole rule`).toMatch(
          /^AwsSolutions-IAM\d\[.+\]$/,
        );
      }
    }
    // The APIG4 suppressions (a route without authorization) are on the two public routes and the
    // $default route (a 404 problem document for paths the API does not have) only.
    const routes = stages.prod.stateless.findResources('AWS::ApiGatewayV2::Route') as Record<
      string,
      Resource
    >;
    const open = all
      .filter((s) => s.id === 'AwsSolutions-APIG4')
      .map((s) => routes[s.logicalId]?.Properties.RouteKey)
      .sort();
    expect(open).toEqual(['$default', 'GET /health', 'GET /v1/openapi.json']);
  });

  it('reports an unsuppressed finding (the check is live)', () => {
    const app = new App({ context: { stage: 'dev', 'aws:cdk:bundling-stacks': [] } });
    const { stateful } = buildApp(app);
    // A queue without SSL enforcement or a dead-letter queue, added after the fact.
    new Queue(stateful, 'Careless');
    const found = findings(stateful);
    expect(found.some((f) => f.includes('Careless') && f.includes('AwsSolutions-SQS3'))).toBe(true);
    expect(found.some((f) => f.includes('Careless') && f.includes('AwsSolutions-SQS4'))).toBe(true);
    // …and `cdk synth` stops on it (the pack is registered as a validation plugin).
    expect(() => app.synth()).toThrow(/[Vv]alidation/);
  });
});

describe('bundling', () => {
  // Nine real esbuild bundles: minutes, not seconds, on a loaded 2-core machine.
  it('bundles each function of the stateless stack as ESM with a source map', { timeout: 240_000 }, () => {
    const outdir = mkdtempSync(join(tmpdir(), 'voec-border-bundle-'));
    onTestFinished(() => rmSync(outdir, { recursive: true, force: true }));
    const app = new App({
      outdir,
      context: { stage: 'dev', 'aws:cdk:bundling-stacks': ['VoecBorder-dev-Stateless'] },
    });
    const { stateless } = buildApp(app);
    const template = Template.fromStack(stateless);
    const functions = Object.values(template.findResources('AWS::Lambda::Function')) as Resource[];
    expect(functions).toHaveLength(11);
    for (const fn of functions) {
      // The asset's zip is named by its hash; the staged directory is asset.<hash>.
      const hash = String(fn.Properties.Code.S3Key).replace(/\.zip$/, '');
      const dir = join(app.outdir, `asset.${hash}`);
      expect(existsSync(join(dir, 'index.mjs')), fn.Properties.Description).toBe(true);
      expect(existsSync(join(dir, 'index.mjs.map')), fn.Properties.Description).toBe(true);
      expect(fn.Properties.Handler).toBe('index.handler');
      expect(readFileSync(join(dir, 'index.mjs'), 'utf8')).toMatch(/createRequire/);
    }
  });
});
