/**
 * The app synthesized for the infra tests, bundling skipped (the local runtime, the integration
 * tests and one test in nag.test.ts run the real bundles).
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../cdk/app.ts';

export type Stage = 'dev' | 'prod';

export function synth(stage: Stage, context: Record<string, unknown> = {}) {
  const app = new App({ context: { stage, 'aws:cdk:bundling-stacks': [], ...context } });
  const built = buildApp(app);
  return {
    ...built,
    stateful: Template.fromStack(built.stateful),
    stateless: Template.fromStack(built.stateless),
    console: Template.fromStack(built.console),
    consoleContent: Template.fromStack(built.consoleContent),
    stacks: {
      stateful: built.stateful,
      stateless: built.stateless,
      console: built.console,
      consoleContent: built.consoleContent,
    },
  };
}

export type Resource = { Properties: Record<string, any>; Metadata?: Record<string, any> };

export function functionByDescription(template: Template, description: string): [string, Resource] {
  const found = Object.entries(template.findResources('AWS::Lambda::Function')).find(
    ([, r]) => (r as Resource).Properties.Description === description,
  );
  if (!found) throw new Error(`no function "${description}"`);
  return found as [string, Resource];
}

/** Every IAM statement attached to a function's role. */
export function statementsOf(
  template: Template,
  functionLogicalId: string,
): Array<{ Action: string | string[]; Resource: unknown; Effect: string }> {
  const fn = template.findResources('AWS::Lambda::Function')[functionLogicalId] as Resource;
  const roleId = fn.Properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as Resource[];
  return policies
    .filter((p) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

export function actionsOf(template: Template, functionLogicalId: string): string[] {
  return statementsOf(template, functionLogicalId).flatMap((s) =>
    Array.isArray(s.Action) ? s.Action : [s.Action],
  );
}

export const DESCRIPTIONS = {
  authorizer: 'Partner API key → partnerId',
  public: 'Health and OpenAPI contract',
  intake: 'Manifest intake: validate, store, fan out',
  read: 'Manifest and shipment queries',
  changes: 'Amend, withdraw, transport updates, webhooks',
  webhooks: 'Delivers signed notifications to partner webhooks',
  outboxStream: 'Hands new outbox notifications to the webhook queue (table stream)',
  sweep: 'Scheduled: border sweep, interrupted intakes, partner notifications',
  reporter: 'Reports transports, masters and houses to Digitoll and follows them to their MRN',
} as const;
