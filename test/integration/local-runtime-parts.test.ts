/**
 * Parts of the local runtime: the test table can never drift from the synthesized template's,
 * the DynamoDB Local warm-up leaves nothing behind, intrinsics fail loudly, and API Gateway's
 * routing and response rules.
 */
import { randomUUID } from 'node:crypto';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  paginateListTables,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient, ListStreamsCommand } from '@aws-sdk/client-dynamodb-streams';
import { describe, expect, inject, it } from 'vitest';
import { isTextBody, mapLambdaResult, parseRouteKey, selectRoute } from '../../local/runtime/api-events.ts';
import { readCloudAssembly } from '../../local/runtime/assembly.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION, localDynamoClient } from '../../local/runtime/aws.ts';
import { warmUpDynamoDbLocal } from '../../local/runtime/dynamodb-warm-up.ts';
import { Intrinsics } from '../../local/runtime/intrinsics.ts';
import { type CfnTableProperties, createTableFromProperties } from '../../local/runtime/resources.ts';
import { createTestTable, tablePropertiesFromDesign } from './support/resources.ts';

function templateTable(): CfnTableProperties {
  const tables = readCloudAssembly(inject('cdkOut')).flatMap((stack) =>
    Object.values(stack.template.Resources ?? {}).filter(
      (resource) => resource.Type === 'AWS::DynamoDB::Table',
    ),
  );
  expect(tables).toHaveLength(1);
  return tables[0]?.Properties as unknown as CfnTableProperties;
}

/** What shapes a table's access paths, in a comparable order. */
function shape(table: TableDescription) {
  const byName = <T extends { AttributeName?: string; IndexName?: string }>(items: T[] = []) =>
    [...items].sort((a, b) =>
      String(a.AttributeName ?? a.IndexName).localeCompare(String(b.AttributeName ?? b.IndexName)),
    );
  return {
    attributes: byName(table.AttributeDefinitions),
    keySchema: table.KeySchema,
    indexes: byName(table.GlobalSecondaryIndexes).map((index) => ({
      name: index.IndexName,
      keySchema: index.KeySchema,
      projection: {
        ...index.Projection,
        NonKeyAttributes: [...(index.Projection?.NonKeyAttributes ?? [])].sort(),
      },
    })),
    billing: table.BillingModeSummary?.BillingMode ?? 'PROVISIONED',
  };
}

describe('test table vs the synthesized template', () => {
  it('declares the same keys, indexes, projections and TTL as the stack', () => {
    const template = templateTable();
    const design = tablePropertiesFromDesign();
    const normalize = (props: CfnTableProperties) => ({
      AttributeDefinitions: [...props.AttributeDefinitions].sort((a, b) =>
        String(a.AttributeName).localeCompare(String(b.AttributeName)),
      ),
      KeySchema: props.KeySchema,
      GlobalSecondaryIndexes: props.GlobalSecondaryIndexes,
      BillingMode: props.BillingMode,
      TimeToLiveSpecification: props.TimeToLiveSpecification,
    });
    expect(normalize(design)).toEqual(normalize(template));
  });

  it('creates the same table in DynamoDB Local as the runtime creates from the template', async () => {
    const endpoint = inject('dynamoEndpoint');
    const client = localDynamoClient(endpoint);
    try {
      const { tableName } = await createTestTable(endpoint);
      const fromTemplate = `template-${randomUUID()}`;
      await createTableFromProperties(client, fromTemplate, templateTable());
      const describe = async (name: string) => {
        const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
        const { TimeToLiveDescription } = await client.send(
          new DescribeTimeToLiveCommand({ TableName: name }),
        );
        if (!Table) throw new Error(`no table ${name}`);
        return { ...shape(Table), ttl: TimeToLiveDescription?.AttributeName };
      };
      const test = await describe(tableName);
      expect(test).toEqual(await describe(fromTemplate));
      expect(test.indexes).toHaveLength(3);
      expect(test.ttl).toBe('expiresAt');
    } finally {
      client.destroy();
    }
  });
});

async function allTables(client: ReturnType<typeof localDynamoClient>): Promise<string[]> {
  const tables: string[] = [];
  for await (const page of paginateListTables({ client }, {})) tables.push(...(page.TableNames ?? []));
  return tables;
}

