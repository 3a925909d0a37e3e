/**
 * One manifest: its transport (truck or flight), master consignment and transit, counts by status
 * and open flags, the TVINN backup drafts as CSV, and its shipments, filtered by status and flag
 * and paged with the API's cursor (a 10,000-shipment manifest is 100 pages of 100). Refreshes in
 * place every 15 s: the page shown, its filters and the scroll position stay.
 */
import { useEffect, useState } from 'preact/hooks';
import type { ApiClient } from '../api/client.ts';
import { ApiError } from '../api/client.ts';
import {
  FLAG_CODES,
  type ManifestView,
  type Page,
  SHIPMENT_STATUSES,
  type ShipmentView,
  type TransitView,
  type TvinnDrafts,
} from '../api/types.ts';
import {
  Countdown,
  ErrorNotice,
  FlagChip,
  OsloTime,
  Panel,
  RefreshLine,
  StatusBadge,
  saveBlob,
} from '../components/common.tsx';
import { DigitollErrors, RuleViolations } from '../components/problems.tsx';
import { useNow } from '../hooks/use-now.ts';
import { usePolling } from '../hooks/use-polling.ts';
import { attention, LEVEL_WORDS } from '../model/attention.ts';
import { modeOf, summaryFromView, vehicleLabel } from '../model/summary.ts';
import { reportingCutoff } from '../model/time.ts';
import { FLAG_SHORT, office, reportPhaseWords, STATUS_SHORT, transitStateWords } from '../model/words.ts';
import { href, navigate, type Route } from '../router.ts';
import { useSession } from '../session-context.ts';

const PAGE_SIZES = [50, 100, 250, 500] as const;

