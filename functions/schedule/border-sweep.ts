/**
 * The scheduled border function: completes interrupted intakes, sweeps the transports whose border
 * deadline is due (flags, TVINN drafts, NCTS closure), and moves partner notifications from the
 * outbox to the webhook queue. Each part reads only what is due in the sparse deadline index.
 */
import { borderSweepDeps } from '../../lib/compose/border-sweep.ts';
import { loadConfig } from '../../lib/config.ts';
import { runBorderSweep } from '../../lib/domain/border-sweep.ts';
import { drainOutbox } from '../../lib/domain/outbox.ts';
import { completeStalledIntakes } from '../../lib/domain/stalled-intakes.ts';
import { count, METRIC } from '../observability.ts';
import { scheduledHandler } from './middleware.ts';

const deps = borderSweepDeps(loadConfig());

export const handler = scheduledHandler(async () => {
  const stalledIntakes = await completeStalledIntakes(deps.stalledIntakes);
  const sweep = await runBorderSweep(deps.sweep);
  const notifications = await drainOutbox(deps.outbox);
  count(METRIC.flagsRaised, sweep.flagsRaised);
  count(METRIC.notificationMissingRaised, sweep.raised.NOTIFICATION_MISSING ?? 0);
  return { stalledIntakes, sweep, notifications };
});
