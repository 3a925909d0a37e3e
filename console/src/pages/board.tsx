/**
 * The border board (start page): every transport not yet across the border, soonest first, with
 * live countdowns to the 2-hour reporting cut-off and to the ETA, counts by status, and a colour
 * with its reasons in words for what needs a human. Refreshes every 15 s in place.
 *
 * The list is `GET /v1/manifests?crossed=false` (operators: every partner's, with a partner column).
 */
import { useState } from 'preact/hooks';
import type { ApiClient } from '../api/client.ts';
import type { ManifestSummary, Page } from '../api/types.ts';
import { Countdown, ErrorNotice, RefreshLine, StatusCountList } from '../components/common.tsx';
import { useNow } from '../hooks/use-now.ts';
import { usePolling } from '../hooks/use-polling.ts';
import { type Attention, attention, LEVEL_ORDER, LEVEL_WORDS } from '../model/attention.ts';
import { modeOf, vehicleLabel } from '../model/summary.ts';
import { office, reportPhaseWords } from '../model/words.ts';
import { href, navigate, type Route } from '../router.ts';
import { useSession } from '../session-context.ts';

/** 200 a page, as the API pages; beyond 2,000 transports the board says it shows the first ones. */
const PAGE_SIZE = 200;
const MAX_PAGES = 10;

interface BoardData {
  items: ManifestSummary[];
  truncated: boolean;
}

/** The board's pages, following the cursor (10 pages of 200 at most). */
async function loadBoard(api: ApiClient): Promise<BoardData> {
  const items: ManifestSummary[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const answer = await api.json<Page<ManifestSummary>>('/v1/manifests', {
      crossed: 'false',
      limit: PAGE_SIZE,
      cursor,
    });
    items.push(...answer.items);
    cursor = answer.cursor;
    if (!cursor) break;
  }
  return { items, truncated: cursor !== undefined };
}

type ModeFilter = '' | 'ROAD' | 'AIR';

export function BoardPage({ route }: { route: Route }) {
  const { api, me } = useSession();
  const board = usePolling(() => loadBoard(api), 'board');
  const now = useNow(1000);
  const text = route.query.get('q') ?? '';
  const mode = (route.query.get('mode') ?? '') as ModeFilter;
  const onlyAttention = route.query.get('attention') === '1';
  const setFilter = (name: string, value: string) => {
    const query = Object.fromEntries(route.query.entries());
    query[name] = value;
    navigate(href([], query), { replace: true });
  };

  const rows = (board.data?.items ?? [])
    .map((manifest) => ({ manifest, attention: attention(manifest, now) }))
    .filter(({ manifest, attention: a }) => {
      if (mode && modeOf(manifest.transport) !== mode) return false;
      if (onlyAttention && (a.level === 'ok' || a.level === 'waiting')) return false;
      if (!text) return true;
      const haystack = [
        manifest.reference,
        manifest.manifestId,
        manifest.partnerId ?? '',
        vehicleLabel(manifest.transport),
        manifest.transport.mrn ?? '',
        manifest.transport.borderCrossing,
      ]
        .join(' ')
        .toLowerCase();
      return haystack.includes(text.toLowerCase());
    });
  const levels = rows.reduce<Record<string, number>>((acc, row) => {
    acc[row.attention.level] = (acc[row.attention.level] ?? 0) + 1;
    return acc;
  }, {});

  return (
    <>
      <h1 tabIndex={-1}>Border board</h1>
      <p class="lede">
        Transports not yet across the border, soonest first. Every house must be accepted by Digitoll by the
        cut-off, 2 hours before the ETA. Times are Norwegian (Europe/Oslo).
      </p>
      <ErrorNotice error={board.error} what="the board" />

      <div class="toolbar">
        <OpenForms />
      </div>

      <fieldset class="filters">
        <legend>Show</legend>
        <span class="field-group">
          <label for="board-search">Search</label>
          <input
            id="board-search"
            type="search"
            value={text}
            placeholder="plate, flight, reference, MRN"
            onInput={(event) => setFilter('q', (event.target as HTMLInputElement).value)}
          />
        </span>
        <span class="field-group">
          <label for="board-mode">Transport</label>
          <select
            id="board-mode"
            value={mode}
            onChange={(event) => setFilter('mode', (event.target as HTMLSelectElement).value)}
          >
            <option value="">Trucks and flights</option>
            <option value="ROAD">Trucks</option>
            <option value="AIR">Flights</option>
          </select>
        </span>
        <label class="check">
          <input
            type="checkbox"
            checked={onlyAttention}
            onChange={(event) =>
              setFilter('attention', (event.target as HTMLInputElement).checked ? '1' : '')
            }
          />{' '}
          Only what needs a human
        </label>
      </fieldset>

      <p class="summary" aria-live="polite">
        {board.data
          ? `${rows.length} transport${rows.length === 1 ? '' : 's'}: ${levels.action ?? 0} need action, ${
              levels.watch ?? 0
            } to watch, ${levels.waiting ?? 0} in progress, ${levels.ok ?? 0} all accepted.`
          : ''}
        {board.data?.truncated ? ` Showing the first ${PAGE_SIZE * MAX_PAGES}.` : ''}
      </p>
      <RefreshLine
        {...(board.loadedAt ? { loadedAt: board.loadedAt } : {})}
        loading={board.loading}
        stale={board.error !== undefined && board.data !== undefined}
      />

      {rows.length > 0 ? (
        <div class="table-wrap">
          <table class="board">
            <caption class="visually-hidden">Transports heading for the border</caption>
            <thead>
              <tr>
                <th scope="col">Needs</th>
                <th scope="col">Transport</th>
                {me.role === 'operator' ? <th scope="col">Partner</th> : null}
                <th scope="col">Border</th>
                <th scope="col">Reporting cut-off</th>
                <th scope="col">ETA</th>
                <th scope="col">Shipments</th>
                <th scope="col">Digitoll</th>
              </tr>
            </thead>
            <tbody>
              {rows
                .sort((a, b) => LEVEL_ORDER[a.attention.level] - LEVEL_ORDER[b.attention.level])
                .map(({ manifest, attention: a }) => (
                  <BoardRow
                    key={manifest.manifestId}
                    manifest={manifest}
                    attention={a}
                    now={now}
                    showPartner={me.role === 'operator'}
                  />
                ))}
            </tbody>
          </table>
        </div>
      ) : board.data ? (
        <p class="empty">
          {board.data.items.length === 0
            ? 'No transport is heading for the border.'
            : 'Nothing matches these filters.'}
        </p>
      ) : null}
    </>
  );
}

