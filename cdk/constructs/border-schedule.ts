/**
 * The border schedule: an EventBridge rule fires the border sweep every few minutes (shipments
 * due at the border, ETA passed, transits, interrupted intakes, the partner notification outbox).
 * It reads the sparse deadline index, never the table (no Scan).
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { FUNCTION_TIMEOUT_SECONDS } from '../../lib/deployment.ts';
import type { StageConfig } from '../config.ts';
import { HouseFunction } from './house-function.ts';
import { grantTable } from './table-grants.ts';

export interface BorderScheduleProps {
  config: StageConfig;
  table: ITable;
  reportQueue: IQueue;
  notificationQueue: IQueue;
  environment: Record<string, string>;
}

export class BorderSchedule extends Construct {
  readonly sweep: IFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: BorderScheduleProps) {
    super(scope, id);
    const { config, table, reportQueue, notificationQueue, environment } = props;

    const sweep = new HouseFunction(this, 'BorderSweep', {
      entry: 'functions/schedule/border-sweep.ts',
      description: 'Scheduled: border sweep, interrupted intakes, partner notifications',
      environment,
      logRetention: config.logRetentionDays,
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.borderSweep),
    }).fn;
    this.sweep = sweep;

    grantTable(table, sweep, 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query');
    grantTable(table, sweep, 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:ConditionCheckItem');
    // Finished due markers and outbox entries are removed.
    grantTable(table, sweep, 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem');
    reportQueue.grantSendMessages(sweep);
    notificationQueue.grantSendMessages(sweep);

    this.rule = new Rule(this, 'Rule', {
      description: 'Fires the border sweep',
      schedule: Schedule.rate(Duration.minutes(config.scheduleRateMinutes)),
      targets: [new LambdaFunction(sweep, { retryAttempts: 2 })],
    });
  }
}
