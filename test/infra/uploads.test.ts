/**
 * Bulk uploads in the templates: a private, encrypted, TLS-only bucket that forgets files after a
 * few days, its object-created events on an SQS queue with a dead-letter queue and an alarm, the
 * processor on that queue with only the rights it uses, the intake function allowed to presign.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { UPLOAD_EXPIRY_DAYS } from '../../cdk/stateful-stack.ts';
import { ENV, FUNCTION_TIMEOUT_SECONDS } from '../../lib/deployment.ts';
import {
  actionsOf,
  DESCRIPTIONS,
  functionByDescription,
  type Resource,
  statementsOf,
  synth,
} from './synth.ts';

const dev = synth('dev');
const PROCESSOR = 'Bulk uploads: validates, stores and fans out an uploaded manifest file in chunks';

const uploadBucket = (): [string, Resource] => {
  const found = Object.entries(dev.stateful.findResources('AWS::S3::Bucket')).find(([id]) =>
    id.startsWith('UploadBucket'),
  );
  if (!found) throw new Error('no upload bucket');
  return found as [string, Resource];
};

describe('the upload bucket', () => {
  it('is private, encrypted, owner-enforced, logged, and expires uploads after a few days', () => {
    const [, bucket] = uploadBucket();
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.stringMatching(/^UploadAccessLogs/) } },
    });
    expect(UPLOAD_EXPIRY_DAYS).toBe(3);
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ ExpirationInDays: 3, Status: 'Enabled' }),
        expect.objectContaining({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
      ]),
    );
  });

  it('denies every request without TLS', () => {
    const [bucketId] = uploadBucket();
    const policies = Object.values(dev.stateful.findResources('AWS::S3::BucketPolicy')) as Resource[];
    const policy = policies.find((p) => p.Properties.Bucket.Ref === bucketId);
    expect(policy?.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });

  it('sends object-created events under uploads/ to the upload queue, which redrives to its dead-letter queue', () => {
    dev.stateful.hasResourceProperties('Custom::S3BucketNotifications', {
      NotificationConfiguration: {
        QueueConfigurations: [
          {
            Events: ['s3:ObjectCreated:*'],
            Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'uploads/' }] } },
            QueueArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UploadQueue'), 'Arn'] },
          },
        ],
      },
    });
    dev.stateful.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      // Six times the processor's timeout.
      VisibilityTimeout: FUNCTION_TIMEOUT_SECONDS.uploadProcessor * 6,
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UploadDeadLetterQueue'), 'Arn'] },
        maxReceiveCount: 5,
      },
    });
  });
});

describe('the upload processor', () => {
  it('consumes the upload queue one event at a time, with a 900 s timeout', () => {
    const [id, fn] = functionByDescription(dev.stateless, PROCESSOR);
    expect(fn.Properties.Timeout).toBe(900);
    expect(fn.Properties.Environment.Variables[ENV.uploadQueueUrl]).toBeDefined();
    dev.stateless.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: id },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('may read uploaded files only, and never list, write or delete them', () => {
    const [id] = functionByDescription(dev.stateless, PROCESSOR);
    const s3 = actionsOf(dev.stateless, id).filter((action) => action.startsWith('s3:'));
    expect(s3).toEqual(['s3:GetObject']);
    const statement = statementsOf(dev.stateless, id).find((s) => s.Action === 's3:GetObject');
    expect(JSON.stringify(statement?.Resource)).toContain('/uploads/*');
    expect(actionsOf(dev.stateless, id)).not.toContain('dynamodb:Scan');
  });

  it('lets the intake function presign PUTs (PutObject under uploads/ only) and tells it the bucket', () => {
    const [id, fn] = functionByDescription(dev.stateless, DESCRIPTIONS.intake);
    expect(actionsOf(dev.stateless, id).filter((action) => action.startsWith('s3:'))).toEqual([
      's3:PutObject',
    ]);
    expect(fn.Properties.Environment.Variables[ENV.uploadBucketName]).toBeDefined();
  });

  it('alarms on the upload dead-letter queue', () => {
    const alarms = Object.values(dev.stateless.findResources('AWS::CloudWatch::Alarm')) as Resource[];
    expect(
      alarms.some((a) => String(a.Properties.AlarmDescription).includes('upload dead-letter queue')),
    ).toBe(true);
  });
});
