/**
 * The API's codes in the words a customs desk uses: statuses, flags, Digitoll's report phases,
 * timeline events, and JSON pointers (`/items/0/commodityCode`) as the field a person would look
 * at (`item 1 › commodity code`). An unknown code is shown readable rather than hidden, so a new
 * backend value never blanks a cell.
 */
import type { ShipmentStatus } from '../api/types.ts';

export const STATUS_WORDS: Record<ShipmentStatus, string> = {
  RECEIVED: 'Received, not yet reported',
  REJECTED: 'Rejected (breaks a VOEC rule, never reported)',
  SUBMITTED: 'Reported, waiting for Digitoll',
  ACCEPTED: 'Accepted by Digitoll',
  FAILED: 'Not accepted by Digitoll',
  CANCELLED: 'Withdrawn',
  RELEASED: 'Released at the border',
};

export const FLAG_WORDS: Record<string, string> = {
  LATE_SUBMISSION: 'Submitted less than 2 hours before the border',
  NOTIFICATION_MISSING: 'Not accepted 2 hours before the border',
  DECLARE_IN_TVINN: 'Declare in TVINN (border ETA passed without acceptance)',
  EXCLUDED_GOODS_SUSPECTED: 'Goods may be excluded from VOEC',
  VOEC_NUMBER_SUSPECT: 'VOEC number fails its check digit',
  CONTROL_ORDERED: 'Customs ordered a control',
  ENTRY_PENDING: 'Entry pending at the border',
  ENTRY_DENIED: 'Entry denied at the border',
};

/** Short labels for chips and filters. */
export const FLAG_SHORT: Record<string, string> = {
  LATE_SUBMISSION: 'Late submission',
  NOTIFICATION_MISSING: 'Not accepted at cut-off',
  DECLARE_IN_TVINN: 'Declare in TVINN',
  EXCLUDED_GOODS_SUSPECTED: 'Excluded goods?',
  VOEC_NUMBER_SUSPECT: 'VOEC number suspect',
  CONTROL_ORDERED: 'Control ordered',
  ENTRY_PENDING: 'Entry pending',
  ENTRY_DENIED: 'Entry denied',
};

export const STATUS_SHORT: Record<ShipmentStatus, string> = {
  RECEIVED: 'Received',
  REJECTED: 'Rejected',
  SUBMITTED: 'Submitted',
  ACCEPTED: 'Accepted',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled',
  RELEASED: 'Released',
};

/** A transport's or master's report at Digitoll (`digitollStatus`). */
export const REPORT_PHASE_WORDS: Record<string, string> = {
  PENDING: 'Not yet reported',
  IN_FLIGHT: 'Being reported',
  UNCERTAIN: 'Outcome unknown, being checked',
  SUBMITTED: 'Reported, waiting for Digitoll',
  ACCEPTED: 'Accepted by Digitoll',
  FAILED: 'Not accepted by Digitoll',
};

export const TRANSIT_STATE_WORDS: Record<string, string> = {
  OPEN: 'Open',
  CLOSED_BY_DIGITOLL: 'Closed through Digitoll',
  ARRIVAL_NOTIFICATION_PREPARED: 'Arrival notification prepared (lodge it in NCTS)',
  MANUAL_HANDLING: 'Needs manual handling at the border',
};

const SUBJECT_WORDS: Record<string, string> = {
  HOUSE: 'shipment',
  MASTER: 'master consignment',
  TRANSPORT: 'transport',
};

/** Known border offices; others are shown by their code. */
const OFFICES: Record<string, string> = { NO371001: 'Svinesund', NO351001: 'Gardermoen' };

export function office(code: string): string {
  const name = OFFICES[code];
  return name ? `${name} (${code})` : code;
}

