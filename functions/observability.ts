/**
 * One logger and one metrics instance per function (Powertools): structured JSON logs with
 * correlation ids, and business metrics as CloudWatch EMF in namespace VoecBorder. Logs carry
 * ids (manifest, shipment number, Digitoll request id), never bodies: they hold personal data.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const logger = new Logger({ serviceName: 'voec-border' });

/**
 * Powertools warns "No application metrics to publish" on every flush without a metric: most
 * invocations (reads, polls, sweeps that found nothing). It says nothing an operator can act on, so
 * that one warning is dropped; every other Metrics warning goes to the logger.
 */
const EMPTY_METRICS_WARNING = 'No application metrics to publish';
const metricsLogger = {
  debug: (...args: unknown[]) => logger.debug(String(args[0] ?? '')),
  info: (...args: unknown[]) => logger.info(String(args[0] ?? '')),
  warn: (...args: unknown[]) => {
    const message = String(args[0] ?? '');
    if (!message.startsWith(EMPTY_METRICS_WARNING)) logger.warn(message);
  },
  error: (...args: unknown[]) => logger.error(String(args[0] ?? '')),
  trace: (...args: unknown[]) => logger.debug(String(args[0] ?? '')),
};
export const metrics = new Metrics({
  namespace: 'VoecBorder',
  serviceName: 'voec-border',
  logger: metricsLogger,
});

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
