/**
 * The partner contract: the manifest a partner POSTs, as zod schemas.
 * These schemas are the single source of truth for validation, the TypeScript types
 * and the served OpenAPI document. String lengths follow Digitoll road v2
 * (`shared/reference/digitoll-road-v2.md` §3–4) so a manifest we accept is never
 * refused by Customs for a length we could have checked.
 */
import { z } from 'zod';
import { CL141_AIRPORT_CUSTOMS_OFFICES } from '../digitoll/codes.ts';

/** Limits partners build against; documented in the README and the OpenAPI description. */
export const LIMITS = {
  shipmentsPerRequest: 10_000,
  shipmentsPerManifest: 10_000,
  itemsPerShipment: 999,
  /**
   * The largest request body a partner may send, in bytes as sent (before any gunzip; plain JSON or
   * gzip alike), so that every body up to it reaches the function whatever it contains.
   *
   * The cap that binds is not HTTP API's 10 MB but Lambda's synchronous payload, 6 MiB =
   * 6,291,456 bytes, and it caps the whole *event*: the body sits in it as a JSON string, so
   * - a JSON body is escaped: every `"`, `\`, newline, tab and carriage return becomes two bytes
   *   (bytes ≥ 0x80 pass as they are; a valid JSON text has no other control characters), so a
   *   body takes at most 2 × its size (pretty-printed manifests measure about 1.13 ×);
   * - any other body (gzip) is base64: exactly 4/3 × its size;
   * - the rest of the event (headers, path and query up to three times over, request context) is
   *   bounded by HTTP API's 10,240 bytes of request line and headers: 3 × 2 × 10,240 + 2 KB of
   *   context < 64 KiB = 65,536 bytes.
   * So (6,291,456 − 65,536) / 2 = 3,112,960 bytes of plain JSON always fit (gzip: 4,669,440);
   * the limit is the round 3,000,000 below both. Above it: 413 "compress with gzip or split".
   */
  requestPayloadBytes: 3_000_000,
  /** A gzip body must not inflate beyond this (a zip bomb guard). */
  decompressedBodyBytes: 32 * 1024 * 1024,
  /** Highest per-piece value VOEC allows is below this, in NOK. */
  voecItemValueLimitNok: 3_000,
  /** Bulk uploads (POST /v1/manifest-uploads): shipments in one uploaded file, its one manifest. */
  shipmentsPerUpload: 100_000,
  /** The uploaded file as PUT (compressed, if gzip), the presigned URL's content-length-range. */
  uploadBytes: 200 * 1024 * 1024,
  /** How long a presigned upload URL is valid. */
  uploadUrlSeconds: 15 * 60,
  /** Errors kept on a FAILED upload (the file may have many more; these are the first). */
  uploadErrors: 100,
} as const;

const text = (min: number, max: number) =>
  z
    .string()
    .min(min, { message: `must be at least ${min} characters` })
    .max(max, { message: `must be at most ${max} characters` })
    .refine((value) => value.trim().length >= min, { message: 'must not be blank' });

export const CountryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 country code in capitals, e.g. NO' })
  .describe('ISO 3166-1 alpha-2 country code');

/** ISO-8601 date-time with an offset (Z or ±hh:mm). Stored and returned in UTC. */
export const DateTimeWithOffset = z.iso
  .datetime({
    offset: true,
    message: 'must be an ISO-8601 date-time with offset, e.g. 2026-12-01T14:00:00+01:00',
  })
  .refine(
    (value) => {
      const year = new Date(value).getUTCFullYear();
      // An unparseable value is reported by the format check already.
      return Number.isNaN(year) || (year >= 2000 && year <= 2100);
    },
    { message: 'must be between the years 2000 and 2100' },
  )
  .describe('ISO-8601 date-time with offset');

export const Address = z
  .strictObject({
    street: text(1, 70).describe('Street and number (Digitoll streetLine, 1..70)'),
    postcode: text(1, 17),
    city: text(1, 35),
    country: CountryCode,
  })
  .describe('Postal address');

const Phone = z
  .string()
  .regex(/^\+?[0-9 ()-]{4,30}$/, { message: 'must be a telephone number, e.g. +4791234567' })
  .refine((value) => (value.match(/\d/g) ?? []).length >= 4, { message: 'must have at least 4 digits' });

