/** POST /v1/manifests and POST /v1/manifests/{manifestId}/shipments. */
import { intakeDeps } from '../../lib/compose/intake.ts';
import { loadConfig } from '../../lib/config.ts';
import { addShipments, countByStatus, submitManifest } from '../../lib/domain/intake.ts';
import type { Intake } from '../../lib/domain/outcomes.ts';
import { count, METRIC } from '../observability.ts';
import { intakeAnswer } from './answers.ts';
import { httpHandler, logger } from './middleware.ts';

const deps = intakeDeps(loadConfig());

export const handler = httpHandler('intake', {
  submitManifest: async ({ partnerId, body }) => {
    const result = await submitManifest(deps, partnerId, body);
    if (result.outcome === 'conflict') return intakeAnswer(result);
    observe('Manifest accepted', result.intake, result.outcome === 'created');
    return {
      ...intakeAnswer(result),
      headers: { location: `/v1/manifests/${result.intake.manifest.manifestId}` },
    };
  },
  addShipments: async ({ partnerId, params, body }) => {
    const result = await addShipments(deps, partnerId, params.manifestId, body.shipments);
    if (result.outcome !== 'conflict') observe('Shipments added', result.intake, result.outcome === 'added');
    return intakeAnswer(result);
  },
});

/** Counts rejections once (when the shipments are new) and logs ids and counts, never content. */
function observe(message: string, { manifest, shipments }: Intake, fresh: boolean) {
  const counts = countByStatus(shipments);
  if (fresh) count(METRIC.shipmentsRejected, counts.REJECTED ?? 0);
  logger.info(message, { manifestId: manifest.manifestId, counts });
}
