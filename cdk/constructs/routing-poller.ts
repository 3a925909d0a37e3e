/**
 * The routing poller (issue #10): an EventBridge rule fires it every `routingPollRateMinutes` (1 by
 * default); it pulls Customs' routing signals with the entry scope and applies them to the shipments
 * (house-waybill items read by key, never a scan). Overlapping runs are harmless: the marker has a lease.
 */
import { Duration } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ENV, FUNCTION_TIMEOUT_SECONDS } from '../../lib/deployment.ts';
import type { StageConfig } from '../config.ts';
import { HouseFunction } from './house-function.ts';
import { grantTable } from './table-grants.ts';

export interface RoutingPollerProps {
  config: StageConfig;
  table: ITable;
  maskinportenSecret: ISecret;
  environment: Record<string, string>;
}

export class RoutingPoller extends Construct {
  readonly poller: IFunction;
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: RoutingPollerProps) {
    super(scope, id);
    const { config, table, maskinportenSecret } = props;

    const poller = new HouseFunction(this, 'RoutingPoller', {
      entry: 'functions/schedule/routing-poller.ts',
      description:
        "Scheduled: pulls Customs' routing signals (released, control, pending, denied) per shipment",
      logRetention: config.logRetentionDays,
      timeout: Duration.seconds(FUNCTION_TIMEOUT_SECONDS.routingPoller),
      environment: {
        ...props.environment,
        [ENV.digitollBaseUrl]: config.digitollBaseUrl,
        [ENV.maskinportenTokenUrl]: config.maskinporten.tokenUrl,
        [ENV.maskinportenAudience]: config.maskinporten.audience,
        [ENV.maskinportenSecretArn]: maskinportenSecret.secretArn,
        ...(config.maskinporten.routingScope
          ? { [ENV.maskinportenRoutingScope]: config.maskinporten.routingScope }
          : {}),
      },
    }).fn;
    this.poller = poller;

    grantTable(table, poller, 'dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query');
    grantTable(table, poller, 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem');
    grantTable(table, poller, 'dynamodb:ConditionCheckItem');
    maskinportenSecret.grantRead(poller);

    this.rule = new Rule(this, 'Rule', {
      description: "Fires the routing poller (Customs' routing signals)",
      schedule: Schedule.rate(Duration.minutes(config.routingPollRateMinutes)),
      // A failed run is simply the next minute's run: it continues from the saved marker.
      targets: [new LambdaFunction(poller, { retryAttempts: 0 })],
    });
  }
}