describe('DynamoDB Local warm-up', () => {
  it("runs on a scratch table with the template's indexes and no stream, and drops it", async () => {
    const endpoint = inject('dynamoEndpoint');
    const client = localDynamoClient(endpoint);
    const streams = new DynamoDBStreamsClient({
      endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    try {
      const template = templateTable();
      // The template's table has a stream; the scratch table must not (a deleted table's stream
      // records stay in DynamoDB Local and slow every stream after it).
      expect(template.StreamSpecification?.StreamViewType).toBe('KEYS_ONLY');
      const { tableName, ms } = await warmUpDynamoDbLocal(client, template, { items: 250 });
      expect(tableName).toMatch(/^warm-up-/);
      expect(ms).toBeGreaterThan(0);
      expect(await allTables(client)).not.toContain(tableName);
      const { Streams = [] } = await streams.send(new ListStreamsCommand({ TableName: tableName }));
      expect(Streams).toEqual([]);
    } finally {
      client.destroy();
      streams.destroy();
    }
  });

  it('fails, and leaves no table behind, when a request of the workload is refused', async () => {
    const client = localDynamoClient(inject('dynamoEndpoint'));
    try {
      // The sort key declared as a number: CreateTable accepts that shape, and the first write
      // (the scratch items' sort key is a string) is refused.
      const template = templateTable();
      const broken = {
        ...template,
        AttributeDefinitions: template.AttributeDefinitions.map((definition) =>
          definition.AttributeName === template.KeySchema[1]?.AttributeName
            ? { ...definition, AttributeType: 'N' as const }
            : definition,
        ),
      };
      const before = new Set(await allTables(client));
      await expect(warmUpDynamoDbLocal(client, broken, { items: 50 })).rejects.toThrow();
      const after = await allTables(client);
      expect(after.filter((name) => name.startsWith('warm-up-') && !before.has(name))).toEqual([]);
    } finally {
      client.destroy();
    }
  });
});

describe('intrinsics', () => {
  const intrinsics = new Intrinsics([
    {
      stackName: 'S',
      assemblyDir: '/tmp',
      template: {
        Resources: {
          Vpc: { Type: 'AWS::EC2::VPC' },
          Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'named-fn' } },
        },
      },
    },
  ]);

  it('resolves Ref and Fn::GetAtt of derived identities', () => {
    expect(intrinsics.resolve({ 'Fn::GetAtt': ['Fn', 'Arn'] }, 'S', 'p')).toBe(
      'arn:aws:lambda:eu-north-1:000000000000:function:named-fn',
    );
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation Fn::Sub syntax
    expect(intrinsics.resolve({ 'Fn::Sub': ['${A}-${Fn}', { A: { Ref: 'AWS::Region' } }] }, 'S', 'p')).toBe(
      'eu-north-1-named-fn',
    );
  });

  it('fails loudly, with the template path, on what it cannot emulate', () => {
    expect(() => intrinsics.resolve({ 'Fn::Cidr': ['10.0.0.0/16', 2, 8] }, 'S', 'S/X/Properties')).toThrow(
      /Fn::Cidr is not supported .*S\/X\/Properties/,
    );
    expect(() => intrinsics.resolve({ Ref: 'Vpc' }, 'S', 'S/Y')).toThrow(/AWS::EC2::VPC Vpc is not emulated/);
    expect(() => intrinsics.resolve({ 'Fn::GetAtt': ['Fn', 'SnapStartResponse'] }, 'S', 'S/Z')).toThrow(
      /Fn::GetAtt Fn.SnapStartResponse/,
    );
    expect(() => intrinsics.resolve({ 'Fn::ImportValue': 'nobody-exports-this' }, 'S', 'S/W')).toThrow(
      /no stack exports/,
    );
  });
});

describe('API Gateway rules', () => {
  const routes = ['GET /a/{id}', 'GET /a/b', 'ANY /a/{id}', 'ANY /{proxy+}', 'POST /a/{id}/c'].map(
    parseRouteKey,
  );
  const pick = (method: string, path: string) => selectRoute(routes, method, path)?.route.routeKey;

  it('selects the most specific route', () => {
    expect(pick('GET', '/a/b')).toBe('GET /a/b');
    expect(pick('GET', '/a/x')).toBe('GET /a/{id}');
    expect(pick('PUT', '/a/x')).toBe('ANY /a/{id}');
    expect(pick('POST', '/a/x/c')).toBe('POST /a/{id}/c');
    expect(pick('GET', '/a/x/c/d')).toBe('ANY /{proxy+}');
    expect(selectRoute([parseRouteKey('GET /a')], 'GET', '/b')).toBeUndefined();
  });

  it('passes only text bodies without an encoding as text', () => {
    expect(isTextBody({ 'content-type': 'application/json; charset=utf-8' })).toBe(true);
    expect(isTextBody({ 'content-type': 'application/problem+json' })).toBe(true);
    expect(isTextBody({ 'content-type': 'text/csv' })).toBe(true);
    expect(isTextBody({ 'content-type': 'application/json', 'content-encoding': 'gzip' })).toBe(false);
    expect(isTextBody({ 'content-type': 'application/octet-stream' })).toBe(false);
    expect(isTextBody({})).toBe(false);
  });

  it('maps payload 2.0 results, and rejects malformed ones', () => {
    expect(mapLambdaResult('"text"')).toMatchObject({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
    });
    const full = mapLambdaResult(
      JSON.stringify({
        statusCode: 201,
        headers: { A: 1 },
        body: 'aGk=',
        isBase64Encoded: true,
        cookies: ['x=1'],
      }),
    );
    expect(full).toEqual({
      statusCode: 201,
      headers: { a: '1', 'set-cookie': ['x=1'] },
      body: Buffer.from('hi'),
    });
    expect(() => mapLambdaResult(JSON.stringify({ statusCode: 'teapot' }))).toThrow(/statusCode/);
    expect(() => mapLambdaResult(JSON.stringify({ statusCode: 200, body: { a: 1 } }))).toThrow(/body/);
  });
});
