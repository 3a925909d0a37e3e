/**
 * Table grants with explicit actions (never `grantReadData`/`grantReadWriteData`: nothing here may
 * Scan, and only what deletes gets DeleteItem), on the table and its indexes by name.
 */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { BOARD_INDEX, DEADLINE_INDEX, MANIFEST_INDEX } from '../../lib/adapters/dynamodb/table-design.ts';

export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Query'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchWriteItem'
  | 'dynamodb:ConditionCheckItem';

/** The table's indexes (every Query the functions make is on one of them). */
const INDEX_NAMES = [MANIFEST_INDEX.name, DEADLINE_INDEX.name, BOARD_INDEX.name] as const;

/**
 * Grants exactly these actions on the table, and Query also on its indexes by name, so no
 * wildcard is needed (`Table.grant` would add `<table>/index/*`). The table is encrypted with an
 * AWS-managed key, so no KMS grant is involved.
 */
export function grantTable(table: ITable, fn: IFunction, ...actions: [TableAction, ...TableAction[]]): void {
  const indexes = actions.includes('dynamodb:Query')
    ? INDEX_NAMES.map((name) => `${table.tableArn}/index/${name}`)
    : [];
  fn.addToRolePolicy(new PolicyStatement({ actions, resources: [table.tableArn, ...indexes] }));
}
