/**
 * The driver's list: what the driver carries to the border (and shows at the desk where the
 * crossing is not automated): the transport, its MRN, border office and ETA, then every VOEC
 * shipment on board with its VOEC number, item count, MRN and status, any not accepted marked
 * plainly. Printable from the browser (the page's print styles drop everything else), or as the
 * API's PDF (`GET /v1/manifests/{id}/driver-list?format=pdf`).
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import type { DriverList } from '../api/types.ts';
import {
  EndpointMissing,
  ErrorNotice,
  isEndpointMissing,
  OsloTime,
  saveBlob,
} from '../components/common.tsx';
import { usePolling } from '../hooks/use-polling.ts';
import { office, statusWords } from '../model/words.ts';
import { href } from '../router.ts';
import { useSession } from '../session-context.ts';

export function DriverListPage({ manifestId }: { manifestId: string }) {
  const { api } = useSession();
  const path = `/v1/manifests/${encodeURIComponent(manifestId)}/driver-list`;
  const list = usePolling(() => api.json<DriverList>(path), `driver-list:${manifestId}`);
  const [pdfError, setPdfError] = useState<string>();
  const downloadPdf = async () => {
    setPdfError(undefined);
    try {
      const file = await api.file(path, { format: 'pdf' }, 'application/pdf');
      saveBlob(file.blob, file.filename ?? `driver-list-${manifestId}.pdf`);
    } catch (error) {
      setPdfError(error instanceof ApiError ? error.message : String(error));
    }
  };
  const data = list.data;
  const notAccepted = data?.shipments.filter((s) => !s.accepted).length ?? 0;
  const t = data?.transport;
  return (
    <>
      <p class="breadcrumb no-print">
        <a href={href([])}>Border board</a> › <a href={href(['manifests', manifestId])}>Manifest</a> ›
        Driver’s list
      </p>
      <h1 tabIndex={-1}>Driver’s list: VOEC shipments on board</h1>
      {isEndpointMissing(list.error) ? (
        <EndpointMissing endpoint={`GET ${path}`} what="The driver’s list" />
      ) : (
        <ErrorNotice error={list.error} what="the driver’s list" />
      )}
      {data && t ? (
        <>
          <div class="actions no-print">
            <button type="button" onClick={() => window.print()}>
              Print
            </button>
            <button type="button" class="secondary" onClick={downloadPdf}>
              Download PDF
            </button>
          </div>
          {pdfError ? (
            <p class="notice notice-error no-print" role="alert">
              {pdfError}
            </p>
          ) : null}
          <dl class="driver-transport">
            <dt>{t.mode === 'AIR' ? 'Flight' : 'Vehicle'}</dt>
            <dd>{t.mode === 'AIR' ? t.flightNumber : t.vehicleRegistration}</dd>
            <dt>Transport MRN</dt>
            <dd class="mono">{t.mrn ?? 'NONE: the transport is not accepted'}</dd>
            <dt>Border office</dt>
            <dd>{office(t.borderCrossing)}</dd>
            <dt>ETA</dt>
            <dd>
              <OsloTime iso={t.estimatedArrival} />
            </dd>
            <dt>Shipments</dt>
            <dd>
              {data.shipments.length}
              {notAccepted ? (
                <strong class="not-accepted"> · {notAccepted} NOT ACCEPTED</strong>
              ) : (
                ' · all accepted'
              )}
            </dd>
          </dl>
          <table class="driver-list">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Shipment</th>
                <th scope="col">VOEC number</th>
                <th scope="col" class="num">
                  Items
                </th>
                <th scope="col">MRN</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {data.shipments.map((s, index) => (
                <tr key={s.shipmentNumber} class={s.accepted ? '' : 'not-accepted'}>
                  <td>{index + 1}</td>
                  <td class="mono">{s.shipmentNumber}</td>
                  <td class="mono">{s.voecNumber}</td>
                  <td class="num">{s.itemCount}</td>
                  <td class="mono">{s.mrn ?? '—'}</td>
                  <td>
                    {s.accepted ? (
                      statusWords(s.status)
                    ) : (
                      <strong>✗ NOT ACCEPTED ({statusWords(s.status)})</strong>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="muted">
            Printed <OsloTime iso={new Date().toISOString()} />. Shipments marked NOT ACCEPTED have no valid
            digital declaration: report them to Customs at the border.
          </p>
        </>
      ) : null}
    </>
  );
}
