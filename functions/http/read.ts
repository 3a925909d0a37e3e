/** The GETs of the partner API: the border board, manifests, their shipments, shipments, alerts, TVINN drafts, transits. */

import { decodeBoardCursor, encodeBoardCursor } from '../../lib/adapters/dynamodb/cursor.ts';
import { driverListPdf } from '../../lib/adapters/pdf/driver-list-pdf.ts';
import { readDeps } from '../../lib/compose/read.ts';
import { loadConfig } from '../../lib/config.ts';
import { borderBoard, readerScope } from '../../lib/domain/board.ts';
import { listAlerts, manifestTvinnDrafts, transitView } from '../../lib/domain/border-queries.ts';
import { driverList } from '../../lib/domain/driver-list.ts';
import { formatNorwayTime } from '../../lib/domain/norway-time.ts';
import { type KeyRole, readablePartnerIds } from '../../lib/domain/partner-keys.ts';
import {
  listManifestShipments,
  manifestOverview,
  manifestShipmentHistory,
  readableShipmentHistory,
} from '../../lib/domain/queries.ts';
import { tvinnCsv } from '../../lib/domain/tvinn.ts';
import { voecStatement, voecStatementCsv } from '../../lib/domain/voec-statement.ts';
import { normaliseVoecNumber } from '../../lib/rules/voec-number.ts';
import { alertList, manifestSummaryPage, manifestView, shipmentDetail, shipmentPage } from './answers.ts';
import { httpHandler } from './middleware.ts';

const { manifests, board, border, statements, partners, clock } = readDeps(loadConfig());

/** Whose manifest the caller reads: its own, or (an operator) the owner's by the directory. */
const ownerOf = (principal: { partnerId: string; role: KeyRole }, manifestId: string) =>
  readerScope({ id: principal.partnerId, role: principal.role }, manifestId, board);

export const handler = httpHandler('read', {
  listManifests: async ({ partnerId, role, query }) => {
    const crossed = query.crossed === 'true';
    const partnerIds = await readablePartnerIds({ id: partnerId, role }, partners);
    const page = await borderBoard(board, partnerIds, clock.now(), {
      crossed,
      limit: query.limit,
      ...(query.cursor ? { after: decodeBoardCursor(query.cursor, crossed) } : {}),
    });
    const cursor = page.next ? encodeBoardCursor({ crossed, ...page.next }) : undefined;
    return { status: 200, json: manifestSummaryPage(page, cursor) };
  },
  getManifest: async ({ partnerId, role, params }) => ({
    status: 200,
    json: manifestView(
      await manifestOverview(
        manifests,
        await ownerOf({ partnerId, role }, params.manifestId),
        params.manifestId,
      ),
    ),
  }),
  listShipments: async ({ partnerId, role, params, query }) => ({
    status: 200,
    json: shipmentPage(
      await listManifestShipments(
        manifests,
        await ownerOf({ partnerId, role }, params.manifestId),
        params.manifestId,
        query,
      ),
    ),
  }),
  getManifestShipment: async ({ partnerId, role, params }) => ({
    status: 200,
    json: shipmentDetail(
      await manifestShipmentHistory(
        manifests,
        await ownerOf({ partnerId, role }, params.manifestId),
        params.manifestId,
        params.shipmentNumber,
      ),
    ),
  }),
  getShipment: async ({ partnerId, role, params }) => ({
    status: 200,
    json: shipmentDetail(
      await readableShipmentHistory(
        manifests,
        await readablePartnerIds({ id: partnerId, role }, partners),
        params.shipmentNumber,
      ),
    ),
  }),
  getMe: async ({ partnerId, role }) => ({
    status: 200,
    json: role === 'operator' ? { role, operatorId: partnerId } : { role, partnerId },
  }),
  listAlerts: async ({ partnerId, role, query }) => {
    const partnerIds = await readablePartnerIds({ id: partnerId, role }, partners);
    return { status: 200, json: alertList(await listAlerts(border, partnerIds, clock.now(), query.flag)) };
  },
  listTvinnDeclarations: async ({ partnerId, role, params, query, header }) => {
    const owner = await ownerOf({ partnerId, role }, params.manifestId);
    const drafts = await manifestTvinnDrafts(border, manifests, owner, params.manifestId);
    const csv = query.format === 'csv' || (header('accept') ?? '').includes('text/csv');
    return csv
      ? {
          status: 200,
          csv: tvinnCsv(drafts.declarations),
          headers: { 'content-disposition': `attachment; filename="tvinn-${drafts.manifestId}.csv"` },
        }
      : { status: 200, json: drafts };
  },
  getDriverList: async ({ partnerId, role, params, query, header }) => {
    const list = await driverList(
      manifests,
      await ownerOf({ partnerId, role }, params.manifestId),
      params.manifestId,
    );
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
  getTransit: async ({ partnerId, role, params }) => ({
    status: 200,
    json: await transitView(border, await readablePartnerIds({ id: partnerId, role }, partners), params.mrn),
  }),
});
