/** The GETs of the partner API: manifests, their shipments, shipments, alerts, TVINN drafts, transits. */
import { readDeps } from '../../lib/compose/read.ts';
import { loadConfig } from '../../lib/config.ts';
import { listAlerts, manifestTvinnDrafts, transitView } from '../../lib/domain/border-queries.ts';
import { listManifestShipments, manifestOverview, shipmentHistory } from '../../lib/domain/queries.ts';
import { tvinnCsv } from '../../lib/domain/tvinn.ts';
import { alertList, manifestView, shipmentDetail, shipmentPage } from './answers.ts';
import { httpHandler } from './middleware.ts';

const { manifests, border, clock } = readDeps(loadConfig());

export const handler = httpHandler('read', {
  getManifest: async ({ partnerId, params }) => ({
    status: 200,
    json: manifestView(await manifestOverview(manifests, partnerId, params.manifestId)),
  }),
  listShipments: async ({ partnerId, params, query }) => ({
    status: 200,
    json: shipmentPage(await listManifestShipments(manifests, partnerId, params.manifestId, query)),
  }),
  getShipment: async ({ partnerId, params }) => ({
    status: 200,
    json: shipmentDetail(await shipmentHistory(manifests, partnerId, params.shipmentNumber)),
  }),
  listAlerts: async ({ partnerId, query }) => ({
    status: 200,
    json: alertList(await listAlerts(border, partnerId, clock.now(), query.flag)),
  }),
  listTvinnDeclarations: async ({ partnerId, params, query, header }) => {
    const drafts = await manifestTvinnDrafts(border, manifests, partnerId, params.manifestId);
    const csv = query.format === 'csv' || (header('accept') ?? '').includes('text/csv');
    return csv
      ? {
          status: 200,
          csv: tvinnCsv(drafts.declarations),
          headers: { 'content-disposition': `attachment; filename="tvinn-${drafts.manifestId}.csv"` },
        }
      : { status: 200, json: drafts };
  },
  getTransit: async ({ partnerId, params }) => ({
    status: 200,
    json: await transitView(border, partnerId, params.mrn),
  }),
});
