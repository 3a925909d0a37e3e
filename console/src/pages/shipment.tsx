/**
 * One shipment: status, MRN, what is wrong (Digitoll's refusals, VOEC rules, flags), the border
 * outcome once Customs has sent a control signal, the submitted data, and the timeline.
 *
 * Read with `GET /v1/manifests/{m}/shipments/{n}`: this manifest's copy, for operators too.
 */
import { useEffect } from 'preact/hooks';
import type { ApiClient } from '../api/client.ts';
import type { ShipmentDetail } from '../api/types.ts';
import {
  Countdown,
  ErrorNotice,
  FlagChip,
  OsloTime,
  Panel,
  RefreshLine,
  StatusBadge,
} from '../components/common.tsx';
import { DigitollErrors, RuleViolations } from '../components/problems.tsx';
import { useNow } from '../hooks/use-now.ts';
import { usePolling } from '../hooks/use-polling.ts';
import { reportingCutoff } from '../model/time.ts';
import { eventWords, flagWords, humanize, nok, pointerWords, statusWords } from '../model/words.ts';
import { href, navigate } from '../router.ts';
import { useSession } from '../session-context.ts';

/** This manifest's copy of the shipment (unambiguous for operators, who see many partners). */
function loadShipment(api: ApiClient, manifestId: string, shipmentNumber: string): Promise<ShipmentDetail> {
  const m = encodeURIComponent(manifestId);
  const n = encodeURIComponent(shipmentNumber);
  return api.json<ShipmentDetail>(`/v1/manifests/${m}/shipments/${n}`);
}

