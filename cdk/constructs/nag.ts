/**
 * cdk-nag (v3) runs as a CDK policy-validation plugin: a finding interrupts `cdk synth`. An
 * acknowledgement names exactly one rule (or one finding of it, `AwsSolutions-IAM5[Resource::*]`),
 * sits next to the resource it concerns, covers that construct and its children, and says why.
 * The reasons are also written into the template's `cdk_nag` metadata, as an audit trail.
 */
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export interface NagAcknowledgement {
  /** A rule id (`AwsSolutions-SQS3`) or one finding of a rule (`AwsSolutions-IAM5[Resource::*]`). */
  id: string;
  reason: string;
}

export function acknowledgeNag(scope: IConstruct, ...acknowledgements: NagAcknowledgement[]): void {
  for (const acknowledgement of acknowledgements) Validations.of(scope).acknowledge(acknowledgement);
}

/** The AwsSolutions pack, as `cdk synth` runs it. */
export function awsSolutionsChecks(scope?: IConstruct): AwsSolutionsChecks {
  return new AwsSolutionsChecks(scope, { verbose: true, writeSuppressionsToCloudFormation: true });
}

export function addNagChecks(app: App): void {
  Validations.of(app).addPlugins(awsSolutionsChecks(app));
}
