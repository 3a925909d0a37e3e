/**
 * Arrivals and routing signals (`digitoll-road-v2.md` §9.1–9.2, `tolletaten/vei-fly-EN.txt`).
 *
 * [DOC] Customs registers a transport's arrival itself (ANPR camera 1 by road, Avinor by air), presents its
 * consignments and publishes a routing signal per house consignment; nothing is routed before arrival; a
 * later signal for a house overrides the earlier one; the caller pulls the signals its organisation may see
 * with a marker. Here `POST /__sim/arrivals` stands in for the camera / Avinor, and `POST /__sim/routing`
 * for Customs' decision about one waybill (TO_ENTRY unless a test asked for something else).
 *
 * Visibility [DOC vei-fly]: whoever submitted the transport, or is named in it as customs representative,
 * sees every house on it (through its masters); the submitter or representative of a master sees the houses
 * under it; the submitter or representative of a house sees that house. "Who" is the organisation number in
 * the Maskinporten token [DOC]. Matching a representative's `identificationNumber` to an organisation
 * number (`NO` + 9 digits, optionally `MVA`, or the bare 9 digits) is [INF]. Who may see a signal is fixed
 * when it is published [INF].
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ROUTING_CODES, ROUTING_CONTROL_LOCATIONS } from '../../lib/digitoll/codes.ts';
import type { RoutingSignal } from '../../lib/digitoll/routing-schemas.ts';
import { type LinkedHouse, type MovementApi, type StoredMessage, toInstant } from './engine.ts';

/** `POST /__sim/arrivals` body. */
export const ArrivalKnob = z.strictObject({ transportMrn: z.string().trim().min(1) });
export type ArrivalKnob = z.infer<typeof ArrivalKnob>;

/** Control locations make sense for a control, and for goods held pending documents; not for released or seized. */
const WITH_LOCATION: readonly string[] = ['TO_CONTROL', 'ENTRY_PENDING'];

/**
 * `POST /__sim/routing` body: Customs' decision for the house(s) with this waybill number, by road or air.
 * A control without a location is handled at the border crossing, the normal case (vei-fly) [INF].
 */
export const RoutingKnob = z
  .strictObject({
    waybill: z.string().trim().min(1),
    routing: z.enum(ROUTING_CODES),
    controlLocation: z.enum(ROUTING_CONTROL_LOCATIONS).optional(),
  })
  .transform((knob) => ({
    ...knob,
    controlLocation: knob.controlLocation ?? (knob.routing === 'TO_CONTROL' ? 'ON_ENTRY' : undefined),
  }))
  .refine((knob) => knob.controlLocation === undefined || WITH_LOCATION.includes(knob.routing), {
    message: `controlLocation is only for routing ${WITH_LOCATION.join(' or ')}`,
    path: ['controlLocation'],
  });
export type RoutingKnob = z.output<typeof RoutingKnob>;

/** A zod failure as one readable line (`routing: Invalid option: expected one of ...`). */
export const describeIssues = (error: z.ZodError): string =>
  error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; ');

export interface Arrival {
  api: MovementApi;
  transportMrn: string;
  /** `clock()` ISO. */
  arrivedAt: string;
}

/** A published signal: the wire item and what the simulator knows about it. */
export interface PublishedSignal {
  item: RoutingSignal;
  api: MovementApi;
  transportMrn: string;
  houseMrn: string;
  /** Organisation numbers that may read it. */
  audience: string[];
}

/** A house to route: the caller resolves the arrived transport's houses and who may see each. */
export interface RoutedHouse {
  api: MovementApi;
  transportMrn: string;
  house: LinkedHouse['house'];
  audience: string[];
}

export type RoutingPageResult = { ok: true; items: RoutingSignal[] } | { ok: false };

/** An organisation named as customs representative on a message, as the organisation number it stands for [INF]. */
function representativeOrg(message: StoredMessage): string | undefined {
  const id = message.body.representative?.identificationNumber.trim().toUpperCase();
  if (id === undefined) return undefined;
  return /^(?:NO)?(\d{9})(?:MVA)?$/.exec(id)?.[1] ?? id;
}

/** Who may read the routing of a house carried by `transport`, linked through `master` (§9.2 visibility). */
export function audienceOf(transport: StoredMessage, { house, master }: LinkedHouse): string[] {
  const orgs = new Set<string>();
  for (const message of [transport, master, house]) {
    if (!message) continue;
    orgs.add(message.orgNo);
    const representative = representativeOrg(message);
    if (representative !== undefined) orgs.add(representative);
  }
  return [...orgs];
}

