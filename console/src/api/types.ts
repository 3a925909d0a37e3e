/**
 * The API shapes the console reads, written out by hand: the console is a client of the public
 * contract (console/API.md, GET /v1/openapi.json) and must not import the backend's code.
 * Fields the console does not show are left out.
 */

export const SHIPMENT_STATUSES = [
  'RECEIVED',
  'REJECTED',
  'SUBMITTED',
  'ACCEPTED',
  'FAILED',
  'CANCELLED',
  'RELEASED',
] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

export const FLAG_CODES = [
  'LATE_SUBMISSION',
  'NOTIFICATION_MISSING',
  'DECLARE_IN_TVINN',
  'EXCLUDED_GOODS_SUSPECTED',
  'VOEC_NUMBER_SUSPECT',
  'CONTROL_ORDERED',
  'ENTRY_PENDING',
  'ENTRY_DENIED',
] as const;
export type FlagCode = (typeof FLAG_CODES)[number];

export type Role = 'operator' | 'partner';

/** NEW `GET /v1/me`. */
export interface Me {
  role: Role;
  partnerId?: string;
}

/** RFC 9457 problem document. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  errors?: Array<{ path: string; code: string; message: string }>;
}

/** A Digitoll error, verbatim, with where it points in our data. */
export interface DigitollError {
  message: string;
  digitollPath: string;
  path?: string;
  in?: 'shipment' | 'manifest';
}

export interface Flag {
  code: FlagCode | string;
  raisedAt: string;
  detail?: string;
  path?: string;
}

export interface RuleViolation {
  rule: string;
  path: string;
  message: string;
}

export interface Address {
  street: string;
  postcode: string;
  city: string;
  country: string;
}

export interface Party {
  name: string;
  identificationNumber?: string;
  address: Address;
}

export interface ShipmentInput {
  shipmentNumber: string;
  voecNumber: string;
  goodsDescription: string;
  grossMassKg: number;
  packages: number;
  consignor: Party;
  consignee: Party & { type: 'PRIVATE' | 'BUSINESS' };
  items: Array<{ commodityCode: string; description: string; unitValueNok: number; quantity: number }>;
}

export type TransportMode = 'ROAD' | 'AIR';

export interface Transport {
  /** Absent on today's manifests, which are all road transports. */
  mode?: TransportMode;
  vehicleRegistration?: string;
  vehicleCountry?: string;
  flightNumber?: string;
  aircraftRegistration?: string;
  borderCrossing: string;
  estimatedArrival: string;
  scheduledArrival?: string;
  digitollStatus: string;
  mrn?: string;
  digitollErrors?: DigitollError[];
  driver?: { name: string; phone: string };
  carrier?: { id: string; name: string };
}

export type StatusCounts = Partial<Record<ShipmentStatus, number>>;
export type FlagCounts = Partial<Record<FlagCode, number>>;

/** `GET /v1/manifests/{manifestId}`. */
export interface ManifestView {
  manifestId: string;
  partnerId?: string;
  reference: string;
  receivedAt: string;
  intake?: 'IN_PROGRESS' | 'COMPLETE';
  transport: Transport;
  masterReport?: { digitollStatus: string; mrn?: string; digitollErrors?: DigitollError[] };
  masterConsignment?: { waybill: { number: string; type: string }; grossMassKg?: number };
  transit?: {
    mrn: string;
    mixed: boolean;
    mixedTransit?: { reason: string; ineligibleShipmentNumbers: string[]; recordedAt: string };
  };
  shipmentCount: number;
  counts: StatusCounts;
  openFlags: FlagCounts;
}

/** NEW `GET /v1/manifests` item. */
export interface ManifestSummary {
  manifestId: string;
  partnerId?: string;
  reference: string;
  receivedAt: string;
  transport: Omit<Transport, 'digitollErrors' | 'driver' | 'carrier'>;
  /** ETA − 2 hours: Digitoll must have accepted every house by then. */
  reportingCutoff: string;
  masterConsignment?: { waybill: { number: string; type: string }; digitollStatus: string; mrn?: string };
  transit?: { mrn: string; mixed: boolean; state?: string };
  shipmentCount: number;
  counts: StatusCounts;
  openFlags: FlagCounts;
  border?: Partial<Record<'RELEASED' | 'CONTROL_ORDERED' | 'ENTRY_PENDING' | 'ENTRY_DENIED', number>>;
}

export interface Page<T> {
  items: T[];
  cursor?: string;
}

export interface ShipmentView {
  shipmentNumber: string;
  manifestId: string;
  status: ShipmentStatus;
  voecNumber: string;
  mrn?: string;
  flags: Flag[];
  rejections: RuleViolation[];
  digitollErrors?: DigitollError[];
  failureReason?: string;
  withdrawalRequestedAt?: string;
  receivedAt: string;
  updatedAt: string;
  estimatedArrival: string;
  shipment: ShipmentInput;
}

export interface TimelineEvent {
  at: string;
  type: string;
  actor: string;
  subject?: 'HOUSE' | 'MASTER' | 'TRANSPORT';
  detail?: string;
  data?: Record<string, unknown>;
}

/** `GET /v1/shipments/{n}`, and NEW `GET /v1/manifests/{m}/shipments/{n}` (with `border`). */
export interface ShipmentDetail extends ShipmentView {
  timeline: TimelineEvent[];
  otherManifestIds: string[];
  border?: { routing: string; controlLocation?: string; at: string };
}

export interface AlertRow {
  manifestId: string;
  shipmentNumber: string;
  flag: string;
  raisedAt: string;
  detail: string;
  estimatedArrival: string;
  minutesToBorder: number | null;
  partnerId?: string;
}

export interface TvinnDrafts {
  manifestId: string;
  declarations: Array<{ draftId: string; shipmentNumbers: string[]; lines: unknown[] }>;
}

export interface TransitView {
  mrn: string;
  state: string;
}

/** NEW `GET /v1/voec-statements`. */
export interface VoecStatement {
  quarter: string;
  periodStart: string;
  periodEnd: string;
  timeZone: string;
  filingDeadline: string;
  sellers: Array<{
    voecNumber: string;
    shipmentCount: number;
    itemLineCount: number;
    valueNok: number;
    shipments: Array<{ manifestId: string; shipmentNumber: string; itemLines: number; valueNok: number }>;
  }>;
}

/** NEW `GET /v1/manifests/{manifestId}/driver-list`. */
export interface DriverList {
  transport: {
    mode: TransportMode;
    vehicleRegistration?: string;
    flightNumber?: string;
    mrn?: string;
    borderCrossing: string;
    estimatedArrival: string;
  };
  shipments: Array<{
    shipmentNumber: string;
    voecNumber: string;
    itemCount: number;
    mrn?: string;
    status: ShipmentStatus;
    accepted: boolean;
  }>;
}