function BoardRow({
  manifest,
  attention: a,
  now,
  showPartner,
}: {
  manifest: ManifestSummary;
  attention: Attention;
  now: Date;
  showPartner: boolean;
}) {
  const { transport } = manifest;
  const air = modeOf(transport) === 'AIR';
  return (
    <tr class={`level-${a.level}`} data-manifest-id={manifest.manifestId}>
      <td class="needs">
        <strong>{LEVEL_WORDS[a.level]}</strong>
        <ul>
          {a.reasons.map((reason) => (
            <li key={reason}>{reason}</li>
          ))}
        </ul>
      </td>
      <td>
        <div class="mode">{air ? 'Flight' : 'Truck'}</div>
        <a class="vehicle" href={href(['manifests', manifest.manifestId])}>
          {vehicleLabel(transport).replace(/^Flight /, '')}
        </a>
        <div class="muted">{manifest.reference}</div>
      </td>
      {showPartner ? <td class="partner">{manifest.partnerId ?? ''}</td> : null}
      <td>{office(transport.borderCrossing)}</td>
      <td>
        <Countdown target={manifest.reportingCutoff} now={now} />
      </td>
      <td>
        <Countdown target={transport.estimatedArrival} now={now} />
      </td>
      <td>
        <StatusCountList counts={manifest.counts} />
        <div class="muted">{manifest.shipmentCount} in all</div>
      </td>
      <td>
        <div>Transport: {reportPhaseWords(transport.digitollStatus)}</div>
        {transport.mrn ? <div class="mono">{transport.mrn}</div> : null}
        {manifest.transit ? (
          <div class="muted">
            Transit {manifest.transit.mrn}
            {manifest.transit.mixed ? ' (mixed)' : ''}
          </div>
        ) : null}
      </td>
    </tr>
  );
}

/** Open a manifest by id, or find a shipment by its number. */
function OpenForms() {
  const [manifestId, setManifestId] = useState('');
  const [shipmentNumber, setShipmentNumber] = useState('');
  return (
    <>
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (manifestId.trim()) navigate(href(['manifests', manifestId.trim()]));
        }}
      >
        <label for="open-manifest">Manifest id</label>
        <input
          id="open-manifest"
          value={manifestId}
          autocomplete="off"
          onInput={(event) => setManifestId((event.target as HTMLInputElement).value)}
        />
        <button type="submit">Open manifest</button>
      </form>
      <form
        class="inline-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (shipmentNumber.trim()) navigate(href(['shipments', shipmentNumber.trim()]));
        }}
      >
        <label for="find-shipment">Shipment number</label>
        <input
          id="find-shipment"
          value={shipmentNumber}
          autocomplete="off"
          onInput={(event) => setShipmentNumber((event.target as HTMLInputElement).value)}
        />
        <button type="submit">Find shipment</button>
      </form>
    </>
  );
}
