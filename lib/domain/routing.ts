/**
 * Customs' routing signals at the border (issue #10, `digitoll-road-v2.md` §9.2, `tolletaten/vei-fly-EN.txt`):
 * once the transport has arrived, Customs decides per house consignment what happens next and publishes it.
 * This is the pure rule of what one signal does to one shipment; `routing-poller.ts` fetches and applies them.
 *
 * - The latest signal wins: the one Customs published last (its timestamp; equal timestamps: the one applied
 *   last, which is the feed's order). An older signal that arrives late is kept on the timeline, verbatim,
 *   and changes nothing else.
 * - Each signal is applied once: the shipment remembers the ids of the signals it applied (a page applied
 *   twice, by a crash before the marker was saved or by two pollers, changes nothing the second time).
 * - `TO_ENTRY` releases an ACCEPTED shipment (RELEASED) and clears the routing flags; `TO_CONTROL` raises
 *   CONTROL_ORDERED (with the control location), `ENTRY_PENDING` and `ENTRY_DENIED` raise flags of their
 *   own name. A released shipment that Customs routes otherwise afterwards is ACCEPTED (not released) again.
 * - A routing code we do not know yet is kept verbatim (timeline, `border.routing`) and changes no flag.
 */
import { z } from 'zod';
import {
  flagNotification,
  type PartnerNotification,
  shipmentStatusNotification,
  shipmentSubject,
} from './notifications.ts';
import type { ShipmentEvent, ShipmentRecord } from './records.ts';
import type { Flag, FlagCode, ShipmentStatus } from './shipment.ts';

/** Customs' routing codes (§9.2) as the domain knows them. */
export const ROUTING = {
  released: 'TO_ENTRY',
  control: 'TO_CONTROL',
  pending: 'ENTRY_PENDING',
  denied: 'ENTRY_DENIED',
} as const;

/** The flag each routing raises (TO_ENTRY raises none and clears these). */
export const ROUTING_FLAGS: Readonly<Record<string, FlagCode>> = {
  [ROUTING.control]: 'CONTROL_ORDERED',
  [ROUTING.pending]: 'ENTRY_PENDING',
  [ROUTING.denied]: 'ENTRY_DENIED',
};
const ROUTING_FLAG_CODES = new Set<FlagCode>(Object.values(ROUTING_FLAGS));
const KNOWN_ROUTINGS = new Set<string>(Object.values(ROUTING));

/** Signal ids a shipment remembers (a house gets a handful of signals at most). */
export const APPLIED_SIGNALS_KEPT = 50;

/** What the shipment knows of Customs' routing: the latest signal, and which signals it applied. */
export const BorderState = z.object({
  /** Customs' routing code, verbatim. */
  routing: z.string(),
  /** Customs' control location (`ON_ENTRY`, `AFTER_ENTRY`), verbatim, when it gave one. */
  controlLocation: z.string().optional(),
  /** When Customs published it (our receipt time if it gave none). */
  at: z.string(),
  signalId: z.string(),
  appliedSignalIds: z.array(z.string()),
});
export type BorderState = z.infer<typeof BorderState>;

/** One routing signal for one house consignment, in domain terms. */
export interface RoutingSignal {
  /** Customs' id of the signal (`routingResult.id`): unique, and the feed's marker. */
  id: string;
  /** The house's waybill: its key at Digitoll. */
  waybill: { number: string; type: string };
  routing: string;
  controlLocation?: string | undefined;
  /** When Customs published it, if it said. */
  publishedAt?: string | undefined;
  /** Customs' values as received, for the timeline. */
  verbatim: Record<string, unknown>;
}

export type RoutingDecision =
  | { kind: 'duplicate' }
  | {
      kind: 'apply';
      /** false: an older signal arrived after a newer one (timeline only). */
      latest: boolean;
      status: ShipmentStatus;
      flags: Flag[];
      border: BorderState;
      events: ShipmentEvent[];
      notifications: PartnerNotification[];
    };

