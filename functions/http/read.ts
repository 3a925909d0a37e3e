/** The GETs of the partner API: manifests, their shipments, shipments, alerts, TVINN drafts, transits. */

import { driverListPdf } from '../../lib/adapters/pdf/driver-list-pdf.ts';
import { readDeps } from '../../lib/compose/read.ts';
import { loadConfig } from '../../lib/config.ts';
import { listAlerts, manifestTvinnDrafts, transitView } from '../../lib/domain/border-queries.ts';
import { driverList } from '../../lib/domain/driver-list.ts';
import { formatNorwayTime } from '../../lib/domain/norway-time.ts';
import { readablePartnerIds } from '../../lib/domain/partner-keys.ts';
import { listManifestShipments, manifestOverview, shipmentHistory } from '../../lib/domain/queries.ts';
import { tvinnCsv } from '../../lib/domain/tvinn.ts';
import { voecStatement, voecStatementCsv } from '../../lib/domain/voec-statement.ts';
import { normaliseVoecNumber } from '../../lib/rules/voec-number.ts';
import { alertList, manifestView, shipmentDetail, shipmentPage } from './answers.ts';
import { httpHandler } from './middleware.ts';

const { manifests, border, statements, partners, clock } = readDeps(loadConfig());

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
  getMe: async ({ partnerId, role }) => ({
    status: 200,
    json: role === 'operator' ? { role, operatorId: partnerId } : { role, partnerId },
  }),
  listAlerts: async ({ partnerId, role, query }) => {
    const partnerIds = await readablePartnerIds({ id: partnerId, role }, partners);
    return { status: 200, json: alertList(await listAlerts(border, partnerIds, clock.now(), query.flag)) };
  },
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
  getDriverList: async ({ partnerId, params, query, header }) => {
    const list = await driverList(manifests, partnerId, params.manifestId);
    const pdf = query.format === 'pdf' || (header('accept') ?? '').includes('application/pdf');
    if (!pdf) return { status: 200, json: list };
    const document = await driverListPdf(list, {
      printedAt: clock.now().toISOString(),
      formatTime: formatNorwayTime,
    });
    return {
      status: 200,
      pdf: document,
      headers: {
        'content-disposition': `attachment; filename="driver-list-${list.reference.replace(/[^A-Za-z0-9._-]/g, '_')}.pdf"`,
      },
    };
  },
  getVoecStatement: async ({ partnerId, role, query, header }) => {
    const voecNumber = query.voecNumber ? normaliseVoecNumber(query.voecNumber) : undefined;
    const partnerIds = await readablePartnerIds({ id: partnerId, role }, partners);
    const statement = await voecStatement(statements, partnerIds, query.quarter, voecNumber);
    const csv = query.format === 'csv' || (header('accept') ?? '').includes('text/csv');
    return csv
      ? {
          status: 200,
          csv: voecStatementCsv(statement),
          headers: {
            'content-disposition': `attachment; filename="voec-statement-${statement.quarter}${voecNumber ? `-${voecNumber}` : ''}.csv"`,
          },
        }
      : { status: 200, json: statement };
  },
  getTransit: async ({ partnerId, params }) => ({
    status: 200,
    json: await transitView(border, partnerId, params.mrn),
  }),
});
