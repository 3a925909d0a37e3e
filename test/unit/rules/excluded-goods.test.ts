import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EXCLUDED_GOODS } from '../../../lib/rules/excluded-goods.ts';
import { classifyCommodityCode } from '../../../lib/rules/index.ts';

const kindOf = (code: string) => classifyCommodityCode(code).kind;

describe('the excluded-goods table', () => {
  it('has well-formed, unique entries with a reason naming the HS class', () => {
    const matches = EXCLUDED_GOODS.map((entry) => entry.match);
    expect(new Set(matches).size).toBe(matches.length);
    for (const entry of EXCLUDED_GOODS) {
      expect(entry.match, entry.match).toMatch(/^(?:[0-9]{2}|[0-9]{4}|[0-9]{6})$/);
      expect(['EXCLUDED', 'SUSPECTED']).toContain(entry.outcome);
      expect(entry.category).toMatch(/^[A-Z_]+$/);
      expect(entry.reason).toMatch(/HS (chapter|heading|subheading) /);
    }
  });

  it('classifies every entry as its own outcome (no entry is shadowed)', () => {
    for (const entry of EXCLUDED_GOODS) {
      const code = entry.match.padEnd(6, '0');
      expect(classifyCommodityCode(code), code).toEqual({
        kind: entry.outcome,
        category: entry.category,
        reason: entry.reason,
        matched: entry.match,
      });
    }
  });
});

