/**
 * The scheduled border function. Today: completes intakes that stopped part-way.
 * (Flagging shipments at risk, TVINN drafts and NCTS closure are issue #4 and not built yet.)
 */
import { intakeDeps } from '../../lib/adapters/aws-clients.ts';
import { loadConfig } from '../../lib/config.ts';
import { completeStalledIntakes } from '../../lib/domain/stalled-intakes.ts';
import { scheduledHandler } from './middleware.ts';

const deps = intakeDeps(loadConfig());

export const handler = scheduledHandler(async () => ({ stalledIntakes: await completeStalledIntakes(deps) }));
