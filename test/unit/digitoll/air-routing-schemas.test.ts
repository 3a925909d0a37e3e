/**
 * The shared air and routing schemas a client validates with (`lib/digitoll/air-schemas.ts`,
 * `routing-schemas.ts`): the air rules as zod issues with the simulator's texts, IATA flight numbers, and the
 * routing item and paging helpers. Expected values are written out by hand.
 */
import { describe, expect, it } from 'vitest';
import {
  AIR_LOOKUP_PATHS,
  AirHouseConsignmentRequest,
  AirTransportRequest,
  isIataFlightNumber,
} from '../../../lib/digitoll/air-schemas.ts';
import { nextRoutingMarker, RoutingPage, routingRequestPath } from '../../../lib/digitoll/routing-schemas.ts';
import { exampleAirHouse, exampleAirTransport } from '../../../local/digitoll-simulator/index.ts';

const issues = (result: {
  success: boolean;
  error?: { issues: Array<{ path: PropertyKey[]; message: string }> };
}) => (result.error?.issues ?? []).map((issue) => [issue.path.join('.'), issue.message]);

describe('AirTransportRequest', () => {
  it('accepts the air example and refuses a road office, a truck and a missing flight number', () => {
    const flight = exampleAirTransport();
    expect(AirTransportRequest.safeParse(flight).success).toBe(true);
    expect(
      issues(
        AirTransportRequest.safeParse({
          ...flight,
          customsOfficeOfFirstEntry: { referenceNumber: 'NO372001' },
        }),
      ),
    ).toEqual([['customsOfficeOfFirstEntry.referenceNumber', 'Must be a valid customs office']]);
    const means = flight.activeBorderTransportMeans;
    const truck = { ...flight, activeBorderTransportMeans: { ...means, modeOfTransportCode: '3' } };
    expect(issues(AirTransportRequest.safeParse(truck))).toEqual([
      ['activeBorderTransportMeans.modeOfTransportCode', 'Invalid code. Expected codes are one of [4]'],
    ]);
    const { conveyanceReferenceNumber: _flightNumber, ...withoutFlight } = means;
    expect(
      issues(AirTransportRequest.safeParse({ ...flight, activeBorderTransportMeans: withoutFlight })),
    ).toEqual([
      [
        'activeBorderTransportMeans.conveyanceReferenceNumber',
        'transport.activeBorderTransportMeans.modeOfTransportCode is 4, then this field should be provided',
      ],
    ]);
  });

  it('IATA flight numbers', () => {
    for (const ok of ['SK4321', 'EX0836', 'DY1', 'U21234A', '3U8817', 'W61234'])
      expect(isIataFlightNumber(ok), ok).toBe(true);
    for (const bad of [
      'SK 4321',
      'SK12345',
      '12345',
      'sk4321',
      'SAS1234',
      'SK',
      '157-12345675',
      'SK4321AB',
    ]) {
      expect(isIataFlightNumber(bad), bad).toBe(false);
    }
  });
});

describe('AirHouseConsignmentRequest', () => {
  it('VOEC by air is variant 7', () => {
    const house = exampleAirHouse();
    expect(AirHouseConsignmentRequest.safeParse(house).success).toBe(true);
    const level = house.consignmentHouseLevel;
    const transit = {
      ...house,
      consignmentHouseLevel: {
        ...level,
        importProcedure: { importProcedure: 'IMMEDIATE_RELEASE_VOEC' },
        previousDocuments: [{ typeOfReference: 'N820', referenceNumber: '24SE000000000000T1' }],
      },
    };
    expect(issues(AirHouseConsignmentRequest.safeParse(transit))).toEqual([
      [
        'consignmentHouseLevel.importProcedure.hasOutgoingProcedure',
        'Field should have value false when consignmentHouseLevel.importProcedure is IMMEDIATE_RELEASE_VOEC',
      ],
      [
        'consignmentHouseLevel.previousDocuments',
        'Field cannot be filled out when consignmentHouseLevel.importProcedure is IMMEDIATE_RELEASE_VOEC',
      ],
    ]);
  });

  it('lookup paths of the air query API', () => {
    expect(AIR_LOOKUP_PATHS['house-consignment']).toBe(
      '/api/movement/air/status/v1/house-consignment/transport-document/status',
    );
  });
});

describe('routing schemas', () => {
  it('parses items leniently and gives the next marker', () => {
    const page = RoutingPage.parse([
      {
        referenceNumber: 'HC001',
        type: 'N740',
        routingResult: { id: 'a1', routing: 'TO_ENTRY', timestamp: '2026-03-02T06:25:00Z' },
      },
      {
        referenceNumber: 'HC002',
        type: 'N740',
        entrySummaryDeclarationMRN: '23NO00000000000003',
        routingResult: {
          id: 'a2',
          routing: 'DOCUMENT_CONTROL',
          routingControlLocation: 'ON_ENTRY',
          extra: 1,
        },
      },
    ]);
    expect(nextRoutingMarker(page)).toBe('a2');
    expect(nextRoutingMarker([])).toBeUndefined();
    expect(RoutingPage.safeParse([{ referenceNumber: 'HC003', type: 'N740' }]).success).toBe(false);
    expect(routingRequestPath()).toBe('/api/movement/routing/v1/house-consignment');
    expect(routingRequestPath('a b')).toBe('/api/movement/routing/v1/house-consignment?marker=a%20b');
  });
});
