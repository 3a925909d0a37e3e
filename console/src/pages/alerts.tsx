/**
 * Alerts: the open border flags (`GET /v1/alerts`), most urgent first (least time to the border,
 * passed ETAs first, as the API orders them), each linking to its shipment.
 */
import type { AlertRow } from '../api/types.ts';
import { Countdown, ErrorNotice, FlagChip, OsloTime, RefreshLine } from '../components/common.tsx';
import { useNow } from '../hooks/use-now.ts';
import { usePolling } from '../hooks/use-polling.ts';
import { FLAG_SHORT, flagWords } from '../model/words.ts';
import { href, navigate, type Route } from '../router.ts';
import { useSession } from '../session-context.ts';

export function AlertsPage({ route }: { route: Route }) {
  const { api, me } = useSession();
  const alerts = usePolling(() => api.json<{ alerts: AlertRow[] }>('/v1/alerts'), 'alerts');
  const now = useNow(1000);
  const flag = route.query.get('flag') ?? '';
  const all = alerts.data?.alerts ?? [];
  const shown = flag ? all.filter((row) => row.flag === flag) : all;
  const flagsPresent = [...new Set(all.map((row) => row.flag))].sort();

  return (
    <>
      <h1 tabIndex={-1}>Alerts</h1>
      <p class="lede">
        Open border flags, most urgent first. A shipment not accepted by Digitoll 2 hours before the border is{' '}
        <em>{FLAG_SHORT.NOTIFICATION_MISSING?.toLowerCase()}</em>; once the ETA has passed it must be declared
        in TVINN (its draft is on the manifest page).
      </p>
      <ErrorNotice error={alerts.error} what="the alerts" />
      <fieldset class="filters">
        <legend>Show</legend>
        <span class="field-group">
          <label for="alerts-flag">Flag</label>
          <select
            id="alerts-flag"
            value={flag}
            onChange={(event) =>
              navigate(href(['alerts'], { flag: (event.target as HTMLSelectElement).value }), {
                replace: true,
              })
            }
          >
            <option value="">All flags</option>
            {[...new Set([...flagsPresent, ...(flag ? [flag] : [])])].map((code) => (
              <option key={code} value={code}>
                {FLAG_SHORT[code] ?? code}
              </option>
            ))}
          </select>
        </span>
      </fieldset>
      <p class="summary" aria-live="polite">
        {alerts.data ? `${shown.length} open alert${shown.length === 1 ? '' : 's'}.` : ''}
      </p>
      <RefreshLine
        {...(alerts.loadedAt ? { loadedAt: alerts.loadedAt } : {})}
        loading={alerts.loading}
        stale={alerts.error !== undefined && alerts.data !== undefined}
      />
      {shown.length > 0 ? (
        <div class="table-wrap">
          <table class="alerts">
            <caption class="visually-hidden">Open alerts</caption>
            <thead>
              <tr>
                <th scope="col">Border ETA</th>
                <th scope="col">Flag</th>
                <th scope="col">Shipment</th>
                <th scope="col">What happened</th>
                <th scope="col">Raised</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((row) => (
                <tr
                  key={`${row.manifestId}-${row.shipmentNumber}-${row.flag}`}
                  class={
                    row.flag === 'DECLARE_IN_TVINN' || row.flag === 'ENTRY_DENIED'
                      ? 'level-action'
                      : 'level-watch'
                  }
                >
                  <td>
                    <Countdown target={row.estimatedArrival} now={now} />
                  </td>
                  <td>
                    <FlagChip code={row.flag} />
                    <div class="muted">{flagWords(row.flag)}</div>
                  </td>
                  <td>
                    <a href={href(['manifests', row.manifestId, 'shipments', row.shipmentNumber])}>
                      {row.shipmentNumber}
                    </a>
                    <div class="muted">
                      on <a href={href(['manifests', row.manifestId])}>manifest {row.manifestId}</a>
                      {me.role === 'operator' && row.partnerId ? ` · ${row.partnerId}` : ''}
                    </div>
                  </td>
                  <td>{row.detail}</td>
                  <td>
                    <OsloTime iso={row.raisedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : alerts.data ? (
        <p class="empty">No open alerts{flag ? ' with this flag' : ''}.</p>
      ) : null}
    </>
  );
}
