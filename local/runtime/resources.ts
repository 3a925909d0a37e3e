/**
 * The template's data resources, created in the emulators: DynamoDB tables (keys, indexes,
 * projections, streams, TTL) and SQS queues (attributes, redrive to the local dead-letter queue).
 */
import {
  type AttributeDefinition,
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type KeySchemaElement,
  type LocalSecondaryIndex,
  type Projection,
  type ProvisionedThroughput,
  ResourceInUseException,
  type TableDescription,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { arns, type Intrinsics, TemplateError } from './intrinsics.ts';

/** The parts of `AWS::DynamoDB::Table` properties that shape the table locally. */
export interface CfnTableProperties {
  TableName?: string;
  AttributeDefinitions: AttributeDefinition[];
  KeySchema: KeySchemaElement[];
  BillingMode?: string;
  ProvisionedThroughput?: ProvisionedThroughput;
  GlobalSecondaryIndexes?: Array<{
    IndexName: string;
    KeySchema: KeySchemaElement[];
    Projection: Projection;
    ProvisionedThroughput?: ProvisionedThroughput;
  }>;
  LocalSecondaryIndexes?: Array<{ IndexName: string; KeySchema: KeySchemaElement[]; Projection: Projection }>;
  StreamSpecification?: { StreamViewType?: string; StreamEnabled?: boolean };
  TimeToLiveSpecification?: { AttributeName?: string; Enabled?: boolean };
}

/** The CreateTable request for CloudFormation table properties (the same mapping CloudFormation does). */
export function createTableInput(tableName: string, props: CfnTableProperties): CreateTableCommandInput {
  const provisioned = (props.BillingMode ?? 'PROVISIONED') === 'PROVISIONED';
  const throughput = (value?: ProvisionedThroughput) =>
    provisioned ? { ProvisionedThroughput: value ?? { ReadCapacityUnits: 5, WriteCapacityUnits: 5 } } : {};
  const gsis: GlobalSecondaryIndex[] | undefined = props.GlobalSecondaryIndexes?.map((index) => ({
    IndexName: index.IndexName,
    KeySchema: index.KeySchema,
    Projection: index.Projection,
    ...throughput(index.ProvisionedThroughput),
  }));
  const lsis: LocalSecondaryIndex[] | undefined = props.LocalSecondaryIndexes?.map((index) => ({
    IndexName: index.IndexName,
    KeySchema: index.KeySchema,
    Projection: index.Projection,
  }));
  const stream = props.StreamSpecification?.StreamViewType;
  return {
    TableName: tableName,
    AttributeDefinitions: props.AttributeDefinitions,
    KeySchema: props.KeySchema,
    BillingMode: provisioned ? 'PROVISIONED' : 'PAY_PER_REQUEST',
    ...throughput(props.ProvisionedThroughput),
    ...(gsis?.length ? { GlobalSecondaryIndexes: gsis } : {}),
    ...(lsis?.length ? { LocalSecondaryIndexes: lsis } : {}),
    ...(stream
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream as 'NEW_AND_OLD_IMAGES' } }
      : {}),
  };
}

/**
 * Creates a table from CloudFormation properties and switches TTL on. An existing table (a
 * persisted local database) is kept as it is.
 */
export async function createTableFromProperties(
  client: DynamoDBClient,
  tableName: string,
  props: CfnTableProperties,
): Promise<{ created: boolean; table: TableDescription }> {
  let created = true;
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName, props)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    created = false;
  }
  const ttl = props.TimeToLiveSpecification;
  if (created && ttl?.Enabled && ttl.AttributeName) {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true },
      }),
    );
  }
  const stream = props.StreamSpecification?.StreamViewType;
  let { Table: table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
  if (!created && stream && !table?.StreamSpecification?.StreamEnabled) {
    // A persisted table from before the template had a stream: switch it on.
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        StreamSpecification: { StreamEnabled: true, StreamViewType: stream as 'KEYS_ONLY' },
      }),
    );
    ({ Table: table } = await client.send(new DescribeTableCommand({ TableName: tableName })));
  }
  if (!table) throw new Error(`Table ${tableName} was not created`);
  return { created, table };
}

export interface LocalTable {
  stackName: string;
  logicalId: string;
  tableName: string;
  arn: string;
  /** The template's properties as created here (the warm-up copies the table's shape). */
  properties: CfnTableProperties;
  /** The stream's ARN as the template sees it (`Fn::GetAtt StreamArn`), and DynamoDB Local's own. */
  stream?: { arn: string; localArn: string };
}

export interface LocalQueue {
  stackName: string;
  logicalId: string;
  name: string;
  url: string;
  arn: string;
}

/**
 * `streams: false` leaves table streams off: nothing would read them (no event sources polled),
 * and DynamoDB Local's stream bookkeeping slows large writes noticeably.
 */