/** Kilograms, as Digitoll takes them: positive, at most 6 decimals. */
const Mass = (max: number) =>
  z
    .number({ message: 'must be a number' })
    .positive({ message: 'must be greater than 0' })
    .max(max, { message: `must be at most ${max}` })
    .refine((value) => Number(value.toFixed(6)) === value, { message: 'must have at most 6 decimals' });

const Email = z.email({ message: 'must be an e-mail address' }).max(512);

export const Party = z.strictObject({
  name: text(1, 70),
  identificationNumber: text(1, 17)
    .optional()
    .describe('Org. no. (NO-prefixed for Norwegian), EORI or national id'),
  address: Address,
});

export const Consignee = z.strictObject({
  name: text(1, 70),
  type: z.enum(['PRIVATE', 'BUSINESS']).describe('VOEC applies only to private persons'),
  identificationNumber: text(1, 17).optional(),
  address: Address,
  phone: Phone.optional(),
  email: Email.optional(),
});

/** CL754 transport document types (road-relevant and the others Digitoll accepts). */
export const TransportDocumentType = z
  .enum([
    'N730',
    'N703',
    'N704',
    'N705',
    'N714',
    'N720',
    'N722',
    'N740',
    'N741',
    'N750',
    'N760',
    'C624',
    'C625',
    'C664',
    'C665',
  ])
  .describe('CL754 transport document type; N730 is the road consignment note (CMR)');

export const Waybill = z.strictObject({
  number: text(1, 70),
  type: TransportDocumentType,
});

export const Item = z.strictObject({
  commodityCode: z
    .string()
    .regex(/^\d{6}$/, { message: 'must be exactly 6 digits (HS subheading)' })
    .describe('6-digit HS subheading'),
  description: text(1, 512),
  unitValueNok: z
    .number({ message: 'must be a number' })
    .nonnegative({ message: 'must not be negative' })
    .max(999_999_999, { message: 'is out of bounds' })
    .refine((value) => Number(value.toFixed(2)) === value, {
      message: 'must have at most 2 decimals',
    })
    .describe('Value of ONE piece in NOK, excluding shipping, insurance and VAT'),
  quantity: z
    .number({ message: 'must be a whole number' })
    .int({ message: 'must be a whole number' })
    .min(1, { message: 'must be at least 1' })
    .max(1_000_000, { message: 'must be at most 1000000' }),
});

export const VoecNumberInput = z
  .string()
  .regex(/^\s*(?:VOEC[\s-]*)?\d{1,17}\s*$/i, {
    message: 'must be a VOEC number: digits, optionally prefixed "VOEC", e.g. 2021137 or "VOEC 2021137"',
  })
  .describe('The seller\'s VOEC number; "VOEC 2021137" and "VOEC2021137" are normalised to 2021137');

export const Shipment = z.strictObject({
  shipmentNumber: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,69}$/, {
      message: 'must be 1..70 letters, digits or . _ / - (the tracking number)',
    })
    .describe('Tracking number; the house waybill number at Digitoll'),
  voecNumber: VoecNumberInput,
  goodsDescription: text(1, 512),
  grossMassKg: Mass(100_000),
  packages: z.number().int({ message: 'must be a whole number' }).min(1).max(99_999),
  consignor: Party.describe('The seller (web shop or marketplace)'),
  consignee: Consignee,
  items: z
    .array(Item)
    .min(1, { message: 'must have at least 1 item' })
    .max(LIMITS.itemsPerShipment, { message: `must have at most ${LIMITS.itemsPerShipment} items` }),
});

const uniqueShipmentNumbers = (
  shipments: ReadonlyArray<{ shipmentNumber: string }>,
  ctx: z.RefinementCtx,
) => {
  const seen = new Map<string, number>();
  shipments.forEach((shipment, index) => {
    const first = seen.get(shipment.shipmentNumber);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [index, 'shipmentNumber'],
        message: `duplicates the shipment number at /shipments/${first}`,
        params: { code: 'duplicate' },
      });
    } else {
      seen.set(shipment.shipmentNumber, index);
    }
  });
};

const ShipmentList = z
  .array(Shipment)
  .min(1, { message: 'must have at least 1 shipment' })
  .max(LIMITS.shipmentsPerRequest, {
    message: `must have at most ${LIMITS.shipmentsPerRequest} shipments per request; add more with POST /v1/manifests/{manifestId}/shipments`,
  })
  .superRefine(uniqueShipmentNumbers);

const CustomsOffice = z
  .string()
  .regex(/^NO\d{6}$/, { message: 'must be a Norwegian customs office code, e.g. NO371001 (Svinesund)' });