export function ManifestPage({ manifestId, route }: { manifestId: string; route: Route }) {
  const { api } = useSession();
  const now = useNow(1000);
  const path = `/v1/manifests/${encodeURIComponent(manifestId)}`;
  const manifest = usePolling(() => api.json<ManifestView>(path), `manifest:${manifestId}`);
  const tvinn = usePolling(() => api.json<TvinnDrafts>(`${path}/tvinn-declarations`), `tvinn:${manifestId}`);
  const transitMrn = manifest.data?.transit?.mrn;
  const transit = usePolling(
    async () =>
      transitMrn ? api.json<TransitView>(`/v1/transits/${encodeURIComponent(transitMrn)}`) : undefined,
    `transit:${transitMrn ?? ''}`,
  );

  const view = manifest.data;
  if (!view) {
    return (
      <>
        <h1 tabIndex={-1}>Manifest {manifestId}</h1>
        {manifest.error ? (
          <ErrorNotice error={manifest.error} what={`Manifest ${manifestId}`} />
        ) : (
          <p>Loading…</p>
        )}
      </>
    );
  }
  const { transport } = view;
  const summary = summaryFromView(view);
  const a = attention(summary, now);
  const air = modeOf(transport) === 'AIR';

  return (
    <>
      <p class="breadcrumb">
        <a href={href([])}>Border board</a> › Manifest
      </p>
      <h1 tabIndex={-1}>
        {air ? 'Flight' : 'Truck'} {vehicleLabel(transport).replace(/^Flight /, '')} · {view.reference}
      </h1>
      <div class={`banner level-${a.level}`}>
        <strong>{LEVEL_WORDS[a.level]}:</strong> {a.reasons.join('; ')}.
      </div>
      <RefreshLine
        {...(manifest.loadedAt ? { loadedAt: manifest.loadedAt } : {})}
        loading={manifest.loading}
        stale={manifest.error !== undefined}
      />
      <ErrorNotice error={manifest.error} what="the manifest" />

      <div class="panels">
        <Panel title={air ? 'Flight' : 'Transport'} id="transport">
          <dl>
            <dt>{air ? 'Flight' : 'Vehicle'}</dt>
            <dd>
              {vehicleLabel(transport)}
              {air && transport.aircraftRegistration ? ` · aircraft ${transport.aircraftRegistration}` : ''}
            </dd>
            {transport.driver ? (
              <>
                <dt>Driver</dt>
                <dd>{transport.driver.name}</dd>
              </>
            ) : null}
            <dt>Border</dt>
            <dd>{office(transport.borderCrossing)}</dd>
            <dt>Reporting cut-off</dt>
            <dd>
              <Countdown target={reportingCutoff(transport.estimatedArrival)} now={now} />
            </dd>
            <dt>ETA</dt>
            <dd>
              <Countdown target={transport.estimatedArrival} now={now} />
            </dd>
            <dt>Digitoll</dt>
            <dd>
              {reportPhaseWords(transport.digitollStatus)}
              {transport.mrn ? <div class="mono">MRN {transport.mrn}</div> : null}
            </dd>
          </dl>
          <DigitollErrors errors={transport.digitollErrors} who="the transport" />
        </Panel>

        {view.masterConsignment ? (
          <Panel title="Master consignment" id="master">
            <dl>
              <dt>Waybill</dt>
              <dd>
                {view.masterConsignment.waybill.number} ({view.masterConsignment.waybill.type})
              </dd>
              <dt>Digitoll</dt>
              <dd>
                {reportPhaseWords(view.masterReport?.digitollStatus ?? 'PENDING')}
                {view.masterReport?.mrn ? <div class="mono">MRN {view.masterReport.mrn}</div> : null}
              </dd>
            </dl>
            <DigitollErrors errors={view.masterReport?.digitollErrors} who="the master consignment" />
          </Panel>
        ) : null}

        {view.transit ? (
          <Panel title="Transit (NCTS)" id="transit">
            <dl>
              <dt>MRN</dt>
              <dd class="mono">{view.transit.mrn}</dd>
              <dt>State</dt>
              <dd>{transit.data ? transitStateWords(transit.data.state) : '…'}</dd>
              {view.transit.mixed ? (
                <>
                  <dt>Mixed</dt>
                  <dd>
                    Yes: {view.transit.mixedTransit?.reason ?? 'it carries shipments that are not VOEC'}
                    {view.transit.mixedTransit?.ineligibleShipmentNumbers.length
                      ? ` (${view.transit.mixedTransit.ineligibleShipmentNumbers.join(', ')})`
                      : ''}
                  </dd>
                </>
              ) : null}
            </dl>
          </Panel>
        ) : null}

        <Panel title="Border paperwork" id="paperwork">
          <TvinnDownload api={api} manifestId={manifestId} drafts={tvinn.data} error={tvinn.error} />
          <p>
            <a href={href(['manifests', manifestId, 'driver-list'])}>Driver’s list (printable)</a>
          </p>
          <p class="muted">
            Manifest <span class="mono">{view.manifestId}</span>, received <OsloTime iso={view.receivedAt} />
            {view.intake === 'IN_PROGRESS' ? ' (intake still in progress)' : ''}.
          </p>
        </Panel>
      </div>

      <ShipmentsSection api={api} manifest={view} route={route} manifestId={manifestId} />
    </>
  );
}

