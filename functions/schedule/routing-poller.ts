/**
 * The scheduled routing poller (issue #10): pulls Customs' routing signals after the saved marker until the
 * feed is empty and applies each to its shipment (lib/domain/routing-poller.ts). Every minute in AWS; locally
 * with the other schedules (`POST /__local/schedules/run`).
 */
import { routingPollerDeps } from '../../lib/compose/routing-poller.ts';
import { loadRoutingConfig } from '../../lib/config.ts';
import { pollRouting } from '../../lib/domain/routing-poller.ts';
import { count, METRIC } from '../observability.ts';
import { logger, scheduledHandler } from './middleware.ts';

const deps = routingPollerDeps(loadRoutingConfig());

export const handler = scheduledHandler(async () => {
  const report = await pollRouting(deps);
  count(METRIC.routingSignalsApplied, report.applied);
  count(METRIC.routingUnknownWaybills, report.unknownWaybills);
  if (report.stoppedBecause) logger.warn('Routing poll stopped early', { reason: report.stoppedBecause });
  return report;
});
