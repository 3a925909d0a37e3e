/**
 * Per-test resources in the shared emulators: a table shaped exactly like the CDK stack's (from
 * `table-design.ts`) and a queue with a dead-letter queue, each under a unique name.
 * Tables go through the same creation code as the local runtime's template-driven tables.
 */
import { randomUUID } from 'node:crypto';
import type { KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import {
  BOARD_INDEX,
  DEADLINE_INDEX,
  MANIFEST_INDEX,
  MANIFEST_INDEX_PROJECTION,
  TABLE_KEYS,
  TTL_ATTRIBUTE,
} from '../../../lib/adapters/dynamodb/table-design.ts';
import { localDynamoClient, localSqsClient } from '../../../local/runtime/aws.ts';
import { type CfnTableProperties, createTableFromProperties } from '../../../local/runtime/resources.ts';

const keySchema = (partitionKey: string, sortKey: string): KeySchemaElement[] => [
  { AttributeName: partitionKey, KeyType: 'HASH' },
  { AttributeName: sortKey, KeyType: 'RANGE' },
];

/**
 * The table's CloudFormation properties as the stateful stack declares them (keys, the three indexes
 * with their projections, TTL, on-demand billing). A test checks this against the synthesized template.
 */
export function tablePropertiesFromDesign(): CfnTableProperties {
  const attributes = [
    TABLE_KEYS.partitionKey,
    TABLE_KEYS.sortKey,
    MANIFEST_INDEX.partitionKey,
    MANIFEST_INDEX.sortKey,
    DEADLINE_INDEX.partitionKey,
    DEADLINE_INDEX.sortKey,
    BOARD_INDEX.partitionKey,
    BOARD_INDEX.sortKey,
  ];
  return {
    AttributeDefinitions: attributes.map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: keySchema(TABLE_KEYS.partitionKey, TABLE_KEYS.sortKey),
    BillingMode: 'PAY_PER_REQUEST',
    GlobalSecondaryIndexes: [
      {
        IndexName: MANIFEST_INDEX.name,
        KeySchema: keySchema(MANIFEST_INDEX.partitionKey, MANIFEST_INDEX.sortKey),
        Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: [...MANIFEST_INDEX_PROJECTION] },
      },
      {
        IndexName: DEADLINE_INDEX.name,
        KeySchema: keySchema(DEADLINE_INDEX.partitionKey, DEADLINE_INDEX.sortKey),
        Projection: { ProjectionType: 'KEYS_ONLY' },
      },
      {
        IndexName: BOARD_INDEX.name,
        KeySchema: keySchema(BOARD_INDEX.partitionKey, BOARD_INDEX.sortKey),
        Projection: { ProjectionType: 'ALL' },
      },
    ],
    TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
  };
}

const uniqueName = (prefix: string) => `${prefix}-${randomUUID().slice(0, 13)}`;

/** A fresh table (unique name) shaped like the deployed one. */
export async function createTestTable(endpoint: string): Promise<{ tableName: string }> {
  const tableName = uniqueName('test-table');
  const client = localDynamoClient(endpoint);
  try {
    await createTableFromProperties(client, tableName, tablePropertiesFromDesign());
  } finally {
    client.destroy();
  }
  return { tableName };
}

export interface TestQueue {
  queueName: string;
  queueUrl: string;
  queueArn: string;
  dlqName: string;
  dlqUrl: string;
  dlqArn: string;
}

/** A fresh queue (unique name) with a dead-letter queue and a redrive policy. */
export async function createTestQueue(
  endpoint: string,
  options: { visibilityTimeoutSeconds?: number; maxReceiveCount?: number } = {},
): Promise<TestQueue> {
  const client = localSqsClient(endpoint);
  try {
    const create = async (name: string, attributes: Record<string, string>) => {
      const { QueueUrl: url } = await client.send(
        new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
      );
      if (!url) throw new Error(`Queue ${name} was not created`);
      const { Attributes } = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
      );
      return { url, arn: Attributes?.QueueArn ?? '' };
    };
    const queueName = uniqueName('test-queue');
    const dlqName = `${queueName}-dlq`;
    const dlq = await create(dlqName, { MessageRetentionPeriod: '1209600' });
    const queue = await create(queueName, {
      VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
      RedrivePolicy: JSON.stringify({
        deadLetterTargetArn: dlq.arn,
        maxReceiveCount: options.maxReceiveCount ?? 5,
      }),
    });
    return { queueName, queueUrl: queue.url, queueArn: queue.arn, dlqName, dlqUrl: dlq.url, dlqArn: dlq.arn };
  } finally {
    client.destroy();
  }
}
