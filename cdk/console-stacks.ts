/**
 * The operations console's two stacks (cdk/constructs/console-hosting.ts says why two):
 *
 *   VoecBorder-<stage>-Console         buckets, CloudFront, security headers (before the API:
 *                                      the API's CORS names this distribution)
 *   VoecBorder-<stage>-ConsoleContent  the built console and its config.json (after the API:
 *                                      they name it)
 */
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { StageConfig } from './config.ts';
import { CONSOLE_PATH, ConsoleDeployment, ConsoleHosting } from './constructs/console-hosting.ts';

export interface ConsoleStackProps extends StackProps {
  config: StageConfig;
}

export class ConsoleStack extends Stack {
  readonly hosting: ConsoleHosting;
  /** Export names the content stack imports (named, not CDK's generated references: see ConsoleDeployment). */
  readonly exportNames: { siteBucketArn: string; distributionId: string; distributionDomainName: string };

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    this.hosting = new ConsoleHosting(this, 'Hosting', { config: props.config });
    this.exportNames = {
      siteBucketArn: `${this.stackName}-SiteBucketArn`,
      distributionId: `${this.stackName}-DistributionId`,
      distributionDomainName: `${this.stackName}-DistributionDomainName`,
    };
    new CfnOutput(this, 'SiteBucketArn', {
      value: this.hosting.bucket.bucketArn,
      exportName: this.exportNames.siteBucketArn,
    });
    new CfnOutput(this, 'DistributionId', {
      value: this.hosting.distribution.distributionId,
      exportName: this.exportNames.distributionId,
    });
    new CfnOutput(this, 'DistributionDomainName', {
      value: this.hosting.distribution.distributionDomainName,
      exportName: this.exportNames.distributionDomainName,
    });
    new CfnOutput(this, 'ConsoleUrl', {
      description: 'The operations console (sign in with an operator or partner key)',
      value: `${this.hosting.origin}${CONSOLE_PATH}`,
    });
    new CfnOutput(this, 'ConsoleLogBucketName', {
      description: 'CloudFront standard logs (cloudfront/) and the site bucket access logs (s3-site/)',
      value: this.hosting.logBucket.bucketName,
    });
  }
}

export interface ConsoleContentStackProps extends StackProps {
  consoleStack: ConsoleStack;
  apiUrl: string;
}

export class ConsoleContentStack extends Stack {
  readonly deployment: ConsoleDeployment;

  constructor(scope: Construct, id: string, props: ConsoleContentStackProps) {
    super(scope, id, props);
    this.deployment = new ConsoleDeployment(this, 'Console', {
      exports: props.consoleStack.exportNames,
      apiUrl: props.apiUrl,
    });
    // The hosting is imported by export name, which CDK does not see as a dependency.
    this.addStackDependency(props.consoleStack);
  }
}