function TvinnDownload({
  api,
  manifestId,
  drafts,
  error,
}: {
  api: ApiClient;
  manifestId: string;
  drafts?: TvinnDrafts;
  error?: unknown;
}) {
  const [state, setState] = useState<{ busy: boolean; error?: string }>({ busy: false });
  const count = drafts?.declarations.length ?? 0;
  const download = async () => {
    setState({ busy: true });
    try {
      const file = await api.file(
        `/v1/manifests/${encodeURIComponent(manifestId)}/tvinn-declarations`,
        { format: 'csv' },
        'text/csv',
      );
      saveBlob(file.blob, file.filename ?? `tvinn-${manifestId}.csv`);
      setState({ busy: false });
    } catch (failure) {
      setState({ busy: false, error: failure instanceof ApiError ? failure.message : String(failure) });
    }
  };
  return (
    <div class="tvinn">
      <p>
        {drafts
          ? count === 0
            ? 'No TVINN backup declaration is needed (yet): drafts appear once the ETA passes without Digitoll acceptance.'
            : `${count} TVINN backup declaration draft${count === 1 ? '' : 's'} ready: complete the 8-digit tariff numbers, then lodge ${count === 1 ? 'it' : 'them'} in TVINN.`
          : error
            ? 'The TVINN drafts could not be loaded.'
            : 'Loading the TVINN drafts…'}
      </p>
      <button type="button" onClick={download} disabled={state.busy || !drafts || count === 0}>
        {state.busy ? 'Downloading…' : 'Download TVINN drafts (CSV)'}
      </button>
      {state.error ? (
        <p class="notice notice-error" role="alert">
          {state.error}
        </p>
      ) : null}
    </div>
  );
}

