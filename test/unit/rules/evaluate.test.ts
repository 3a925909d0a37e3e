import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManifestRequest, Shipment, type ShipmentInput } from '../../../lib/manifest/schema.ts';
import {
  classifyCommodityCode,
  evaluateShipment,
  isVoecNumberChecksumValid,
} from '../../../lib/rules/index.ts';
import fixture from '../../fixtures/manifest.example.json' with { type: 'json' };
import { context, resolvePointer, shipment as shipmentArb } from './arbitraries.ts';

const HOUR = 3_600_000;
const receivedAt = new Date('2026-12-01T08:00:00Z');
/** Comfortably early: 6 h before the border. */
const ctx = { receivedAt, estimatedArrival: new Date(receivedAt.getTime() + 6 * HOUR) };

function makeShipment(overrides: Partial<ShipmentInput> = {}): ShipmentInput {
  return Shipment.parse({
    shipmentNumber: 'RR123456785SE',
    voecNumber: 'VOEC 2021137',
    goodsDescription: 'Cotton T-shirts',
    grossMassKg: 0.9,
    packages: 1,
    consignor: {
      name: 'Example Fashion Ltd',
      address: { street: '1 Market Street', postcode: 'D02 X285', city: 'Dublin', country: 'IE' },
    },
    consignee: {
      name: 'Kari Nordmann',
      type: 'PRIVATE',
      address: { street: 'Storgata 1', postcode: '0155', city: 'Oslo', country: 'NO' },
    },
    items: [{ commodityCode: '610910', description: 'T-shirt', unitValueNok: 199, quantity: 2 }],
    ...overrides,
  });
}

const withItems = (...items: Array<Partial<ShipmentInput['items'][number]>>) =>
  makeShipment({
    items: items.map((item) => ({
      commodityCode: '610910',
      description: 'T-shirt',
      unitValueNok: 199,
      quantity: 1,
      ...item,
    })),
  });

describe('evaluateShipment: a clean shipment', () => {
  it('is RECEIVED with no violations and no flags, and a normalised VOEC number', () => {
    expect(evaluateShipment(makeShipment(), ctx)).toEqual({
      status: 'RECEIVED',
      voecNumber: '2021137',
      violations: [],
      flags: [],
    });
  });

  it('receives every shipment of the partner example manifest', () => {
    const manifest = ManifestRequest.parse(fixture);
    const eta = new Date(manifest.transport.estimatedArrival);
    for (const shipment of manifest.shipments) {
      const result = evaluateShipment(shipment, {
        receivedAt: new Date(eta.getTime() - 3 * HOUR),
        estimatedArrival: eta,
      });
      expect(result, shipment.shipmentNumber).toMatchObject({
        status: 'RECEIVED',
        violations: [],
        flags: [],
      });
    }
  });
});

describe('evaluateShipment: item value limit (under 3,000 NOK per piece)', () => {
  it.each([
    [0, true],
    [2999, true],
    [2999.99, true],
    [3000, false],
    [3000.01, false],
    [125_000, false],
  ])('unitValueNok %d → eligible: %s', (unitValueNok, eligible) => {
    const result = evaluateShipment(withItems({ unitValueNok }), ctx);
    expect(result.status).toBe(eligible ? 'RECEIVED' : 'REJECTED');
    expect(result.violations).toEqual(
      eligible
        ? []
        : [{ rule: 'ITEM_VALUE_LIMIT', path: '/items/0/unitValueNok', message: expect.any(String) }],
    );
  });

  it('explains the limit in a sentence a partner understands', () => {
    const [violation] = evaluateShipment(withItems({ unitValueNok: 3000 }), ctx).violations;
    expect(violation?.message).toBe(
      'Item value 3000 NOK is not under the VOEC limit of 3000 NOK per piece; declare this shipment the ordinary way.',
    );
    const [decimal] = evaluateShipment(withItems({ unitValueNok: 3000.5 }), ctx).violations;
    expect(decimal?.message).toContain('Item value 3000.50 NOK');
  });

  it('reports one violation per offending item, at its own path', () => {
    const result = evaluateShipment(
      withItems(
        { unitValueNok: 100 },
        { unitValueNok: 3000 },
        { unitValueNok: 2999.99 },
        { unitValueNok: 5000 },
      ),
      ctx,
    );
    expect(result.violations.map((v) => [v.rule, v.path])).toEqual([
      ['ITEM_VALUE_LIMIT', '/items/1/unitValueNok'],
      ['ITEM_VALUE_LIMIT', '/items/3/unitValueNok'],
    ]);
  });

  it('applies per piece: quantity does not matter', () => {
    expect(evaluateShipment(withItems({ unitValueNok: 2999.99, quantity: 1_000_000 }), ctx).status).toBe(
      'RECEIVED',
    );
    expect(evaluateShipment(withItems({ unitValueNok: 3000, quantity: 1 }), ctx).status).toBe('REJECTED');
  });

  it('never lets a non-number through (defensive: NaN is not under the limit)', () => {
    const shipment = {
      ...makeShipment(),
      items: [{ commodityCode: '610910', description: 'x', unitValueNok: Number.NaN, quantity: 1 }],
    };
    expect(evaluateShipment(shipment, ctx).violations.map((v) => v.rule)).toEqual(['ITEM_VALUE_LIMIT']);
  });
});

