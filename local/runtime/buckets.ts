/**
 * The templates' S3 buckets in fauxqs (its S3 side: path-style URLs on the SQS endpoint), and
 * their event notifications to SQS, which fauxqs does not emulate: the runtime watches each
 * notifying bucket (ListObjectsV2, twice a second) and sends the queue the template names the
 * S3 event notification AWS would send for each new object (`ObjectCreated:Put`), once per
 * object version (key + ETag). A presigned PUT URL made by a function therefore works with plain
 * `curl -T file URL`, and its upload reaches the function behind the queue as in AWS.
 */
import {
  CreateBucketCommand,
  ListObjectsV2Command,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_PARTITION, LOCAL_REGION } from './aws.ts';
import type { Intrinsics } from './intrinsics.ts';
import type { LocalQueue } from './resources.ts';

export interface LocalBucket {
  stackName: string;
  logicalId: string;
  name: string;
}

/** A bucket's notification to a queue (Custom::S3BucketNotifications, QueueConfigurations). */
interface QueueNotification {
  bucket: string;
  queueUrl: string;
  events: string[];
  prefix: string;
  suffix: string;
}

/** Bucket names are lower-case, 3..63 characters: the runtime's name prefix is fitted to that. */
function localBucketName(prefix: string, name: string): string {
  const cleaned = prefix.toLowerCase().replace(/[^a-z0-9-]/g, '-');
  return `${cleaned}${name}`.slice(0, 63).replace(/-+$/, '');
}

export async function createBuckets(
  intrinsics: Intrinsics,
  client: S3Client,
  namePrefix: string,
): Promise<LocalBucket[]> {
  const buckets: LocalBucket[] = [];
  for (const stackName of intrinsics.stackNames()) {
    for (const [logicalId] of intrinsics.resources(stackName, 'AWS::S3::Bucket')) {
      const base = intrinsics.physicalName(stackName, logicalId, 'BucketName', 63, false).toLowerCase();
      const name = localBucketName(namePrefix, base);
      try {
        await client.send(new CreateBucketCommand({ Bucket: name }));
      } catch (error) {
        const code = error instanceof S3ServiceException ? error.name : '';
        if (code !== 'BucketAlreadyOwnedByYou' && code !== 'BucketAlreadyExists') throw error;
      }
      intrinsics.register(stackName, logicalId, {
        ref: name,
        attributes: {
          Arn: `arn:${LOCAL_PARTITION}:s3:::${name}`,
          DomainName: `${name}.s3.amazonaws.com`,
          RegionalDomainName: `${name}.s3.${LOCAL_REGION}.amazonaws.com`,
        },
      });
      buckets.push({ stackName, logicalId, name });
    }
  }
  return buckets;
}

function queueNotifications(intrinsics: Intrinsics, queues: LocalQueue[]): QueueNotification[] {
  const found: QueueNotification[] = [];
  for (const stackName of intrinsics.stackNames()) {
    for (const [logicalId, resource] of intrinsics.resources(stackName, 'Custom::S3BucketNotifications')) {
      const path = `${stackName}/${logicalId}/Properties`;
      const props = intrinsics.resolve(resource.Properties ?? {}, stackName, path) as {
        BucketName?: string;
        NotificationConfiguration?: {
          QueueConfigurations?: Array<{
            Events?: string[];
            QueueArn?: string;
            Filter?: { Key?: { FilterRules?: Array<{ Name: string; Value: string }> } };
          }>;
        };
      };
      for (const config of props.NotificationConfiguration?.QueueConfigurations ?? []) {
        const queue = queues.find((candidate) => candidate.arn === config.QueueArn);
        if (!queue || !props.BucketName) continue;
        const rules = config.Filter?.Key?.FilterRules ?? [];
        const rule = (name: string) => rules.find((r) => r.Name.toLowerCase() === name)?.Value ?? '';
        found.push({
          bucket: props.BucketName,
          queueUrl: queue.url,
          events: config.Events ?? [],
          prefix: rule('prefix'),
          suffix: rule('suffix'),
        });
      }
    }
  }
  return found;
}

/** Delivers the templates' bucket notifications to their queues until stopped. */
export class BucketNotifier {
  private readonly notifications: QueueNotification[];
  private readonly seen = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    intrinsics: Intrinsics,
    queues: LocalQueue[],
    private readonly s3: S3Client,
    private readonly sqs: SQSClient,
    private readonly log: (message: string) => void,
    private readonly intervalMs = 500,
  ) {
    this.notifications = queueNotifications(intrinsics, queues).filter((n) =>
      n.events.some((event) => event.startsWith('s3:ObjectCreated:')),
    );
  }

  get count(): number {
    return this.notifications.length;
  }

  async start(): Promise<void> {
    if (this.notifications.length === 0) return;
    // Objects there before the runtime started (a persisted emulator) are not news.
    await this.scan(false);
    const tick = () => {
      if (this.stopped) return;
      this.running = this.scan(true)
        .catch((error: unknown) => this.log(`bucket notifications: ${(error as Error).message}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.intervalMs);
        });
    };
    this.timer = setTimeout(tick, this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private async scan(deliver: boolean): Promise<void> {
    for (const notification of this.notifications) {
      let token: string | undefined;
      do {
        const page = await this.s3.send(
          new ListObjectsV2Command({
            Bucket: notification.bucket,
            ...(notification.prefix ? { Prefix: notification.prefix } : {}),
            ...(token ? { ContinuationToken: token } : {}),
          }),
        );
        for (const object of page.Contents ?? []) {
          const key = object.Key ?? '';
          if (notification.suffix && !key.endsWith(notification.suffix)) continue;
          const id = `${notification.bucket}/${notification.queueUrl}/${key}`;
          const version = `${object.ETag ?? ''}@${object.LastModified?.toISOString() ?? ''}`;
          if (this.seen.get(id) === version) continue;
          this.seen.set(id, version);
          if (deliver) await this.send(notification, key, object.Size ?? 0, object.ETag ?? '');
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    }
  }

  private async send(notification: QueueNotification, key: string, size: number, eTag: string) {
    const event = {
      Records: [
        {
          eventVersion: '2.1',
          eventSource: 'aws:s3',
          awsRegion: LOCAL_REGION,
          eventTime: new Date().toISOString(),
          eventName: 'ObjectCreated:Put',
          s3: {
            s3SchemaVersion: '1.0',
            bucket: { name: notification.bucket, arn: `arn:${LOCAL_PARTITION}:s3:::${notification.bucket}` },
            // S3 URL-encodes the key in events (spaces as '+').
            object: {
              key: encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/'),
              size,
              eTag: eTag.replace(/"/g, ''),
            },
          },
        },
      ],
    };
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: notification.queueUrl, MessageBody: JSON.stringify(event) }),
    );
    this.log(`s3 ${notification.bucket}/${key} → ObjectCreated:Put event queued`);
  }
}
