/**
 * Digitoll routing API (movement-routing-api v1): the control signals Customs publishes per house consignment
 * once the transport has arrived (`shared/reference/digitoll-road-v2.md` §9.2, `tolletaten/vei-fly-EN.txt`).
 *
 * [DOC] `GET /api/movement/routing/v1/house-consignment?marker=<id>`, scope `toll:movement/entry`
 * (`toll:eu/movement/entry` for foreign orgs); the first call has no marker; each call returns up to 1,000
 * signals the calling organisation may see; the next call passes the `routingResult.id` of the last item
 * received; an empty list means there is nothing newer. The latest signal for a house wins.
 *
 * [INF] The JSON is not in Tolletaten's pages: a bare array of items, each naming the house by
 * `referenceNumber` (its waybill number) and `type` (CL754), optionally `entrySummaryDeclarationMRN` (ICS2)
 * and `receptacleId` (postal), with a `routingResult` object `{id, routing, routingControlLocation?,
 * timestamp}`. The field names are §9.2's; their nesting and `timestamp` are our guess. The schema is lenient
 * (`looseObject`, codes as strings) so a new routing code or an extra field does not break the poller:
 * compare `routing` with `RoutingCodeSchema` / `ROUTING_CODES`.
 */
import { z } from 'zod';
import { ROUTING_CODES, ROUTING_CONTROL_LOCATIONS } from './codes.ts';

export const ROUTING_PATH = '/api/movement/routing/v1/house-consignment';
/** Signals per answer at most [DOC]. */
export const ROUTING_MAX_PAGE_SIZE = 1000;

/** The routing decision. `timestamp`: when Customs published it, `yyyy-MM-ddTHH:mm:ssZ` [INF]. */
export const RoutingResult = z.looseObject({
  id: z.string().min(1),
  routing: z.string(),
  routingControlLocation: z.string().optional(),
  timestamp: z.string().optional(),
});
export type RoutingResult = z.infer<typeof RoutingResult>;

/** One routing signal for one house consignment. */
export const RoutingSignal = z.looseObject({
  referenceNumber: z.string(),
  type: z.string(),
  entrySummaryDeclarationMRN: z.string().optional(),
  receptacleId: z.string().optional(),
  routingResult: RoutingResult,
});
export type RoutingSignal = z.infer<typeof RoutingSignal>;

/** The body of a routing GET: the signals after the marker, oldest first (empty: caught up). */
export const RoutingPage = z.array(RoutingSignal);
export type RoutingPage = z.infer<typeof RoutingPage>;

export const RoutingCodeSchema = z.enum(ROUTING_CODES);
export const RoutingControlLocationSchema = z.enum(ROUTING_CONTROL_LOCATIONS);

/** The path and query of a routing call: no marker on the very first call [DOC]. */
export const routingRequestPath = (marker?: string): string =>
  marker === undefined ? ROUTING_PATH : `${ROUTING_PATH}?marker=${encodeURIComponent(marker)}`;

/** The marker for the next call: the last item's `routingResult.id`, or undefined when the page is empty. */
export const nextRoutingMarker = (page: RoutingPage): string | undefined => page.at(-1)?.routingResult.id;