const ACTOR = 'customs-routing';

function flagDetail(signal: RoutingSignal): string {
  switch (signal.routing) {
    case ROUTING.control:
      return `Customs ordered a physical control ${signal.controlLocation === 'AFTER_ENTRY' ? 'after entry (at the terminal)' : 'at the border crossing'}${signal.controlLocation ? ` (${signal.controlLocation})` : ''}: deliver the goods for control`;
    case ROUTING.pending:
      return `Customs found deficiencies (ENTRY_PENDING${signal.controlLocation ? `, ${signal.controlLocation}` : ''}): fix them, do not deliver to the consignee`;
    case ROUTING.denied:
      return 'Customs denied entry (ENTRY_DENIED): the goods are seized';
    default:
      return signal.routing;
  }
}

function describe(signal: RoutingSignal): string {
  const location = signal.controlLocation ? ` (${signal.controlLocation})` : '';
  return signal.routing === ROUTING.released
    ? 'Customs released the shipment at the border (TO_ENTRY)'
    : KNOWN_ROUTINGS.has(signal.routing)
      ? `Customs routing ${signal.routing}${location}`
      : `Customs routing ${signal.routing}${location} (a code this version does not know; kept as received)`;
}

/** The status the latest routing gives a shipment (only ACCEPTED and RELEASED move). */
function statusAfter(status: ShipmentStatus, routing: string): ShipmentStatus {
  if (status === 'ACCEPTED' && routing === ROUTING.released) return 'RELEASED';
  if (status === 'RELEASED' && routing !== ROUTING.released && KNOWN_ROUTINGS.has(routing)) return 'ACCEPTED';
  return status;
}

/**
 * What `signal` does to `shipment` (pure). `now` stands in for Customs' timestamp when the signal has none.
 */
export function applyRoutingSignal(
  shipment: ShipmentRecord,
  signal: RoutingSignal,
  now: Date,
): RoutingDecision {
  const current = shipment.border;
  if (current?.appliedSignalIds.includes(signal.id)) return { kind: 'duplicate' };
  const at = now.toISOString();
  const publishedAt = signal.publishedAt ?? at;
  const latest = current === undefined || Date.parse(publishedAt) >= Date.parse(current.at);
  const appliedSignalIds = [...(current?.appliedSignalIds ?? []), signal.id].slice(-APPLIED_SIGNALS_KEPT);
  const event: ShipmentEvent = {
    at: publishedAt,
    type: 'ROUTING',
    actor: ACTOR,
    subject: 'HOUSE',
    detail: latest
      ? describe(signal)
      : `${describe(signal)}: published before the routing already applied (${current?.routing} at ${current?.at}); it changes nothing`,
    data: { ...signal.verbatim, ...(latest ? {} : { superseded: true }) },
  };
  if (!latest && current) {
    return {
      kind: 'apply',
      latest: false,
      status: shipment.status,
      flags: shipment.flags,
      border: { ...current, appliedSignalIds },
      events: [event],
      notifications: [],
    };
  }

  const border: BorderState = {
    routing: signal.routing,
    ...(signal.controlLocation ? { controlLocation: signal.controlLocation } : {}),
    at: publishedAt,
    signalId: signal.id,
    appliedSignalIds,
  };
  const known = KNOWN_ROUTINGS.has(signal.routing);
  const wanted = ROUTING_FLAGS[signal.routing];
  const detail = flagDetail(signal);
  const cleared = known
    ? shipment.flags.filter((flag) => ROUTING_FLAG_CODES.has(flag.code) && flag.code !== wanted)
    : [];
  const existing = wanted ? shipment.flags.find((flag) => flag.code === wanted) : undefined;
  const raised: Flag | undefined =
    wanted && !existing ? { code: wanted, raisedAt: publishedAt, detail } : undefined;
  const flags: Flag[] = [
    ...shipment.flags
      .filter((flag) => !cleared.includes(flag))
      // The same flag again (e.g. another control location): it stays raised, with Customs' latest words.
      .map((flag) => (flag === existing ? { ...flag, detail } : flag)),
    ...(raised ? [raised] : []),
  ];
  const status = statusAfter(shipment.status, signal.routing);

  const events: ShipmentEvent[] = [
    event,
    ...(raised
      ? [
          {
            at: publishedAt,
            type: 'FLAG_RAISED',
            actor: ACTOR,
            detail: `${raised.code}: ${detail}`,
            data: { flag: raised.code },
          },
        ]
      : []),
    ...cleared.map((flag) => ({
      at: publishedAt,
      type: 'FLAG_CLEARED',
      actor: ACTOR,
      detail: `${flag.code} no longer applies: Customs routed the shipment ${signal.routing}`,
      data: { flag: flag.code },
    })),
    ...(status !== shipment.status
      ? [
          {
            at: publishedAt,
            type: status,
            actor: ACTOR,
            detail: status === 'RELEASED' ? 'Released by Customs' : `Routed ${signal.routing} after release`,
          },
        ]
      : []),
  ];

  const eta = shipment.estimatedArrival;
  // The partner is told when we applied the signal (the change happened here, then); Customs'
  // own time stays in the data. Customs' times have whole seconds: a webhook registered in that
  // second would otherwise miss the change.
  const notifications: PartnerNotification[] = [
    routingNotification(shipment, signal, border, status, at),
    ...(raised
      ? [
          flagNotification(shipment, 'flag.raised', at, {
            flag: raised.code,
            estimatedArrival: eta,
          }),
        ]
      : []),
    ...cleared.map((flag) =>
      flagNotification(shipment, 'flag.cleared', at, { flag: flag.code, estimatedArrival: eta }),
    ),
    ...(status !== shipment.status
      ? [
          shipmentStatusNotification({
            partnerId: shipment.partnerId,
            manifestId: shipment.manifestId,
            shipmentNumber: shipment.shipmentNumber,
            status,
            at,
            seq: shipment.version + 1,
            sequence: shipment.version + 1,
            mrn: shipment.mrn,
          }),
        ]
      : []),
  ];
  return { kind: 'apply', latest: true, status, flags, border, events, notifications };
}

