/** fast-check arbitraries for schema-valid shipments (the generator itself is checked against the schema). */
import fc from 'fast-check';
import type { ItemInput, ShipmentInput } from '../../../lib/manifest/schema.ts';
import { EXCLUDED_GOODS } from '../../../lib/rules/excluded-goods.ts';

export const KNOWN_VOEC_NUMBERS = ['2056550', '2021137', '2024926', '2034417'] as const;

const word = fc.stringMatching(/^[A-Za-z][A-Za-z0-9 ,.'-]{0,30}$/);
const country = fc.stringMatching(/^[A-Z]{2}$/);

const address = fc.record({
  street: word,
  postcode: fc.stringMatching(/^[0-9A-Z]{1,10}$/),
  city: word,
  country,
});

/**
 * Values biased towards the 3,000 NOK boundary. Øre only up to 10 million NOK: above about
 * 100 million the schema's "at most 2 decimals" float tolerance (1e-6) rejects some valid
 * two-decimal values (e.g. 138566216.08), so larger values are whole kroner here.
 */
export const unitValueNok = fc.oneof(
  fc.constantFrom(0, 0.01, 2999, 2999.99, 3000, 3000.01, 3001, 999_999_999),
  fc.integer({ min: 0, max: 3_100_00 }).map((ore) => ore / 100),
  fc.integer({ min: 0, max: 1_000_000_000 }).map((ore) => ore / 100),
  fc.integer({ min: 0, max: 999_999_999 }),
);

/** Commodity codes: random 6 digits, or a table prefix padded to 6 digits, or books. */
export const commodityCode = fc.oneof(
  fc.stringMatching(/^[0-9]{6}$/),
  fc
    .tuple(fc.constantFrom(...EXCLUDED_GOODS.map((entry) => entry.match)), fc.stringMatching(/^[0-9]{6}$/))
    .map(([prefix, pad]) => (prefix + pad).slice(0, 6)),
  fc.constantFrom('490199', '490210', '610910', '950300'),
);

export const item: fc.Arbitrary<ItemInput> = fc.record({
  commodityCode,
  description: word,
  unitValueNok,
  quantity: fc.integer({ min: 1, max: 1_000_000 }),
});

export const voecNumberInput = fc.oneof(
  fc.constantFrom(...KNOWN_VOEC_NUMBERS),
  fc
    .tuple(
      fc.constantFrom('', 'VOEC', 'VOEC ', 'voec-', 'Voec - ', ' VOEC'),
      fc.stringMatching(/^[0-9]{1,17}$/),
      fc.constantFrom('', ' ', '  '),
    )
    .map(([prefix, digits, suffix]) => `${prefix}${digits}${suffix}`),
);

export const shipment: fc.Arbitrary<ShipmentInput> = fc.record({
  shipmentNumber: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,20}$/),
  voecNumber: voecNumberInput,
  goodsDescription: word,
  grossMassKg: fc.integer({ min: 1, max: 100_000_000 }).map((g) => g / 1000),
  packages: fc.integer({ min: 1, max: 99_999 }),
  consignor: fc.record({ name: word, address }),
  consignee: fc.record({
    name: word,
    type: fc.constantFrom('PRIVATE' as const, 'BUSINESS' as const),
    address,
  }),
  items: fc.array(item, { minLength: 1, maxLength: 8 }),
});

/** A context with the ETA anywhere from 1 day before to 3 days after receipt (ms precision). */
export const context = fc
  .tuple(
    fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2030, 0, 1) }),
    fc.integer({ min: -24 * 3_600_000, max: 72 * 3_600_000 }),
  )
  .map(([received, margin]) => ({
    receivedAt: new Date(received),
    estimatedArrival: new Date(received + margin),
  }));

/** Resolve a JSON pointer (RFC 6901) against a value; undefined when it points nowhere. */
export function resolvePointer(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) return undefined;
  let current: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
