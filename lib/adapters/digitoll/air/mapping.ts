/**
 * Our records → Digitoll air API messages (movement-air-api v1), beside the road v2 mapping and
 * chosen by the transport's mode in `../reporting.ts`. The air messages have the road shapes
 * (`lib/digitoll/air-schemas.ts` says why, [INF]); what differs is the transport (a flight) and the
 * house waybill type. Masters and houses are built by the road mapping's functions with the air
 * values, so one field has one mapping.
 *
 * Transport, field by field ([DOC] = stated by Tolletaten's pages, [INF] = our reading):
 * - `identificationNumber` = the aircraft registration, `typeOfIdentification` `41` (CL750 "Registration
 *   Number of the Aircraft") [DOC code; INF that air requires it];
 * - `typeOfMeansOfTransport` `4000` (CL751 "Aircraft, type unknown") [DOC code; INF choice: the manifest
 *   does not know the aircraft type];
 * - `countryCode` = the airline's country [INF: the nationality of the aircraft is not in the manifest];
 * - `modeOfTransportCode` `4` (CL018 Air Transport) [DOC];
 * - `conveyanceReferenceNumber` = the flight number [DOC kobling: "(only for flights)"];
 * - no `operator` (road: the driver) [INF];
 * - `scheduledDateAndTimeOfArrival` = the flight's scheduled arrival, which identifies it and never
 *   changes [DOC kobling: immutable on PUT; INF that it is the in-block time];
 * - `customsOfficeOfFirstEntry` = the airport office (CL141) [DOC code list; INF airport subset].
 * Houses: VOEC variant 7 [DOC prosedyre-mo-fly], house waybill `N740` (air waybill) [DOC mo-kodeverk],
 * master `N741` (master air waybill) [DOC mo-kodeverk]; a transit is refused at our contract.
 */
import type { AirTransportRequest } from '../../../digitoll/air-schemas.ts';
import {
  AIR_WAYBILL_TYPE,
  MODE_OF_TRANSPORT_AIR,
  TYPE_OF_IDENTIFICATION_AIRCRAFT,
} from '../../../digitoll/codes.ts';
import type { MessageKind } from '../../../digitoll/schemas.ts';
import type { ManifestRecord } from '../../../domain/records.ts';
import {
  carrierParty,
  content,
  deleteBody,
  digitollInstant,
  houseContent,
  locateDigitollPath,
  manifestAt,
  masterContent,
  masterLink,
  type Rule,
} from '../road-v2/mapping.ts';
import type { LocatedPath, ReportContent, WireMapping } from '../wire-mapping.ts';

/** CL751 4000: aircraft, type unknown [DOC code, INF choice]. */
export const AIRCRAFT_TYPE_UNKNOWN = '4000';

export function airTransportContent(
  manifest: ManifestRecord,
  issuedAt: Date,
): ReportContent<AirTransportRequest> {
  const { transport } = manifest;
  if (transport.mode !== 'AIR') throw new Error(`Manifest ${manifest.manifestId} is not an air transport`);
  const master = manifest.masterConsignment;
  const body: AirTransportRequest = {
    documentIssueDate: digitollInstant(issuedAt),
    activeBorderTransportMeans: {
      identificationNumber: transport.aircraftRegistration,
      typeOfIdentification: TYPE_OF_IDENTIFICATION_AIRCRAFT,
      typeOfMeansOfTransport: AIRCRAFT_TYPE_UNKNOWN,
      conveyanceReferenceNumber: transport.flightNumber,
      countryCode: transport.carrier.address.country,
      modeOfTransportCode: MODE_OF_TRANSPORT_AIR,
    },
    carrier: carrierParty(transport.carrier),
    customsOfficeOfFirstEntry: { referenceNumber: transport.borderCrossing },
    estimatedDateAndTimeOfArrival: digitollInstant(transport.estimatedArrival),
    scheduledDateAndTimeOfArrival: digitollInstant(transport.scheduledArrival),
    ...masterLink(master),
  };
  return { ...content('transport', body), scheduledArrival: body.scheduledDateAndTimeOfArrival };
}

const AIR_TRANSPORT_RULES: Rule[] = [
  [/^activeBorderTransportMeans\.conveyanceReferenceNumber$/, () => manifestAt('/transport/flightNumber')],
  [/^activeBorderTransportMeans\.countryCode$/, () => manifestAt('/transport/carrier/address/country')],
  [/^activeBorderTransportMeans\b.*$/, () => manifestAt('/transport/aircraftRegistration')],
  [/^scheduledDateAndTimeOfArrival$/, () => manifestAt('/transport/scheduledArrival')],
  [/^estimatedDateAndTimeOfArrival$/, () => manifestAt('/transport/estimatedArrival')],
];

/** Air paths: the transport's own fields, else the road mapping's (masters, houses, carrier, office). */
export function locateAirPath(kind: MessageKind, digitollPath: string): LocatedPath | undefined {
  if (kind === 'transport') {
    const relative = digitollPath.startsWith('transport.')
      ? digitollPath.slice('transport.'.length)
      : digitollPath;
    for (const [pattern, locate] of AIR_TRANSPORT_RULES) {
      const match = pattern.exec(relative);
      if (match) return locate(match);
    }
  }
  return locateDigitollPath(kind, digitollPath);
}

/** The air API mapping, as the reporting adapter uses it. */
export const AIR_MAPPING: WireMapping = {
  content(message, issuedAt) {
    switch (message.kind) {
      case 'TRANSPORT':
        return airTransportContent(message.manifest, issuedAt);
      case 'MASTER':
        return masterContent(message.manifest, issuedAt);
      case 'HOUSE':
        if (message.manifest.transit) {
          throw new Error(`Manifest ${message.manifest.manifestId}: VOEC by air carries no transit`);
        }
        return houseContent(message.manifest, message.shipment, issuedAt, AIR_WAYBILL_TYPE);
    }
  },
  deleteBody,
  locate: locateAirPath,
};