const isAirportOffice = (office: string): boolean =>
  (CL141_AIRPORT_CUSTOMS_OFFICES as readonly string[]).includes(office);

const Carrier = z.strictObject({
  id: text(1, 17).describe('Carrier id exactly as Digitoll wants it (NO+org. no., EORI or national id)'),
  name: text(1, 70),
  address: Address,
});

/** A road transport: a vehicle with a registration and a driver. `mode` may be left out (ROAD). */
export const RoadTransport = z.strictObject({
  mode: z.literal('ROAD').optional().describe('ROAD (the default) or AIR'),
  vehicleRegistration: text(1, 35).describe('Registration plate of the tractor unit'),
  vehicleCountry: CountryCode,
  vehicleType: z
    .string()
    .regex(/^\d{2,4}$/, { message: 'must be a CL751 code, e.g. 31 (truck) or 33 (tractor)' })
    .optional()
    .describe('CL751 type of means of transport; 31 (truck) when not given'),
  driver: z.strictObject({
    name: text(1, 70).refine((name) => /\S+[\s,.]+\S+/.test(name), {
      message: 'must be the full name (at least two names)',
    }),
    phone: Phone,
  }),
  carrier: Carrier,
  borderCrossing: CustomsOffice.refine((office) => !isAirportOffice(office), {
    message:
      'is an airport customs office: a road transport crosses at a road border office (or send mode AIR)',
  }).describe('CL141 road border customs office, e.g. NO371001 (Svinesund)'),
  estimatedArrival: DateTimeWithOffset.describe('Estimated time of arrival at the border'),
});

/**
 * An IATA flight number: 2-character airline designator (two letters, or a letter and a digit either
 * way round), 1–4 digits and an optional letter suffix, no spaces: `SK4321`, `EX0836`, `U21234A`.
 */
export const FLIGHT_NUMBER = /^(?:[A-Z]{2}|[A-Z][0-9]|[0-9][A-Z])[0-9]{1,4}[A-Z]?$/;

/** An air transport: a flight, identified by its flight number and scheduled arrival. */
export const AirTransport = z.strictObject({
  mode: z.literal('AIR'),
  flightNumber: z
    .string()
    .regex(FLIGHT_NUMBER, {
      message:
        'must be an IATA flight number: 2-character airline designator, 1-4 digits, optional letter suffix, no spaces (e.g. QR8161)',
    })
    .describe("IATA flight number; Digitoll's conveyanceReferenceNumber"),
  aircraftRegistration: text(1, 35).describe("The aircraft's registration (tail number), e.g. LN-RKI"),
  carrier: Carrier.describe('The airline'),
  borderCrossing: CustomsOffice.refine(isAirportOffice, {
    message: `must be an airport customs office (CL141): one of ${CL141_AIRPORT_CUSTOMS_OFFICES.join(', ')}; NO351001 is Gardermoen`,
  }).describe('CL141 airport customs office, e.g. NO351001 (Gardermoen)'),
  scheduledArrival: DateTimeWithOffset.describe(
    'Scheduled arrival (in-block) time of the flight; identifies the flight and never changes',
  ),
  estimatedArrival: DateTimeWithOffset.describe('Estimated arrival of the flight at the airport'),
});

export const Transport = z.discriminatedUnion('mode', [RoadTransport, AirTransport], {
  error: (issue) =>
    issue.code === 'invalid_union' ? 'must be ROAD or AIR (or left out for ROAD)' : undefined,
});

export const Transit = z.strictObject({
  mrn: z.string().regex(/^\d{2}[A-Z]{2}[A-Z0-9]{13}[A-Z0-9]$/, {
    message: 'must be an 18-character NCTS MRN, e.g. 26SE000001188424T0',
  }),
});

/** Why every manifest needs a master (the message of the 400 when it is missing). */
export const MASTER_REQUIRED =
  "is required: houses link to the transport through the master's waybill (a road consignment note, N730, or a master air waybill, N741), the only path Tolletaten documents field by field; manifests without a master are no longer accepted";

export const MasterConsignment = z.strictObject(
  {
    waybill: Waybill,
    consignor: Party,
    consignee: Party,
    grossMassKg: Mass(1_000_000),
  },
  {
    error: (issue) => (issue.input === undefined ? MASTER_REQUIRED : undefined),
  },
);

/**
 * An IATA air waybill number: 3-digit airline prefix and an 8-digit serial whose last digit is the
 * first seven digits of the serial modulo 7, with or without a hyphen: `157-12345675`. Normalised to
 * `157-12345675`; undefined when it is not one.
 */