export function ShipmentPage({ manifestId, shipmentNumber }: { manifestId: string; shipmentNumber: string }) {
  const { api } = useSession();
  const now = useNow(1000);
  const detail = usePolling(
    () => loadShipment(api, manifestId, shipmentNumber),
    `shipment:${manifestId}:${shipmentNumber}`,
  );
  const shipment = detail.data;
  const breadcrumb = (
    <p class="breadcrumb">
      <a href={href([])}>Border board</a> › <a href={href(['manifests', manifestId])}>Manifest</a> › Shipment
    </p>
  );
  if (!shipment) {
    return (
      <>
        {breadcrumb}
        <h1 tabIndex={-1}>Shipment {shipmentNumber}</h1>
        {detail.error ? (
          <ErrorNotice error={detail.error} what={`Shipment ${shipmentNumber}`} />
        ) : (
          <p>Loading…</p>
        )}
      </>
    );
  }
  const input = shipment.shipment;
  const hasProblems =
    (shipment.digitollErrors?.length ?? 0) > 0 ||
    shipment.rejections.length > 0 ||
    shipment.flags.length > 0 ||
    (shipment.failureReason !== undefined && shipment.status === 'FAILED');
  const totalNok = input.items.reduce((sum, item) => sum + item.unitValueNok * item.quantity, 0);
  return (
    <>
      {breadcrumb}
      <h1 tabIndex={-1}>Shipment {shipment.shipmentNumber}</h1>
      <p class="status-line">
        <StatusBadge status={shipment.status} /> {statusWords(shipment.status)}
        {shipment.mrn ? (
          <>
            {' · MRN '}
            <span class="mono" data-testid="mrn">
              {shipment.mrn}
            </span>
          </>
        ) : null}
      </p>
      <RefreshLine
        {...(detail.loadedAt ? { loadedAt: detail.loadedAt } : {})}
        loading={detail.loading}
        stale={detail.error !== undefined}
      />
      <ErrorNotice error={detail.error} what="the shipment" />

      <div class="panels">
        <Panel title="Reporting" id="reporting">
          <dl>
            <dt>Status</dt>
            <dd>{statusWords(shipment.status)}</dd>
            <dt>MRN</dt>
            <dd class="mono">{shipment.mrn ?? 'none yet'}</dd>
            <dt>Reporting cut-off</dt>
            <dd>
              <Countdown target={reportingCutoff(shipment.estimatedArrival)} now={now} />
            </dd>
            <dt>ETA</dt>
            <dd>
              <Countdown target={shipment.estimatedArrival} now={now} />
            </dd>
            <dt>Received</dt>
            <dd>
              <OsloTime iso={shipment.receivedAt} />
            </dd>
            {shipment.withdrawalRequestedAt ? (
              <>
                <dt>Withdrawal asked</dt>
                <dd>
                  <OsloTime iso={shipment.withdrawalRequestedAt} />
                </dd>
              </>
            ) : null}
          </dl>
        </Panel>

        <Panel title="At the border" id="border">
          {shipment.border ? (
            <dl>
              <dt>Customs’ routing</dt>
              <dd>{humanize(shipment.border.routing)}</dd>
              {shipment.border.controlLocation ? (
                <>
                  <dt>Control at</dt>
                  <dd>{shipment.border.controlLocation}</dd>
                </>
              ) : null}
              <dt>Signalled</dt>
              <dd>
                <OsloTime iso={shipment.border.at} />
              </dd>
            </dl>
          ) : (
            <p class="muted">No signal from Customs at the border yet.</p>
          )}
        </Panel>
      </div>

      {hasProblems ? (
        <Panel title="What needs attention" id="problems">
          <DigitollErrors errors={shipment.digitollErrors} />
          <RuleViolations rejections={shipment.rejections} />
          {shipment.failureReason && !shipment.digitollErrors?.length ? (
            <p>{shipment.failureReason}</p>
          ) : null}
          {shipment.flags.length ? (
            <ul class="problems">
              {shipment.flags.map((flag) => (
                <li key={flag.code}>
                  <FlagChip code={flag.code} /> {flag.detail ?? flagWords(flag.code)}
                  {flag.path ? <div class="field">Field: {pointerWords(flag.path)}</div> : null}
                </li>
              ))}
            </ul>
          ) : null}
        </Panel>
      ) : null}

      <div class="panels">
        <Panel title="Submitted data" id="submitted">
          <dl>
            <dt>VOEC number</dt>
            <dd class="mono">{shipment.voecNumber}</dd>
            <dt>Goods</dt>
            <dd>{input.goodsDescription}</dd>
            <dt>Seller</dt>
            <dd>
              {input.consignor.name}, {input.consignor.address.city} ({input.consignor.address.country})
            </dd>
            <dt>Consignee</dt>
            <dd>
              {input.consignee.name}, {input.consignee.address.postcode} {input.consignee.address.city} (
              {input.consignee.type === 'PRIVATE' ? 'private person' : 'business'})
            </dd>
            <dt>Packages, mass</dt>
            <dd>
              {input.packages} · {input.grossMassKg} kg
            </dd>
          </dl>
          <div class="table-wrap">
            <table class="items">
              <caption>Item lines</caption>
              <thead>
                <tr>
                  <th scope="col">#</th>
                  <th scope="col">Commodity code</th>
                  <th scope="col">Description</th>
                  <th scope="col" class="num">
                    Quantity
                  </th>
                  <th scope="col" class="num">
                    NOK per piece
                  </th>
                </tr>
              </thead>
              <tbody>
                {input.items.map((item, index) => (
                  <tr key={`${index}-${item.commodityCode}`}>
                    <td>{index + 1}</td>
                    <td class="mono">{item.commodityCode}</td>
                    <td>{item.description}</td>
                    <td class="num">{item.quantity}</td>
                    <td class="num">{nok(item.unitValueNok)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row" colSpan={4}>
                    Total value (NOK)
                  </th>
                  <td class="num">{nok(totalNok)}</td>
                </tr>
              </tfoot>
            </table>
          </div>
        </Panel>
      </div>

      <section class="panel" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Timeline</h2>
        <ol class="timeline">
          {shipment.timeline.map((event, index) => (
            <li key={`${event.at}-${index}`} class={`event event-${event.type.toLowerCase()}`}>
              <OsloTime iso={event.at} seconds />
              <div>
                <strong>{eventWords(event)}</strong>
                {event.detail ? <p>{event.detail}</p> : null}
                <p class="muted">by {event.actor}</p>
              </div>
            </li>
          ))}
        </ol>
      </section>
      {shipment.otherManifestIds.length ? (
        <p>
          The same shipment number was on earlier manifests:{' '}
          {shipment.otherManifestIds.map((id, index) => (
            <span key={id}>
              {index ? ', ' : ''}
              <a href={href(['manifests', id])}>{id}</a>
            </span>
          ))}
          .
        </p>
      ) : null}
    </>
  );
}

/** `#/shipments/{n}`: finds the shipment's manifest, then shows it there. */
export function ShipmentLookupPage({ shipmentNumber }: { shipmentNumber: string }) {
  const { api } = useSession();
  const found = usePolling(
    () => api.json<ShipmentDetail>(`/v1/shipments/${encodeURIComponent(shipmentNumber)}`),
    `lookup:${shipmentNumber}`,
    60_000,
  );
  useEffect(() => {
    if (found.data) {
      navigate(href(['manifests', found.data.manifestId, 'shipments', shipmentNumber]), { replace: true });
    }
  }, [found.data, shipmentNumber]);
  return (
    <>
      <h1 tabIndex={-1}>Shipment {shipmentNumber}</h1>
      {found.error ? (
        <ErrorNotice error={found.error} what={`Shipment ${shipmentNumber}`} />
      ) : (
        <p>Looking it up…</p>
      )}
    </>
  );
}
