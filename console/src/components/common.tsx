/** Small building blocks shared by the pages: times, countdowns, statuses, flags, errors. */
import type { ComponentChildren } from 'preact';
import { ApiError } from '../api/client.ts';
import type { Problem, ShipmentStatus, StatusCounts } from '../api/types.ts';
import { SHIPMENT_STATUSES } from '../api/types.ts';
import { countdown, formatOslo } from '../model/time.ts';
import { FLAG_SHORT, flagWords, STATUS_SHORT, statusWords } from '../model/words.ts';

export function OsloTime({ iso, seconds = false }: { iso: string; seconds?: boolean }) {
  return <time dateTime={iso}>{formatOslo(iso, { seconds })}</time>;
}

/** `in 1 h 05 min` (or `passed … ago`), with the exact Oslo time next to it. */
export function Countdown({
  target,
  now,
  showTime = true,
}: {
  target: string;
  now: Date;
  showTime?: boolean;
}) {
  const c = countdown(target, now);
  return (
    <span class={`countdown${c.passed ? ' passed' : ''}`}>
      <strong>{c.text}</strong>
      {showTime ? (
        <span class="muted">
          {' '}
          <OsloTime iso={target} />
        </span>
      ) : null}
    </span>
  );
}

export function StatusBadge({ status }: { status: ShipmentStatus | string }) {
  return (
    <span class={`status status-${status.toLowerCase()}`} title={statusWords(status)}>
      {STATUS_SHORT[status as ShipmentStatus] ?? status}
    </span>
  );
}

export function FlagChip({ code }: { code: string }) {
  return (
    <span class={`flag flag-${code.toLowerCase()}`} title={flagWords(code)}>
      {FLAG_SHORT[code] ?? code}
    </span>
  );
}

/** Counts by status, in the lifecycle's order, zeros left out. */
export function StatusCountList({ counts }: { counts: StatusCounts }) {
  const present = SHIPMENT_STATUSES.filter((status) => (counts[status] ?? 0) > 0);
  if (present.length === 0) return <span class="muted">no shipments</span>;
  return (
    <ul class="counts" aria-label="Shipments by status">
      {present.map((status) => (
        <li key={status}>
          <StatusBadge status={status} /> {counts[status]}
        </li>
      ))}
    </ul>
  );
}

export function Panel({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  const headingId = `${id ?? title.toLowerCase().replace(/\W+/g, '-')}-heading`;
  return (
    <section class="panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{title}</h2>
      {children}
    </section>
  );
}

/** An API problem's field errors, each with where it points. */
function ProblemErrors({ problem }: { problem?: Problem }) {
  if (!problem?.errors?.length) return null;
  return (
    <ul>
      {problem.errors.map((error) => (
        <li key={`${error.path}-${error.code}`}>
          <code>{error.path}</code>: {error.message}
        </li>
      ))}
    </ul>
  );
}

/** A failed load, in words, with what the person can do about it. */
export function ErrorNotice({ error, what }: { error: unknown; what: string }) {
  if (error === undefined || (error instanceof ApiError && error.kind === 'endpoint-missing')) return null;
  const message =
    error instanceof ApiError
      ? error.kind === 'not-found'
        ? `${what} was not found. ${error.message}`
        : error.kind === 'network'
          ? `Could not load ${what}: ${error.message} The page tries again by itself.`
          : error.kind === 'unauthorized'
            ? 'Your key is no longer accepted. Sign in again.'
            : `Could not load ${what}: ${error.message}`
      : `Could not load ${what}: ${String(error)}`;
  return (
    <div class="notice notice-error" role="alert">
      <p>{message}</p>
      {error instanceof ApiError ? (
        <ProblemErrors {...(error.problem ? { problem: error.problem } : {})} />
      ) : null}
    </div>
  );
}

/** Said plainly when the API does not offer an endpoint a page needs (yet). */
export function EndpointMissing({ endpoint, what }: { endpoint: string; what: string }) {
  return (
    <div class="notice notice-info" role="status">
      <p>
        {what} needs <code>{endpoint}</code>, which this API does not offer yet.
      </p>
    </div>
  );
}

export function isEndpointMissing(error: unknown): boolean {
  return error instanceof ApiError && error.kind === 'endpoint-missing';
}

/** "Updated 21:04:05 · refreshes every 15 s", and a visible note when the last refresh failed. */
export function RefreshLine({
  loadedAt,
  loading,
  stale,
}: {
  loadedAt?: Date;
  loading: boolean;
  stale?: boolean;
}) {
  return (
    <p class="refresh muted">
      {loadedAt ? (
        <>
          Updated <OsloTime iso={loadedAt.toISOString()} seconds />
        </>
      ) : (
        'Loading…'
      )}
      {' · refreshes every 15 s'}
      {loading && loadedAt ? ' · refreshing…' : ''}
      {stale ? <strong class="stale"> · the last refresh failed, showing older data</strong> : null}
    </p>
  );
}

/** Hands a fetched file to the browser as a download. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
