/**
 * Closing the NCTS transit a VOEC transport travels under (voec-rules.md, "NCTS transit closure"):
 * - every VOEC shipment reported through Digitoll (TRA + N820) and accepted: the transit is closed
 *   automatically by the Digitoll border crossing; no arrival notification is needed;
 * - otherwise an arrival notification (IE007 / CC007C, NCTS phase 5) is prepared with the
 *   alternative reference: "VOEC" + tracking number for one VOEC shipment, just "VOEC" for several;
 * - a transit carrying non-VOEC goods cannot be closed partly: never as VOEC, flagged for manual
 *   handling with the reason.
 */

import { z } from 'zod';
import type { ManifestRecord, ShipmentRecord } from './records.ts';
import { isAcceptedByDigitoll } from './shipment.ts';

export const TransitState = z.enum([
  'OPEN',
  'CLOSED_BY_DIGITOLL',
  'ARRIVAL_NOTIFICATION_PREPARED',
  'MANUAL_HANDLING',
]);
export type TransitState = z.infer<typeof TransitState>;

/**
 * CC007C data. Element names follow the NCTS phase 5 message (TransitOperation, CustomsOffice
 * OfDestinationActual, TraderAtDestination, Consignment.LocationOfGoods). [INF] Where the
 * alternative reference goes in CC007C is not in our sources; it is carried as its own field.
 */
export const ArrivalNotification = z.object({
  messageType: z.literal('CC007C'),
  TransitOperation: z.object({
    MRN: z.string(),
    arrivalNotificationDateAndTime: z.string(),
    simplifiedProcedure: z.enum(['0', '1']),
    incidentFlag: z.enum(['0', '1']),
  }),
  CustomsOfficeOfDestinationActual: z.object({ referenceNumber: z.string() }),
  TraderAtDestination: z.object({
    identificationNumber: z.string(),
    name: z.string(),
    address: z.object({
      streetAndNumber: z.string(),
      postcode: z.string(),
      city: z.string(),
      country: z.string(),
    }),
  }),
  Consignment: z.object({
    LocationOfGoods: z.object({
      /** A: designated location (the border customs office). */
      typeOfLocation: z.string(),
      /** V: identified by customs office. */
      qualifierOfIdentification: z.string(),
      CustomsOffice: z.object({ referenceNumber: z.string() }),
    }),
  }),
  alternativeReference: z.string(),
  /** The arrival time is the transport's ETA; confirm the actual time before lodging. */
  arrivalTimeIsEstimated: z.literal(true),
});
export type ArrivalNotification = z.infer<typeof ArrivalNotification>;

/** What we know of an NCTS transit: its closure state, decided by the border sweep, with history. */
export const TransitRecord = z.object({
  partnerId: z.string(),
  mrn: z.string(),
  /** The manifests whose goods travel under this transit (usually one). */
  manifestIds: z.array(z.string()),
  state: TransitState,
  reason: z.string(),
  arrivalNotification: ArrivalNotification.optional(),
  handedOver: z.object({ at: z.string(), gateway: z.string(), reference: z.string() }).optional(),
  history: z.array(z.object({ at: z.string(), state: TransitState, detail: z.string() })),
  decidedAt: z.string(),
  version: z.number().int(),
});
export type TransitRecord = z.infer<typeof TransitRecord>;

export interface TransitDecision {
  state: TransitState;
  reason: string;
  arrivalNotification?: ArrivalNotification;
}

export function decideTransitClosure(
  manifest: ManifestRecord,
  shipments: readonly ShipmentRecord[],
): TransitDecision {
  if (!manifest.transit) throw new Error(`Manifest ${manifest.manifestId} names no transit`);
  if (manifest.mixedTransit) {
    return {
      state: 'MANUAL_HANDLING',
      reason: `Mixed transit: ${manifest.mixedTransit.reason} A transit cannot be partly closed, so it is not closed as VOEC; close it with the goods/dispatch number as for ordinary goods.`,
    };
  }
  const voec = shipments.filter((s) => s.status !== 'REJECTED' && s.status !== 'CANCELLED');
  const unaccepted = voec.filter((s) => !isAcceptedByDigitoll(s.status));
  if (voec.length > 0 && unaccepted.length === 0) {
    return {
      state: 'CLOSED_BY_DIGITOLL',
      reason: `All ${voec.length} VOEC shipment(s) were accepted by Digitoll with outgoing procedure TRA and the transit MRN; the Digitoll border crossing closes the transit in NCTS. No arrival notification is needed.`,
    };
  }
  const [only] = voec;
  const alternativeReference = voec.length === 1 && only ? `VOEC${only.shipmentNumber}` : 'VOEC';
  const { transport } = manifest;
  return {
    state: 'ARRIVAL_NOTIFICATION_PREPARED',
    reason: `${unaccepted.length} of ${voec.length} VOEC shipment(s) were not accepted through Digitoll, so the transit is not closed automatically; an arrival notification (IE007) with the alternative reference "${alternativeReference}" is prepared.`,
    arrivalNotification: {
      messageType: 'CC007C',
      TransitOperation: {
        MRN: manifest.transit.mrn,
        arrivalNotificationDateAndTime: transport.estimatedArrival,
        simplifiedProcedure: '0',
        incidentFlag: '0',
      },
      CustomsOfficeOfDestinationActual: { referenceNumber: transport.borderCrossing },
      TraderAtDestination: {
        identificationNumber: transport.carrier.id,
        name: transport.carrier.name,
        address: {
          streetAndNumber: transport.carrier.address.street,
          postcode: transport.carrier.address.postcode,
          city: transport.carrier.address.city,
          country: transport.carrier.address.country,
        },
      },
      Consignment: {
        LocationOfGoods: {
          typeOfLocation: 'A',
          qualifierOfIdentification: 'V',
          CustomsOffice: { referenceNumber: transport.borderCrossing },
        },
      },
      alternativeReference,
      arrivalTimeIsEstimated: true,
    },
  };
}