/** `REPORT_ACCEPTED` → `Report accepted`. */
export function humanize(code: string): string {
  const words = code
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function statusWords(status: string): string {
  return STATUS_WORDS[status as ShipmentStatus] ?? humanize(status);
}

export function flagWords(code: string): string {
  return FLAG_WORDS[code] ?? humanize(code);
}

export function reportPhaseWords(phase: string): string {
  return REPORT_PHASE_WORDS[phase] ?? humanize(phase);
}

export function transitStateWords(state: string): string {
  return TRANSIT_STATE_WORDS[state] ?? humanize(state);
}

/** A timeline event's headline: `Transport: report accepted`. */
export function eventWords(event: { type: string; subject?: string }): string {
  const what = humanize(event.type);
  const subject = event.subject ? SUBJECT_WORDS[event.subject] : undefined;
  return subject ? `${subject.charAt(0).toUpperCase()}${subject.slice(1)}: ${what.toLowerCase()}` : what;
}

const FIELD_WORDS: Record<string, string> = {
  items: 'item',
  commodityCode: 'commodity code',
  unitValueNok: 'value per piece (NOK)',
  voecNumber: 'VOEC number',
  shipmentNumber: 'shipment number',
  goodsDescription: 'goods description',
  grossMassKg: 'gross mass (kg)',
  estimatedArrival: 'ETA',
  borderCrossing: 'border crossing',
  vehicleRegistration: 'vehicle registration',
  vehicleCountry: 'vehicle country',
  masterConsignment: 'master consignment',
  waybill: 'waybill',
  mrn: 'MRN',
  postcode: 'postcode',
};

/**
 * A JSON pointer into the shipment or the manifest, as the field it names:
 * `/items/0/commodityCode` → `item 1 › commodity code`; `/consignee/address/postcode` →
 * `consignee › address › postcode`. Array indexes count from 1, as people do.
 */
export function pointerWords(pointer: string): string {
  if (!pointer || pointer === '/') return 'the whole document';
  const segments = pointer
    .replace(/^\//, '')
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
  const words: string[] = [];
  for (const segment of segments) {
    if (/^\d+$/.test(segment) && words.length > 0) {
      words[words.length - 1] = `${words[words.length - 1]} ${Number(segment) + 1}`;
    } else {
      words.push(FIELD_WORDS[segment] ?? humanize(segment).toLowerCase());
    }
  }
  return words.join(' › ');
}

/** Where a Digitoll error points, in words: ours when we could map it, else Digitoll's own path. */
export function digitollErrorField(error: { path?: string; in?: string; digitollPath: string }): string {
  if (error.path) {
    const where = error.in === 'manifest' ? 'manifest' : 'shipment';
    return `${where} › ${pointerWords(error.path)}`;
  }
  return error.digitollPath ? `Digitoll field ${error.digitollPath}` : 'no field given';
}

/** Whole kroner, Norwegian grouping with a thin space: `12 345 kr`. */
export function kroner(value: number): string {
  return `${new Intl.NumberFormat('nb-NO', { maximumFractionDigits: 0 }).format(value)} kr`;
}

export function nok(value: number): string {
  return new Intl.NumberFormat('nb-NO', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
}

/**
 * Digitoll's documented refusal texts (road v2 §7), in the desk's words. Digitoll has no error
 * codes, only these texts, so they are matched as written; anything else is shown verbatim.
 */
const DIGITOLL_TEXTS: Array<[RegExp, string]> = [
  [/^Unknown vatIdentificationNumber$/, 'Digitoll does not know this VOEC number'],
  [
    /^When item value exceeds NOK 3000/,
    'An item is worth NOK 3,000 or more: it needs a regular import declaration, not VOEC',
  ],
  [/^estimatedDateAndTimeOfArrival has already passed$/, 'The ETA had already passed when it was reported'],
  [/cannot be more than one year into the future$/, 'The date is more than a year ahead'],
  [
    /^Could not find identificationNumber in Norwegian Public Roads/,
    'The vehicle is not in the Norwegian vehicle register',
  ],
  [/^Must be a valid customs office$/, 'Not a valid Norwegian customs office'],
  [/^Country is invalid$/, 'Not a valid country code'],
  [/^Invalid code\. Expected codes are one of/, 'Not one of the codes Digitoll accepts here'],
  [/^must not be (null|blank)$/, 'Missing: Digitoll needs a value here'],
  [/^size must be between (\d+) and (\d+)$/, 'Too short or too long for Digitoll'],
  [/^numeric value out of bounds/, 'The number has too many digits for Digitoll'],
  [
    /^Customs declaration is (not valid|in wrong state)$/,
    'The customs declaration it refers to cannot be used',
  ],
];

export function digitollMessageWords(message: string): string | undefined {
  return DIGITOLL_TEXTS.find(([pattern]) => pattern.test(message))?.[1];
}
