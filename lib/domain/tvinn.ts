/**
 * TVINN backup declaration drafts for VOEC shipments that missed digital reporting
 * (shared/reference/voec-rules.md, "Backup: declaration in TVINN", seeds 000/001):
 * - release for free circulation, in a declaration that holds only VOEC goods;
 * - box 8: one private person as consignee per declaration;
 * - box 44: reference code "VEC" + the VOEC number on EVERY item line (TVINN error 9072 otherwise);
 * - TVINN wants the 8-digit Norwegian tariff number: the draft carries the 6-digit code and asks
 *   for the last two digits. It never invents them.
 */

import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ManifestRecord, ShipmentRecord } from './records.ts';
import { isAcceptedByDigitoll } from './shipment.ts';

export const TvinnLine = z.object({
  lineNumber: z.number().int().min(1),
  shipmentNumber: z.string(),
  description: z.string(),
  /** The 6-digit HS subheading from the VOEC report. */
  commodityCode: z.string(),
  /** The 8-digit Norwegian tariff number: to be completed by the declarant (null until then). */
  tariffNumber: z.null(),
  quantity: z.number().int(),
  unitValueNok: z.number(),
  /** Invoice value of the line in NOK, excluding shipping, insurance and VAT. */
  valueNok: z.number(),
  /** Box 44: additional information / references on this line. */
  box44: z.array(z.object({ code: z.literal('VEC'), reference: z.string() })).min(1),
});
export type TvinnLine = z.infer<typeof TvinnLine>;

export const TvinnDeclarationDraft = z.object({
  draftId: z.string(),
  manifestId: z.string(),
  procedure: z.literal('RELEASE_FOR_FREE_CIRCULATION'),
  onlyVoecGoods: z.literal(true),
  /** Box 8: one private person per declaration. */
  consignee: z.object({
    name: z.string(),
    type: z.literal('PRIVATE'),
    address: z.object({ street: z.string(), postcode: z.string(), city: z.string(), country: z.string() }),
  }),
  sellers: z.array(z.object({ name: z.string(), voecNumber: z.string() })),
  borderCrossing: z.string(),
  estimatedArrival: z.string(),
  /** Road: the vehicle that crosses. */
  vehicleRegistration: z.string().optional(),
  /** Air: the flight (and its scheduled arrival), landing at the airport office in `borderCrossing`. */
  flightNumber: z.string().optional(),
  scheduledArrival: z.string().optional(),
  shipmentNumbers: z.array(z.string()),
  lines: z.array(TvinnLine).min(1),
  /** What the declarant must complete before lodging it. */
  toComplete: z.array(z.object({ path: z.string(), question: z.string() })),
  preparedAt: z.string(),
});
export type TvinnDeclarationDraft = z.infer<typeof TvinnDeclarationDraft>;

const normalise = (value: string) => value.trim().toLowerCase().replace(/\s+/g, ' ');

/** Shipments to the same private person (name and address) go into one declaration. */
function consigneeKey(shipment: ShipmentRecord): string {
  const { name, address } = shipment.input.consignee;
  return [name, address.street, address.postcode, address.country].map(normalise).join('|');
}

const cents = (value: number) => Math.round(value * 100) / 100;

/**
 * One draft per private consignee among the VOEC-eligible shipments that were never accepted.
 * Deterministic: the same shipments give the same drafts and ids (so sweeps can run twice).
 */
export function tvinnDrafts(
  manifest: ManifestRecord,
  shipments: readonly ShipmentRecord[],
  preparedAt: string,
): TvinnDeclarationDraft[] {
  const missed = shipments.filter(
    (s) =>
      !isAcceptedByDigitoll(s.status) &&
      s.status !== 'REJECTED' &&
      s.status !== 'CANCELLED' &&
      s.input.consignee.type === 'PRIVATE',
  );
  const groups = new Map<string, ShipmentRecord[]>();
  for (const shipment of [...missed].sort((a, b) => (a.shipmentNumber < b.shipmentNumber ? -1 : 1))) {
    const key = consigneeKey(shipment);
    groups.set(key, [...(groups.get(key) ?? []), shipment]);
  }
  return [...groups.entries()].map(([key, group]) => {
    const [first] = group as [ShipmentRecord, ...ShipmentRecord[]];
    let lineNumber = 0;
    const lines: TvinnLine[] = group.flatMap((shipment) =>
      shipment.input.items.map((item) => ({
        lineNumber: ++lineNumber,
        shipmentNumber: shipment.shipmentNumber,
        description: item.description,
        commodityCode: item.commodityCode,
        tariffNumber: null,
        quantity: item.quantity,
        unitValueNok: item.unitValueNok,
        valueNok: cents(item.unitValueNok * item.quantity),
        box44: [{ code: 'VEC' as const, reference: shipment.voecNumber }],
      })),
    );
    const sellers = [
      ...new Map(
        group.map((s) => [s.voecNumber, { name: s.input.consignor.name, voecNumber: s.voecNumber }]),
      ).values(),
    ];
    return {
      draftId: `${manifest.manifestId}-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`,
      manifestId: manifest.manifestId,
      procedure: 'RELEASE_FOR_FREE_CIRCULATION' as const,
      onlyVoecGoods: true as const,
      consignee: {
        name: first.input.consignee.name,
        type: 'PRIVATE' as const,
        address: first.input.consignee.address,
      },
      sellers,
      borderCrossing: manifest.transport.borderCrossing,
      estimatedArrival: manifest.transport.estimatedArrival,
      ...(manifest.transport.mode === 'AIR'
        ? {
            flightNumber: manifest.transport.flightNumber,
            scheduledArrival: manifest.transport.scheduledArrival,
          }
        : { vehicleRegistration: manifest.transport.vehicleRegistration }),
      shipmentNumbers: group.map((s) => s.shipmentNumber),
      lines,
      toComplete: lines.map((line) => ({
        path: `/lines/${line.lineNumber - 1}/tariffNumber`,
        question: `Extend commodity code ${line.commodityCode} (line ${line.lineNumber}, shipment ${line.shipmentNumber}) to the 8-digit Norwegian tariff number.`,
      })),
      preparedAt,
    };
  });
}

const CSV_COLUMNS = [
  'draftId',
  'consigneeName',
  'consigneeStreet',
  'consigneePostcode',
  'consigneeCity',
  'consigneeCountry',
  'lineNumber',
  'shipmentNumber',
  'description',
  'commodityCode',
  'tariffNumber',
  'quantity',
  'unitValueNok',
  'valueNok',
  'box44',
] as const;

function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  // Quote always; double inner quotes; neutralise spreadsheet formulas.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replaceAll('"', '""')}"`;
}

/** One row per item line, for spreadsheets and TVINN software imports. */
export function tvinnCsv(drafts: readonly TvinnDeclarationDraft[]): string {
  const rows = drafts.flatMap((draft) =>
    draft.lines.map((line) =>
      [
        draft.draftId,
        draft.consignee.name,
        draft.consignee.address.street,
        draft.consignee.address.postcode,
        draft.consignee.address.city,
        draft.consignee.address.country,
        line.lineNumber,
        line.shipmentNumber,
        line.description,
        line.commodityCode,
        line.tariffNumber,
        line.quantity,
        line.unitValueNok,
        line.valueNok,
        line.box44.map((ref) => `${ref.code}${ref.reference}`).join(' '),
      ]
        .map(csvField)
        .join(','),
    ),
  );
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}