describe('evaluateShipment: private consignee only', () => {
  it('rejects a BUSINESS consignee at /consignee/type', () => {
    const base = makeShipment();
    const result = evaluateShipment(
      makeShipment({ consignee: { ...base.consignee, type: 'BUSINESS' } }),
      ctx,
    );
    expect(result.status).toBe('REJECTED');
    expect(result.violations).toEqual([
      {
        rule: 'CONSIGNEE_NOT_PRIVATE',
        path: '/consignee/type',
        message:
          'Consignee type is BUSINESS, but VOEC applies only to private persons; declare this shipment the ordinary way.',
      },
    ]);
  });
});

describe('evaluateShipment: excluded goods', () => {
  it('rejects an EXCLUDED commodity code, naming the category and reason', () => {
    const result = evaluateShipment(withItems({}, { commodityCode: '220421' }), ctx);
    expect(result.status).toBe('REJECTED');
    expect(result.violations).toHaveLength(1);
    expect(result.violations[0]).toMatchObject({ rule: 'EXCLUDED_GOODS', path: '/items/1/commodityCode' });
    expect(result.violations[0]?.message).toMatch(
      /^Commodity code 220421 is goods VOEC does not cover \(BEVERAGES: HS chapter 22/,
    );
  });

  it('flags SUSPECTED codes once, pointing at the first and listing all, and still receives the shipment', () => {
    const result = evaluateShipment(
      withItems({}, { commodityCode: '271019' }, { commodityCode: '490199' }, { commodityCode: '841861' }),
      ctx,
    );
    expect(result.status).toBe('RECEIVED');
    expect(result.violations).toEqual([]);
    expect(result.flags).toHaveLength(1);
    const [flag] = result.flags;
    expect(flag).toMatchObject({ code: 'EXCLUDED_GOODS_SUSPECTED', path: '/items/1/commodityCode' });
    expect(flag?.detail).toContain('2 items');
    expect(flag?.detail).toContain('/items/1/commodityCode 271019 (MINERAL_OILS');
    expect(flag?.detail).toContain('/items/3/commodityCode 841861 (CLIMATE_GAS_APPLIANCES');
    expect(flag?.detail).not.toContain('490199');
  });

  it('receives books, newspapers and magazines', () => {
    const result = evaluateShipment(withItems({ commodityCode: '490199' }, { commodityCode: '490210' }), ctx);
    expect(result).toMatchObject({ status: 'RECEIVED', violations: [], flags: [] });
  });
});

describe('evaluateShipment: every broken rule is reported', () => {
  it('lists all violations, not only the first, and still computes the flags', () => {
    const base = makeShipment();
    const shipment = makeShipment({
      voecNumber: '2021138',
      consignee: { ...base.consignee, type: 'BUSINESS' },
      items: [
        { commodityCode: '300490', description: 'Medicine', unitValueNok: 3500, quantity: 1 },
        { commodityCode: '841810', description: 'Fridge', unitValueNok: 2500, quantity: 1 },
      ],
    });
    const late = { receivedAt, estimatedArrival: new Date(receivedAt.getTime() + HOUR) };
    const result = evaluateShipment(shipment, late);
    expect(result.status).toBe('REJECTED');
    expect(result.violations.map((v) => [v.rule, v.path])).toEqual([
      ['CONSIGNEE_NOT_PRIVATE', '/consignee/type'],
      ['ITEM_VALUE_LIMIT', '/items/0/unitValueNok'],
      ['EXCLUDED_GOODS', '/items/0/commodityCode'],
    ]);
    expect(result.flags.map((f) => f.code).sort()).toEqual([
      'EXCLUDED_GOODS_SUSPECTED',
      'LATE_SUBMISSION',
      'VOEC_NUMBER_SUSPECT',
    ]);
  });
});

describe('evaluateShipment: VOEC number check digit', () => {
  it.each(['2056550', 'VOEC2021137', 'voec-2024926', ' 2034417 '])('does not flag %j', (voecNumber) => {
    expect(evaluateShipment(makeShipment({ voecNumber }), ctx).flags).toEqual([]);
  });

  it('flags a number failing MOD-11 at /voecNumber but still receives the shipment', () => {
    const result = evaluateShipment(makeShipment({ voecNumber: 'VOEC 2021138' }), ctx);
    expect(result.status).toBe('RECEIVED');
    expect(result.voecNumber).toBe('2021138');
    expect(result.flags).toEqual([
      {
        code: 'VOEC_NUMBER_SUSPECT',
        path: '/voecNumber',
        detail: expect.stringContaining('2021138 fails the MOD-11'),
      },
    ]);
  });

  it('flags a single-digit number as too short', () => {
    const [flag] = evaluateShipment(makeShipment({ voecNumber: '7' }), ctx).flags;
    expect(flag).toMatchObject({ code: 'VOEC_NUMBER_SUSPECT', path: '/voecNumber' });
    expect(flag?.detail).toContain('too short');
  });
});

describe('evaluateShipment: late submission (less than 2 h before the border ETA)', () => {
  const at = (msBeforeEta: number) => ({
    receivedAt,
    estimatedArrival: new Date(receivedAt.getTime() + msBeforeEta),
  });
  const lateFlag = (msBeforeEta: number) =>
    evaluateShipment(makeShipment(), at(msBeforeEta)).flags.find((f) => f.code === 'LATE_SUBMISSION');

  it('does not flag exactly 2 h before', () => {
    expect(lateFlag(2 * HOUR)).toBeUndefined();
    expect(lateFlag(2 * HOUR + 1)).toBeUndefined();
  });

  it('flags 1 ms under 2 h before', () => {
    expect(lateFlag(2 * HOUR - 1)?.detail).toBe(
      'Received 1 h 59 min before the estimated border arrival (2026-12-01T09:59:59.999Z); VOEC data must reach Customs at least 2 h before the border crossing.',
    );
  });

  it('says how long before the border it came', () => {
    expect(lateFlag(90 * 60_000)?.detail).toMatch(/^Received 1 h 30 min before the estimated border arrival/);
    expect(lateFlag(60 * 60_000)?.detail).toMatch(/^Received 1 h before/);
    expect(lateFlag(25 * 60_000)?.detail).toMatch(/^Received 25 min before/);
    expect(lateFlag(0)?.detail).toMatch(/^Received less than 1 min before/);
  });

  it('flags a shipment received after the ETA, saying how long after', () => {
    expect(lateFlag(-(3 * HOUR + 5 * 60_000))?.detail).toMatch(
      /^Received 3 h 5 min after the estimated border arrival \(2026-12-01T04:55:00\.000Z\)/,
    );
  });

  it('has no path (the ETA belongs to the transport, not the shipment) and does not reject', () => {
    const result = evaluateShipment(makeShipment(), at(HOUR));
    expect(result.status).toBe('RECEIVED');
    expect(result.flags).toEqual([{ code: 'LATE_SUBMISSION', detail: expect.any(String) }]);
  });

  it('throws a RangeError for an invalid date in the context', () => {
    expect(() =>
      evaluateShipment(makeShipment(), { receivedAt, estimatedArrival: new Date('nope') }),
    ).toThrow(RangeError);
  });
});

describe('evaluateShipment: properties over schema-valid shipments', () => {
  it('the generator only produces schema-valid shipments', () => {
    fc.assert(
      fc.property(shipmentArb, (shipment) => {
        const parsed = Shipment.safeParse(shipment);
        expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      }),
    );
  });

  it('never throws, is deterministic and does not mutate its input', () => {
    fc.assert(
      fc.property(shipmentArb, context, (shipment, context) => {
        const before = structuredClone(shipment);
        const first = evaluateShipment(shipment, context);
        const second = evaluateShipment(structuredClone(shipment), {
          receivedAt: new Date(context.receivedAt),
          estimatedArrival: new Date(context.estimatedArrival),
        });
        expect(second).toEqual(first);
        expect(shipment).toEqual(before);
      }),
    );
  });

  it('is REJECTED iff there are violations', () => {
    fc.assert(
      fc.property(shipmentArb, context, (shipment, context) => {
        const { status, violations } = evaluateShipment(shipment, context);
        expect(status === 'REJECTED').toBe(violations.length > 0);
        expect(status === 'RECEIVED').toBe(violations.length === 0);
      }),
    );
  });

  it('every violation and flag path points at an existing field of the shipment', () => {
    fc.assert(
      fc.property(shipmentArb, context, (shipment, context) => {
        const { violations, flags } = evaluateShipment(shipment, context);
        for (const { path } of [...violations, ...flags]) {
          if (path === undefined) continue;
          expect(path).toMatch(/^\//);
          expect(resolvePointer(shipment, path), path).not.toBeUndefined();
        }
      }),
    );
  });

  it('raises each flag code at most once', () => {
    fc.assert(
      fc.property(shipmentArb, context, (shipment, context) => {
        const codes = evaluateShipment(shipment, context).flags.map((f) => f.code);
        expect(new Set(codes).size).toBe(codes.length);
      }),
    );
  });

  it('agrees with the rules item by item (an independent count of what each rule should find)', () => {
    fc.assert(
      fc.property(shipmentArb, context, (shipment, context) => {
        const { violations, flags, voecNumber } = evaluateShipment(shipment, context);
        const paths = (rule: string) => violations.filter((v) => v.rule === rule).map((v) => v.path);
        const expectedValue = shipment.items.flatMap((item, i) =>
          item.unitValueNok >= 3000 ? [`/items/${i}/unitValueNok`] : [],
        );
        const kinds = shipment.items.map((item) => classifyCommodityCode(item.commodityCode).kind);
        const expectedExcluded = kinds.flatMap((kind, i) =>
          kind === 'EXCLUDED' ? [`/items/${i}/commodityCode`] : [],
        );
        const firstSuspected = kinds.indexOf('SUSPECTED');
        const codes = flags.map((f) => f.code);

        expect(paths('ITEM_VALUE_LIMIT')).toEqual(expectedValue);
        expect(paths('EXCLUDED_GOODS')).toEqual(expectedExcluded);
        expect(paths('CONSIGNEE_NOT_PRIVATE')).toEqual(
          shipment.consignee.type === 'BUSINESS' ? ['/consignee/type'] : [],
        );
        expect(violations).toHaveLength(
          expectedValue.length + expectedExcluded.length + (shipment.consignee.type === 'BUSINESS' ? 1 : 0),
        );

        expect(voecNumber).toMatch(/^[0-9]{1,17}$/);
        expect(codes.includes('VOEC_NUMBER_SUSPECT')).toBe(!isVoecNumberChecksumValid(voecNumber));
        expect(flags.find((f) => f.code === 'EXCLUDED_GOODS_SUSPECTED')?.path).toBe(
          firstSuspected === -1 ? undefined : `/items/${firstSuspected}/commodityCode`,
        );
        const margin = context.estimatedArrival.getTime() - context.receivedAt.getTime();
        expect(codes.includes('LATE_SUBMISSION')).toBe(margin < 2 * 3_600_000);
        for (const v of violations) expect(v.message).toMatch(/^[A-Z].*\.$/);
      }),
    );
  });

  it('does not depend on quantities', () => {
    fc.assert(
      fc.property(
        shipmentArb,
        context,
        fc.integer({ min: 1, max: 1_000_000 }),
        (shipment, context, quantity) => {
          const requantified = { ...shipment, items: shipment.items.map((item) => ({ ...item, quantity })) };
          expect(evaluateShipment(requantified, context)).toEqual(evaluateShipment(shipment, context));
        },
      ),
    );
  });
});
