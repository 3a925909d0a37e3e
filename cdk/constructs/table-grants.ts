/**
 * Table grants with explicit actions (never `grantReadData`/`grantReadWriteData`: nothing here may
 * Scan, and only what deletes gets DeleteItem), plus the one cdk-nag suppression such a grant needs.
 */
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { NagSuppressions } from 'cdk-nag';

export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Query'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchWriteItem'
  | 'dynamodb:ConditionCheckItem';

/** The table's index ARNs as cdk-nag prints them: `Resource::<table ARN>/index/*`. */
export const TABLE_INDEX_WILDCARD = { regex: '/^Resource::.+\\/index\\/\\*$/g' };

const suppressed = new WeakSet<IRole>();

export function grantTable(table: ITable, fn: IFunction, ...actions: [TableAction, ...TableAction[]]): void {
  table.grant(fn, ...actions);
  const role = fn.role;
  if (!role || suppressed.has(role)) return;
  suppressed.add(role);
  NagSuppressions.addResourceSuppressions(
    role,
    [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          'Table grants cover the table and its indexes (`<table>/index/*`): the functions query the ' +
          'byManifest and byDeadline indexes of the one table; the wildcard is only over that table’s ' +
          'index names, and the actions are explicit (no Scan).',
        appliesTo: [TABLE_INDEX_WILDCARD],
      },
    ],
    true,
  );
}