export async function createTables(
  intrinsics: Intrinsics,
  client: DynamoDBClient,
  options: { streams?: boolean } = {},
): Promise<LocalTable[]> {
  const tables: LocalTable[] = [];
  for (const stackName of intrinsics.stackNames()) {
    for (const type of ['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable']) {
      for (const [logicalId, resource] of intrinsics.resources(stackName, type)) {
        const path = `${stackName}/${logicalId}/Properties`;
        const resolved = intrinsics.resolve(resource.Properties ?? {}, stackName, path) as CfnTableProperties;
        const { StreamSpecification, ...withoutStream } = resolved;
        const props: CfnTableProperties =
          (options.streams ?? true) && StreamSpecification ? resolved : withoutStream;
        const tableName = intrinsics.physicalName(stackName, logicalId, 'TableName', 255, true);
        const { table } = await createTableFromProperties(client, tableName, props);
        const arn = arns.table(tableName);
        const streamArn = table.LatestStreamArn
          ? `${arn}/stream/${table.LatestStreamArn.split('/stream/')[1] ?? 'local'}`
          : undefined;
        // A stream left off still has an ARN for the template to reference (nothing polls it).
        const templateStreamArn = streamArn ?? (StreamSpecification ? `${arn}/stream/off` : undefined);
        intrinsics.register(stackName, logicalId, {
          ref: tableName,
          attributes: { Arn: arn, ...(templateStreamArn ? { StreamArn: templateStreamArn } : {}) },
        });
        tables.push({
          stackName,
          logicalId,
          tableName,
          arn,
          properties: props,
          ...(streamArn && table.LatestStreamArn
            ? { stream: { arn: streamArn, localArn: table.LatestStreamArn } }
            : {}),
        });
      }
    }
  }
  return tables;
}

/** Queue properties → SQS attributes (CloudFormation property names equal the attribute names). */
const QUEUE_ATTRIBUTES = [
  'VisibilityTimeout',
  'MessageRetentionPeriod',
  'DelaySeconds',
  'MaximumMessageSize',
  'ReceiveMessageWaitTimeSeconds',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
  'RedrivePolicy',
  'RedriveAllowPolicy',
] as const;

export async function createQueues(intrinsics: Intrinsics, client: SQSClient): Promise<LocalQueue[]> {
  const pending: Array<{ stackName: string; logicalId: string }> = [];
  for (const stackName of intrinsics.stackNames()) {
    for (const [logicalId] of intrinsics.resources(stackName, 'AWS::SQS::Queue')) {
      pending.push({ stackName, logicalId });
    }
  }
  // A queue's redrive policy names its dead-letter queue's ARN: create dead-letter queues first.
  const created = new Set<string>();
  const queues: LocalQueue[] = [];
  const create = async (stackName: string, logicalId: string, chain: string[]) => {
    const key = `${stackName}/${logicalId}`;
    if (created.has(key)) return;
    if (chain.includes(key)) throw new TemplateError('Circular redrive policy', key);
    const resource = intrinsics.resource(stackName, logicalId);
    for (const dependency of referencedQueues(resource.Properties?.RedrivePolicy, stackName, intrinsics)) {
      await create(dependency.stackName, dependency.logicalId, [...chain, key]);
    }
    const path = `${key}/Properties`;
    const props = intrinsics.resolve(resource.Properties ?? {}, stackName, path) as Record<string, unknown>;
    const fifo = props.FifoQueue === true || props.FifoQueue === 'true';
    const name = props.QueueName
      ? intrinsics.physicalName(stackName, logicalId, 'QueueName', 80, true)
      : fifo
        ? `${intrinsics.physicalName(stackName, logicalId, undefined, 75, true)}.fifo`
        : intrinsics.physicalName(stackName, logicalId, undefined, 80, true);
    const attributes: Record<string, string> = {};
    for (const attribute of QUEUE_ATTRIBUTES) {
      const value = props[attribute];
      if (value === undefined) continue;
      attributes[attribute] = typeof value === 'object' ? JSON.stringify(value) : String(value);
    }
    const { QueueUrl: url } = await client.send(
      new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
    );
    if (!url) throw new Error(`Queue ${name} was not created`);
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
    );
    const arn = Attributes?.QueueArn;
    if (!arn) throw new Error(`Queue ${name} has no ARN`);
    intrinsics.register(stackName, logicalId, {
      ref: url,
      attributes: { Arn: arn, QueueName: name, QueueUrl: url },
    });
    created.add(key);
    queues.push({ stackName, logicalId, name, url, arn });
  };
  for (const { stackName, logicalId } of pending) await create(stackName, logicalId, []);
  return queues;
}

/** Queues a value refers to through Ref / Fn::GetAtt (the dead-letter target of a redrive policy). */
function referencedQueues(
  value: unknown,
  stackName: string,
  intrinsics: Intrinsics,
): Array<{ stackName: string; logicalId: string }> {
  const found: Array<{ stackName: string; logicalId: string }> = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    for (const [key, item] of Object.entries(node as Record<string, unknown>)) {
      const target =
        key === 'Ref' && typeof item === 'string'
          ? item
          : key === 'Fn::GetAtt'
            ? String(Array.isArray(item) ? item[0] : String(item).split('.')[0])
            : undefined;
      const resource = target
        ? intrinsics.resources(stackName, 'AWS::SQS::Queue').find(([id]) => id === target)
        : undefined;
      if (target && resource) found.push({ stackName, logicalId: target });
      walk(item);
    }
  };
  walk(value);
  return found;
}