export function normaliseAirWaybill(value: string): string | undefined {
  const match = /^\s*(\d{3})[\s-]?(\d{7})(\d)\s*$/.exec(value);
  if (!match) return undefined;
  const [, prefix, serial, check] = match as unknown as [string, string, string, string];
  return Number(serial) % 7 === Number(check) ? `${prefix}-${serial}${check}` : undefined;
}

const AIR_WAYBILL_MESSAGE =
  'must be an IATA air waybill number: 3-digit airline prefix and 8-digit serial whose last digit is the first seven digits modulo 7, e.g. 157-12345675';

/** The manifest's fields, without the rules across them (a bulk upload reads its head alone). */
export const ManifestFields = z.strictObject({
  reference: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/, {
      message: 'must be 1..100 letters, digits or . _ : / - (your id for this manifest)',
    })
    .describe('Your id for this manifest; resubmitting it is safe (idempotency key)'),
  transport: Transport,
  transit: Transit.optional(),
  masterConsignment: MasterConsignment.describe(
    'Every manifest has a master: the road consignment note (N730) or the master air waybill (N741) the houses travel on',
  ),
  shipments: ShipmentList,
});

/** The rules across a manifest's fields (air: no transit, a master air waybill with its check digit). */
export function manifestRules(
  manifest: Pick<z.infer<typeof ManifestFields>, 'transport' | 'transit' | 'masterConsignment'>,
  ctx: z.RefinementCtx,
): void {
  if (manifest.transport.mode !== 'AIR') return;
  if (manifest.transit) {
    ctx.addIssue({
      code: 'custom',
      path: ['transit'],
      message:
        'is not allowed for an air transport: VOEC by air is released at the border with no outgoing procedure and no previous documents',
      params: { code: 'not_allowed' },
    });
  }
  const waybill = manifest.masterConsignment.waybill;
  if (waybill.type !== 'N741') {
    ctx.addIssue({
      code: 'custom',
      path: ['masterConsignment', 'waybill', 'type'],
      message: 'must be N741 (master air waybill) for an air transport',
      params: { code: 'invalid_value' },
    });
  }
  const normalised = normaliseAirWaybill(waybill.number);
  if (normalised === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['masterConsignment', 'waybill', 'number'],
      message: AIR_WAYBILL_MESSAGE,
      params: { code: 'invalid_air_waybill' },
    });
  } else {
    waybill.number = normalised;
  }
}

export const ManifestRequest = ManifestFields.superRefine(manifestRules);

export const AddShipmentsRequest = z.strictObject({
  shipments: ShipmentList,
});

/** PATCH of the transport: ETA, vehicle or driver (road), ETA or aircraft (air); at least one. */
export const TransportPatch = z
  .strictObject({
    estimatedArrival: RoadTransport.shape.estimatedArrival.optional(),
    vehicleRegistration: RoadTransport.shape.vehicleRegistration.optional(),
    vehicleCountry: RoadTransport.shape.vehicleCountry.optional(),
    vehicleType: RoadTransport.shape.vehicleType,
    driver: RoadTransport.shape.driver.optional(),
    aircraftRegistration: AirTransport.shape.aircraftRegistration
      .optional()
      .describe('Air only: a change of aircraft; the flight (number and scheduled arrival) never changes'),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message:
      'must change at least one of estimatedArrival, vehicleRegistration, vehicleCountry, vehicleType, driver (road) or estimatedArrival, aircraftRegistration (air)',
  });

/** A partner's webhook endpoint. */
export const WebhookRegistration = z.strictObject({
  url: z.url({ message: 'must be an absolute URL' }).max(2048),
  description: z.string().max(200).optional(),
});

export type ManifestRequest = z.infer<typeof ManifestRequest>;
export type AddShipmentsRequest = z.infer<typeof AddShipmentsRequest>;
export type ShipmentInput = z.infer<typeof Shipment>;
export type ItemInput = z.infer<typeof Item>;
export type TransportInput = z.infer<typeof Transport>;
export type RoadTransportInput = z.infer<typeof RoadTransport>;
export type AirTransportInput = z.infer<typeof AirTransport>;
export type MasterConsignmentInput = z.infer<typeof MasterConsignment>;
export type AddressInput = z.infer<typeof Address>;
export type TransportPatch = z.infer<typeof TransportPatch>;
export type WebhookRegistration = z.infer<typeof WebhookRegistration>;