describe('classifyCommodityCode', () => {
  it.each([
    // Foodstuffs, HS 01–21, including sugar, confectionery and chocolate.
    ['020130', 'FOODSTUFFS'], // beef
    ['030211', 'FOODSTUFFS'], // trout
    ['040690', 'FOODSTUFFS'], // cheese
    ['090121', 'FOODSTUFFS'], // roasted coffee
    ['170199', 'FOODSTUFFS'], // sugar
    ['170290', 'FOODSTUFFS'], // other sugars, syrups
    ['170490', 'FOODSTUFFS'], // sugar confectionery
    ['180632', 'FOODSTUFFS'], // chocolate
    ['190531', 'FOODSTUFFS'], // biscuits
    ['210390', 'FOODSTUFFS'], // sauces
    ['010619', 'LIVE_ANIMALS'],
    ['210690', 'FOOD_SUPPLEMENTS'], // food preparations n.e.s. = supplements
    ['293627', 'FOOD_SUPPLEMENTS'], // vitamin C
    ['220421', 'BEVERAGES'], // wine
    ['220830', 'BEVERAGES'], // whisky
    ['220110', 'BEVERAGES'], // mineral water
    ['240220', 'TOBACCO'], // cigarettes
    ['240311', 'TOBACCO'], // water-pipe tobacco
    ['240412', 'TOBACCO'], // nicotine products for inhalation (e-liquids)
    ['240491', 'TOBACCO'], // nicotine pouches
    ['300490', 'MEDICINES'],
    ['300450', 'MEDICINES'], // vitamins in dosage form
    ['360410', 'EXPLOSIVES'], // fireworks
    ['360500', 'EXPLOSIVES'], // matches
    ['930200', 'ARMS'], // revolvers and pistols
    ['930630', 'ARMS'], // cartridges
  ])('%s is EXCLUDED as %s', (code, category) => {
    const result = classifyCommodityCode(code);
    expect(result.kind).toBe('EXCLUDED');
    expect(result).toMatchObject({ category });
  });

  it.each([
    ['230910', 'ANIMAL_FEED'], // dog and cat food
    ['271019', 'MINERAL_OILS'], // lubricating oils
    ['340319', 'LUBRICATING_PREPARATIONS'],
    ['382478', 'CLIMATE_GASES'],
    ['841510', 'CLIMATE_GAS_APPLIANCES'], // air conditioners
    ['841810', 'CLIMATE_GAS_APPLIANCES'], // fridge-freezers
    ['841861', 'CLIMATE_GAS_APPLIANCES'], // heat pumps
    ['854340', 'NICOTINE_DEVICES'], // e-cigarettes
    ['050510', 'FOOD_BLOCK_NON_FOOD'], // feathers
    ['060310', 'FOOD_BLOCK_NON_FOOD'], // cut flowers
    ['140110', 'FOOD_BLOCK_NON_FOOD'], // bamboo
  ])('%s is SUSPECTED as %s', (code, category) => {
    const result = classifyCommodityCode(code);
    expect(result.kind).toBe('SUSPECTED');
    expect(result).toMatchObject({ category });
  });

  it.each([
    ['490199', 'books'],
    ['490110', 'books, single sheets'],
    ['490210', 'newspapers appearing at least four times a week'],
    ['490290', 'magazines'],
    ['330499', 'cosmetics'],
    ['340111', 'soap'],
    ['610910', 'T-shirts'],
    ['950300', 'toys'],
    ['851712', 'phones'],
    ['854320', 'signal generators (same heading as e-cigarettes)'],
    ['382479', 'other mixtures (next to HFC mixtures)'],
    ['271111', 'natural gas (next to 2710)'],
    ['250100', 'salt (chapter 25, after the food chapters)'],
    ['292429', 'chapter 29 organic chemicals outside 2936'],
    ['841950', 'heat exchangers (next to 8418)'],
    ['940360', 'furniture'],
  ])('%s (%s) is ELIGIBLE', (code) => {
    expect(classifyCommodityCode(code)).toEqual({ kind: 'ELIGIBLE' });
  });

  it('lets the most specific prefix win over its chapter', () => {
    expect(classifyCommodityCode('210690')).toMatchObject({ matched: '2106', category: 'FOOD_SUPPLEMENTS' });
    expect(classifyCommodityCode('210500')).toMatchObject({ matched: '21', category: 'FOODSTUFFS' });
    expect(classifyCommodityCode('240412')).toMatchObject({ matched: '2404' });
    expect(classifyCommodityCode('240220')).toMatchObject({ matched: '24' });
  });

  it('ignores spaces and dots in the code', () => {
    expect(classifyCommodityCode('3824 78')).toMatchObject({ kind: 'SUSPECTED', matched: '382478' });
    expect(classifyCommodityCode('2204.21')).toMatchObject({ kind: 'EXCLUDED', matched: '22' });
  });

  it('property: every code in HS chapters 01–04, 07–13, 15–22, 24, 30, 36 and 93 is EXCLUDED', () => {
    const chapters = [1, 2, 3, 4, 7, 8, 9, 10, 11, 12, 13, 15, 16, 17, 18, 19, 20, 21, 22, 24, 30, 36, 93];
    fc.assert(
      fc.property(fc.constantFrom(...chapters), fc.stringMatching(/^[0-9]{4}$/), (chapter, rest) => {
        expect(kindOf(String(chapter).padStart(2, '0') + rest)).toBe('EXCLUDED');
      }),
    );
  });

  it('property: every chapter 49 code (books, newspapers, printed matter) is ELIGIBLE', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{4}$/), (rest) => {
        expect(kindOf(`49${rest}`)).toBe('ELIGIBLE');
      }),
    );
  });

  it('property: the result is the entry with the longest matching prefix, or ELIGIBLE when none matches', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{6}$/), (code) => {
        const matching = EXCLUDED_GOODS.filter((entry) => code.startsWith(entry.match));
        const result = classifyCommodityCode(code);
        if (matching.length === 0) {
          expect(result).toEqual({ kind: 'ELIGIBLE' });
          return;
        }
        const longest = Math.max(...matching.map((entry) => entry.match.length));
        expect(result.kind).not.toBe('ELIGIBLE');
        if (result.kind === 'ELIGIBLE') return;
        expect(result.matched.length).toBe(longest);
        expect(code.startsWith(result.matched)).toBe(true);
      }),
    );
  });
});