function ShipmentsSection({
  api,
  manifest,
  route,
  manifestId,
}: {
  api: ApiClient;
  manifest: ManifestView;
  route: Route;
  manifestId: string;
}) {
  const status = route.query.get('status') ?? '';
  const flag = route.query.get('flag') ?? '';
  const limitParam = Number(route.query.get('limit'));
  const limit = (PAGE_SIZES as readonly number[]).includes(limitParam) ? limitParam : 100;
  const filterKey = `${manifestId}|${status}|${flag}|${limit}`;
  // The cursors of the pages visited, so Previous goes back without the API paging backwards.
  const [pages, setPages] = useState<{ key: string; cursors: Array<string | undefined> }>({
    key: filterKey,
    cursors: [undefined],
  });
  useEffect(() => {
    if (pages.key !== filterKey) setPages({ key: filterKey, cursors: [undefined] });
  }, [filterKey, pages.key]);
  const cursors = pages.key === filterKey ? pages.cursors : [undefined];
  const cursor = cursors[cursors.length - 1];
  const shipments = usePolling(
    () =>
      api.json<Page<ShipmentView>>(`/v1/manifests/${encodeURIComponent(manifestId)}/shipments`, {
        limit,
        cursor,
        status,
        flag,
      }),
    `${filterKey}|${cursor ?? ''}`,
  );
  const setFilter = (name: string, value: string) => {
    const query = Object.fromEntries(route.query.entries());
    query[name] = value;
    navigate(href(['manifests', manifestId], query), { replace: true });
  };
  const total = status
    ? (manifest.counts[status as keyof typeof manifest.counts] ?? 0)
    : flag
      ? (manifest.openFlags[flag as keyof typeof manifest.openFlags] ?? 0)
      : manifest.shipmentCount;
  const pageNumber = cursors.length;
  const first = (pageNumber - 1) * limit + 1;
  const items = shipments.data?.items ?? [];

  return (
    <section class="panel" aria-labelledby="shipments-heading">
      <h2 id="shipments-heading">Shipments</h2>
      <div class="chips">
        <span class="muted">By status:</span>
        {SHIPMENT_STATUSES.filter((s) => (manifest.counts[s] ?? 0) > 0).map((s) => (
          <button
            type="button"
            key={s}
            class={`chip${status === s ? ' selected' : ''}`}
            aria-pressed={status === s}
            onClick={() => setFilter('status', status === s ? '' : s)}
          >
            <StatusBadge status={s} /> {manifest.counts[s]}
          </button>
        ))}
        {Object.keys(manifest.openFlags).length ? <span class="muted">Open flags:</span> : null}
        {FLAG_CODES.filter((f) => (manifest.openFlags[f] ?? 0) > 0).map((f) => (
          <button
            type="button"
            key={f}
            class={`chip${flag === f ? ' selected' : ''}`}
            aria-pressed={flag === f}
            onClick={() => setFilter('flag', flag === f ? '' : f)}
          >
            <FlagChip code={f} /> {manifest.openFlags[f]}
          </button>
        ))}
      </div>
      <fieldset class="filters">
        <legend>Filter</legend>
        <span class="field-group">
          <label for="filter-status">Status</label>
          <select
            id="filter-status"
            value={status}
            onChange={(e) => setFilter('status', (e.target as HTMLSelectElement).value)}
          >
            <option value="">Any status</option>
            {SHIPMENT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_SHORT[s]}
              </option>
            ))}
          </select>
        </span>
        <span class="field-group">
          <label for="filter-flag">Flag</label>
          <select
            id="filter-flag"
            value={flag}
            onChange={(e) => setFilter('flag', (e.target as HTMLSelectElement).value)}
          >
            <option value="">Any flag</option>
            {FLAG_CODES.map((f) => (
              <option key={f} value={f}>
                {FLAG_SHORT[f]}
              </option>
            ))}
          </select>
        </span>
        <span class="field-group">
          <label for="filter-limit">Per page</label>
          <select
            id="filter-limit"
            value={String(limit)}
            onChange={(e) => setFilter('limit', (e.target as HTMLSelectElement).value)}
          >
            {PAGE_SIZES.map((size) => (
              <option key={size} value={String(size)}>
                {size}
              </option>
            ))}
          </select>
        </span>
      </fieldset>
      <ErrorNotice error={shipments.error} what="the shipments" />
      <p class="summary" aria-live="polite">
        {shipments.data
          ? items.length === 0
            ? 'No shipment matches.'
            : `Shipments ${first}–${first + items.length - 1}${total ? ` of ${total}` : ''} (page ${pageNumber}).`
          : 'Loading shipments…'}
      </p>
      {items.length > 0 ? (
        <div class="table-wrap">
          <table class="shipments">
            <caption class="visually-hidden">Shipments of this manifest</caption>
            <thead>
              <tr>
                <th scope="col">Shipment</th>
                <th scope="col">Status</th>
                <th scope="col">MRN</th>
                <th scope="col">VOEC number</th>
                <th scope="col">Items</th>
                <th scope="col">Flags</th>
                <th scope="col">What is wrong</th>
              </tr>
            </thead>
            <tbody>
              {items.map((shipment) => (
                <tr key={shipment.shipmentNumber} data-shipment={shipment.shipmentNumber}>
                  <td>
                    <a href={href(['manifests', manifestId, 'shipments', shipment.shipmentNumber])}>
                      {shipment.shipmentNumber}
                    </a>
                  </td>
                  <td>
                    <StatusBadge status={shipment.status} />
                  </td>
                  <td class="mono">{shipment.mrn ?? '—'}</td>
                  <td class="mono">{shipment.voecNumber}</td>
                  <td>{shipment.shipment.items.length}</td>
                  <td>
                    {shipment.flags.map((f) => (
                      <FlagChip key={f.code} code={f.code} />
                    ))}
                  </td>
                  <td>
                    <DigitollErrors errors={shipment.digitollErrors} />
                    <RuleViolations rejections={shipment.rejections} />
                    {shipment.failureReason && !shipment.digitollErrors?.length ? (
                      <p>{shipment.failureReason}</p>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <nav class="pager" aria-label="Shipment pages">
        <button
          type="button"
          class="secondary"
          disabled={pageNumber === 1}
          onClick={() => setPages({ key: filterKey, cursors: [undefined] })}
        >
          First page
        </button>
        <button
          type="button"
          class="secondary"
          disabled={pageNumber === 1}
          onClick={() => setPages({ key: filterKey, cursors: cursors.slice(0, -1) })}
        >
          Previous page
        </button>
        <button
          type="button"
          class="secondary"
          disabled={!shipments.data?.cursor}
          onClick={() =>
            shipments.data?.cursor &&
            setPages({ key: filterKey, cursors: [...cursors, shipments.data.cursor] })
          }
        >
          Next page
        </button>
      </nav>
    </section>
  );
}