export class RoutingBoard {
  private readonly arrivals = new Map<string, Arrival>();
  /** Decisions asked for per waybill number: what is published instead of TO_ENTRY. */
  private readonly decisions = new Map<string, RoutingKnob>();
  private signals: PublishedSignal[] = [];
  private readonly positionById = new Map<string, number>();

  constructor(
    private readonly options: {
      clock: () => Date;
      /** The houses an arrived transport carries now, with their audience. */
      housesOf: (arrival: Arrival) => RoutedHouse[];
    },
  ) {}

  reset(): void {
    this.arrivals.clear();
    this.decisions.clear();
    this.signals = [];
    this.positionById.clear();
  }

  private arrivalKey = (api: MovementApi, mrn: string) => `${api}:${mrn}`;

  /** Registers an arrival and publishes a signal for every house on the transport. A repeat publishes nothing. */
  arrive(api: MovementApi, transportMrn: string, arrivedAt: string): PublishedSignal[] {
    const key = this.arrivalKey(api, transportMrn);
    if (this.arrivals.has(key)) return [];
    const arrival = { api, transportMrn, arrivedAt };
    this.arrivals.set(key, arrival);
    return this.publish(this.options.housesOf(arrival), () => true);
  }

  /**
   * Records the decision for a waybill. Houses with it on transports that have arrived get a new signal now
   * (the latest signal wins); for the others it is what their arrival will publish.
   */
  decide(knob: RoutingKnob): PublishedSignal[] {
    this.decisions.set(knob.waybill, { ...knob });
    const houses = [...this.arrivals.values()].flatMap((arrival) => this.options.housesOf(arrival));
    return this.publish(houses, (documentNumber) => documentNumber === knob.waybill);
  }

  private publish(houses: RoutedHouse[], wanted: (documentNumber: string) => boolean): PublishedSignal[] {
    const published: PublishedSignal[] = [];
    const seen = new Set<string>();
    for (const routed of houses) {
      const level = routed.house.body.consignmentHouseLevel;
      const doc = level.transportDocumentHouseLevel;
      // One signal per house message, even if two arrived transports list it.
      if (!wanted(doc.documentNumber) || seen.has(routed.house.mrn)) continue;
      seen.add(routed.house.mrn);
      const decision: Pick<RoutingKnob, 'routing' | 'controlLocation'> = this.decisions.get(
        doc.documentNumber,
      ) ?? { routing: 'TO_ENTRY', controlLocation: undefined };
      const item: RoutingSignal = {
        referenceNumber: doc.documentNumber,
        type: doc.type,
        ...(level.receptacleIdentificationNumber
          ? { receptacleId: level.receptacleIdentificationNumber }
          : {}),
        routingResult: {
          id: randomUUID(),
          routing: decision.routing,
          ...(decision.controlLocation ? { routingControlLocation: decision.controlLocation } : {}),
          timestamp: toInstant(this.options.clock()),
        },
      };
      const signal: PublishedSignal = {
        item,
        api: routed.api,
        transportMrn: routed.transportMrn,
        houseMrn: routed.house.mrn,
        audience: routed.audience,
      };
      this.positionById.set(item.routingResult.id, this.signals.length);
      this.signals.push(signal);
      published.push(signal);
    }
    return published;
  }

  /**
   * The routing API: up to `size` signals visible to `orgNo` published after `marker` (from the beginning
   * without one), oldest first. A marker that is no id of a signal this organisation may see is refused [INF].
   */
  page(orgNo: string, marker: string | undefined, size: number): RoutingPageResult {
    let from = 0;
    if (marker !== undefined) {
      const position = this.positionById.get(marker);
      if (position === undefined || !this.signals[position]?.audience.includes(orgNo)) return { ok: false };
      from = position + 1;
    }
    const items: RoutingSignal[] = [];
    for (let i = from; i < this.signals.length && items.length < size; i++) {
      const signal = this.signals[i];
      if (signal?.audience.includes(orgNo)) items.push(structuredClone(signal.item));
    }
    return { ok: true, items };
  }

  snapshot(): { arrivals: Arrival[]; decisions: RoutingKnob[]; signals: PublishedSignal[] } {
    return structuredClone({
      arrivals: [...this.arrivals.values()],
      decisions: [...this.decisions.values()],
      signals: this.signals,
    });
  }
}
