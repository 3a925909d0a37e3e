/**
 * The VOEC seller statement: per VOEC number and quarter, the shipments and item lines the carrier
 * reported under it and their value in whole kroner, with the seller's filing deadline
 * (`GET /v1/voec-statements`, JSON on the page, CSV and JSON to download). The arithmetic
 * (rounding, quarter boundaries in Norway, the deadline) is the API's; the page only shows it.
 */
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client.ts';
import type { VoecStatement } from '../api/types.ts';
import {
  EndpointMissing,
  ErrorNotice,
  isEndpointMissing,
  OsloTime,
  saveBlob,
} from '../components/common.tsx';
import { usePolling } from '../hooks/use-polling.ts';
import { quarterOf, recentQuarters } from '../model/time.ts';
import { kroner } from '../model/words.ts';
import { href, navigate, type Route } from '../router.ts';
import { useSession } from '../session-context.ts';

const STATEMENT_REFRESH_MS = 5 * 60_000;

export function StatementPage({ route }: { route: Route }) {
  const { api, me } = useSession();
  const current = quarterOf(new Date());
  const quarter = route.query.get('quarter') ?? current;
  const voecNumber = route.query.get('voecNumber') ?? '';
  const [voecInput, setVoecInput] = useState(voecNumber);
  const [downloadError, setDownloadError] = useState<string>();
  const query = { quarter, voecNumber: voecNumber || undefined };
  const statement = usePolling(
    () => api.json<VoecStatement>('/v1/voec-statements', query),
    `statement:${quarter}:${voecNumber}`,
    STATEMENT_REFRESH_MS,
  );
  const show = (next: { quarter?: string; voecNumber?: string }) =>
    navigate(href(['statements'], { quarter, voecNumber, ...next }), { replace: true });
  const download = async (format: 'csv' | 'json') => {
    setDownloadError(undefined);
    const name = `voec-statement-${quarter}${voecNumber ? `-${voecNumber}` : ''}.${format}`;
    try {
      if (format === 'json') {
        const body = await api.json<VoecStatement>('/v1/voec-statements', query);
        saveBlob(new Blob([JSON.stringify(body, null, 2)], { type: 'application/json' }), name);
      } else {
        const file = await api.file('/v1/voec-statements', { ...query, format: 'csv' }, 'text/csv');
        saveBlob(file.blob, file.filename ?? name);
      }
    } catch (error) {
      setDownloadError(error instanceof ApiError ? error.message : String(error));
    }
  };
  const data = statement.data;
  const totals = data?.sellers.reduce(
    (sum, seller) => ({
      shipments: sum.shipments + seller.shipmentCount,
      lines: sum.lines + seller.itemLineCount,
      value: sum.value + seller.valueNok,
    }),
    { shipments: 0, lines: 0, value: 0 },
  );

  return (
    <>
      <h1 tabIndex={-1}>VOEC seller statement</h1>
      <div class="notice notice-info">
        <p>
          <strong>What this is:</strong> for each VOEC number, the shipments and item lines this carrier
          reported to Norwegian Customs under that number in the quarter, with their value in whole kroner. It
          helps a seller or marketplace reconcile what crossed the border with its VOEC VAT return.
        </p>
        <p>
          <strong>What it is not:</strong> the VAT return itself, or proof of payment. The seller reports and
          pays VOEC VAT to the Norwegian Tax Administration, per quarter, by the filing deadline shown.
          {me.role === 'partner' ? ' As a partner you see your own shipments only.' : ''}
        </p>
      </div>
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          show({ voecNumber: voecInput.trim() });
        }}
      >
        <span class="field-group">
          <label for="statement-quarter">Quarter</label>
          <select
            id="statement-quarter"
            value={quarter}
            onChange={(event) => show({ quarter: (event.target as HTMLSelectElement).value })}
          >
            {[...new Set([...recentQuarters(current, 8), quarter])].map((q) => (
              <option key={q} value={q}>
                {q}
              </option>
            ))}
          </select>
        </span>
        <span class="field-group">
          <label for="statement-voec">VOEC number (optional)</label>
          <input
            id="statement-voec"
            value={voecInput}
            inputMode="numeric"
            autocomplete="off"
            onInput={(event) => setVoecInput((event.target as HTMLInputElement).value)}
          />
        </span>
        <button type="submit">Show</button>
      </form>
      {isEndpointMissing(statement.error) ? (
        <EndpointMissing endpoint="GET /v1/voec-statements" what="The seller statement" />
      ) : (
        <ErrorNotice error={statement.error} what="the statement" />
      )}
      {data && totals ? (
        <>
          <p class="summary">
            {data.quarter}: <OsloTime iso={data.periodStart} /> to <OsloTime iso={data.periodEnd} /> (
            {data.timeZone}). Filing deadline: <strong>{data.filingDeadline}</strong>.
          </p>
          <div class="actions">
            <button type="button" class="secondary" onClick={() => download('csv')}>
              Download CSV
            </button>
            <button type="button" class="secondary" onClick={() => download('json')}>
              Download JSON
            </button>
          </div>
          {downloadError ? (
            <p class="notice notice-error" role="alert">
              {downloadError}
            </p>
          ) : null}
          <div class="table-wrap">
            <table class="statement">
              <caption class="visually-hidden">Reported shipments per VOEC number</caption>
              <thead>
                <tr>
                  <th scope="col">VOEC number</th>
                  <th scope="col" class="num">
                    Shipments
                  </th>
                  <th scope="col" class="num">
                    Item lines
                  </th>
                  <th scope="col" class="num">
                    Value
                  </th>
                  <th scope="col">Shipments reported</th>
                </tr>
              </thead>
              <tbody>
                {data.sellers.map((seller) => (
                  <tr key={seller.voecNumber} data-voec={seller.voecNumber}>
                    <th scope="row" class="mono">
                      {seller.voecNumber}
                    </th>
                    <td class="num">{seller.shipmentCount}</td>
                    <td class="num">{seller.itemLineCount}</td>
                    <td class="num">{kroner(seller.valueNok)}</td>
                    <td>
                      <details>
                        <summary>
                          {seller.shipments.length} shipment{seller.shipments.length === 1 ? '' : 's'}
                        </summary>
                        <ul>
                          {seller.shipments.map((s) => (
                            <li key={`${s.manifestId}-${s.shipmentNumber}`}>
                              <a href={href(['manifests', s.manifestId, 'shipments', s.shipmentNumber])}>
                                {s.shipmentNumber}
                              </a>{' '}
                              · {s.itemLines} lines · {kroner(s.valueNok)}
                            </li>
                          ))}
                        </ul>
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  <td class="num" data-total="shipments">
                    {totals.shipments}
                  </td>
                  <td class="num" data-total="lines">
                    {totals.lines}
                  </td>
                  <td class="num" data-total="value">
                    {kroner(totals.value)}
                  </td>
                  <td />
                </tr>
              </tfoot>
            </table>
          </div>
          {data.sellers.length === 0 ? <p class="empty">Nothing was reported in this quarter.</p> : null}
        </>
      ) : null}
    </>
  );
}
