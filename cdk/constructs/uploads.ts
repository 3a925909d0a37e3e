/**
 * Bulk uploads: the upload processor (S3 object-created events from the upload queue), and the
 * intake function's right to presign PUTs into the bucket. Least privilege: the intake function may
 * only PutObject under uploads/ (what its presigned URLs do), the processor only GetObject there.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV, FUNCTION_TIMEOUT_SECONDS } from '../../lib/deployment.ts';
import type { StageConfig } from '../config.ts';
import { uploadObjectsArn } from '../stateful-stack.ts';
import { HouseFunction } from './house-function.ts';
import { acknowledgeNag } from './nag.ts';
import { grantTable } from './table-grants.ts';

export interface UploadsProps {
  config: StageConfig;
  table: ITable;
  reportQueue: IQueue;
  uploadQueue: IQueue;
  /** The function that answers POST /v1/manifest-uploads (it presigns the PUT URLs). */
  intake: IFunction;
  environment: Record<string, string>;
}

export class Uploads extends Construct {
  readonly processor: IFunction;

  constructor(scope: Construct, id: string, props: UploadsProps) {
    super(scope, id);
    const { config, table, reportQueue, uploadQueue, intake, environment } = props;
    const files = uploadObjectsArn(config.stage);

    const processor = new HouseFunction(this, 'Processor', {
      entry: 'functions/queue/upload-processor.ts',
      description: 'Bulk uploads: validates, stores and fans out an uploaded manifest file in chunks',
      environment: { ...environment, [ENV.uploadQueueUrl]: uploadQueue.queueUrl },
      logRetention: config.logRetentionDays,
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.uploadProcessor),
      // Streams the file: its memory does not grow with it. 1,769 MB is one full vCPU (validation is CPU).
      memorySize: 1769,
    }).fn;
    this.processor = processor;

    // One upload at a time per invocation; a few uploads in parallel at most.
    processor.addEventSource(
      new SqsEventSource(uploadQueue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: 5 }),
    );
    processor.addToRolePolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [files] }));
    grantTable(
      table,
      processor,
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:Query',
    );
    reportQueue.grantSendMessages(processor);
    // Its own continuation when it pauses before the timeout.
    uploadQueue.grantSendMessages(processor);

    intake.addToRolePolicy(new PolicyStatement({ actions: ['s3:PutObject'], resources: [files] }));
    const objects = {
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::voec-border-${config.stage}-uploads-<AWS::AccountId>-<AWS::Region>/uploads/*]`,
      reason:
        'Uploaded files are objects under uploads/<partnerId>/<uploadId>, one per upload: the key is only ' +
        'known per request, so the grant names the prefix (GetObject for the processor, PutObject for ' +
        'the presigned URLs of the intake function), never the bucket or other prefixes.',
    };
    acknowledgeNag(processor, objects);
    acknowledgeNag(intake, objects);
  }
}
