/**
 * A board row from `GET /v1/manifests/{manifestId}`, for the API without `GET /v1/manifests`:
 * until that list exists, the board shows the manifests opened in this session, read one by one.
 * The fields are the list's (console/API.md); the cut-off is the contract's ETA − 2 hours.
 */
import type { ManifestSummary, ManifestView } from '../api/types.ts';
import { reportingCutoff } from './time.ts';

export function summaryFromView(view: ManifestView): ManifestSummary {
  const { digitollErrors: _errors, driver: _driver, carrier: _carrier, ...transport } = view.transport;
  return {
    manifestId: view.manifestId,
    ...(view.partnerId ? { partnerId: view.partnerId } : {}),
    reference: view.reference,
    receivedAt: view.receivedAt,
    transport,
    reportingCutoff: reportingCutoff(view.transport.estimatedArrival),
    ...(view.masterConsignment
      ? {
          masterConsignment: {
            waybill: view.masterConsignment.waybill,
            digitollStatus: view.masterReport?.digitollStatus ?? 'PENDING',
            ...(view.masterReport?.mrn ? { mrn: view.masterReport.mrn } : {}),
          },
        }
      : {}),
    ...(view.transit ? { transit: { mrn: view.transit.mrn, mixed: view.transit.mixed } } : {}),
    shipmentCount: view.shipmentCount,
    counts: view.counts,
    openFlags: view.openFlags,
  };
}

/** Road transports show their plate, flights their flight number. */
export function vehicleLabel(transport: {
  mode?: string;
  vehicleRegistration?: string;
  vehicleCountry?: string;
  flightNumber?: string;
}): string {
  if (transport.mode === 'AIR' || (transport.flightNumber && !transport.vehicleRegistration)) {
    return `Flight ${transport.flightNumber ?? '?'}`;
  }
  const country = transport.vehicleCountry ? ` (${transport.vehicleCountry})` : '';
  return `${transport.vehicleRegistration ?? '?'}${country}`;
}

export function modeOf(transport: { mode?: string; flightNumber?: string }): 'ROAD' | 'AIR' {
  return transport.mode === 'AIR' || (!transport.mode && transport.flightNumber) ? 'AIR' : 'ROAD';
}