/** `shipment.routing`: Customs routed a shipment (one per signal: its id is in the notification id). */
export function routingNotification(
  shipment: ShipmentRecord,
  signal: RoutingSignal,
  border: BorderState,
  status: ShipmentStatus,
  appliedAt: string = border.at,
): PartnerNotification {
  return {
    id: `${shipment.manifestId}.${shipment.shipmentNumber}.shipment.routing.${signal.id}`,
    partnerId: shipment.partnerId,
    type: 'shipment.routing',
    at: appliedAt,
    subject: shipmentSubject(shipment.manifestId, shipment.shipmentNumber),
    // The change that applies the signal makes the shipment's next version.
    sequence: shipment.version + 1,
    data: {
      manifestId: shipment.manifestId,
      shipmentNumber: shipment.shipmentNumber,
      status,
      routing: border.routing,
      ...(border.controlLocation ? { controlLocation: border.controlLocation } : {}),
      at: border.at,
      ...(shipment.mrn ? { mrn: shipment.mrn } : {}),
    },
  };
}

/** Border outcome of a shipment from its status and flags (for counts without reading the shipment). */
export type BorderOutcome = 'RELEASED' | 'TO_CONTROL' | 'ENTRY_PENDING' | 'ENTRY_DENIED';

export function borderOutcomeOf(summary: {
  status: string;
  flagCodes: readonly string[];
}): BorderOutcome | undefined {
  if (summary.flagCodes.includes('ENTRY_DENIED')) return 'ENTRY_DENIED';
  if (summary.flagCodes.includes('ENTRY_PENDING')) return 'ENTRY_PENDING';
  if (summary.flagCodes.includes('CONTROL_ORDERED')) return 'TO_CONTROL';
  if (summary.status === 'RELEASED') return 'RELEASED';
  return undefined;
}
