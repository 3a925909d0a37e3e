/**
 * One logger and one metrics instance per function (Powertools): structured JSON logs with
 * correlation ids, and business metrics as CloudWatch EMF in namespace VoecBorder. Logs carry
 * ids (manifest, shipment number, Digitoll request id), never bodies: they hold personal data.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const logger = new Logger({ serviceName: 'voec-border' });
export const metrics = new Metrics({ namespace: 'VoecBorder', serviceName: 'voec-border' });

/** The business metrics the dashboard and alarms read. */
export const METRIC = {
  shipmentsAccepted: 'ShipmentsAccepted',
  shipmentsRejected: 'ShipmentsRejected',
  shipmentsFailed: 'ShipmentsFailed',
  flagsRaised: 'FlagsRaised',
  notificationMissingRaised: 'NotificationMissingRaised',
  digitollRetries: 'DigitollRetries',
  routingSignalsApplied: 'RoutingSignalsApplied',
  routingUnknownWaybills: 'RoutingUnknownWaybills',
} as const;

export function count(name: (typeof METRIC)[keyof typeof METRIC], value = 1): void {
  if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
}
