/**
 * Goods the VOEC scheme does not cover, screened by HS commodity code.
 *
 * Source: `shared/reference/voec-rules.md`, "What counts as VOEC goods" (Skatteetaten /
 * toll.no): VOEC excludes foodstuffs including supplements and vitamins; goods that need an
 * import permit (medicines, weapons, alcohol, tobacco); and goods with excise duties (sugar,
 * beverage packaging, lubricating oils, appliances with climate gases). Books, newspapers and
 * magazines (0 % VAT) ARE covered. No HS table is published, so the table below is OUR
 * ENGINEERING CHOICE, a chapter/heading-level screen:
 *
 * - `EXCLUDED`: the class is plainly outside VOEC; the shipment is rejected at intake
 *   (rule `EXCLUDED_GOODS`) and must be declared the ordinary way.
 * - `SUSPECTED`: borderline (excise-adjacent, or in the food block but not food); the
 *   shipment is still reported, with the flag `EXCLUDED_GOODS_SUSPECTED` for review.
 * - Anything not matched is ordinary VOEC goods (`ELIGIBLE`). Cosmetics and soap (3304,
 *   3401) and books, newspapers and magazines (4901, 4902) are deliberately not listed.
 *
 * Matching is by prefix of the 6-digit HS subheading (chapter = 2 digits, heading = 4,
 * subheading = 6). The longest matching prefix wins, so a heading or subheading entry can
 * refine its chapter (e.g. 2404 nicotine products within chapter 24, 2106 supplements within
 * chapter 21), including carving out an exception with a different outcome.
 */

export type ExcludedGoodsOutcome = 'EXCLUDED' | 'SUSPECTED';

export interface ExcludedGoodsEntry {
  /** HS prefix: 2 (chapter), 4 (heading) or 6 (subheading) digits. */
  readonly match: string;
  readonly category: string;
  readonly outcome: ExcludedGoodsOutcome;
  /** Why, naming the HS class; shown to the partner in the violation message or flag detail. */
  readonly reason: string;
}

export type CommodityClassification =
  | { kind: 'ELIGIBLE' }
  | { kind: 'EXCLUDED' | 'SUSPECTED'; category: string; reason: string; matched: string };

const food = (match: string, what: string): ExcludedGoodsEntry => ({
  match,
  category: 'FOODSTUFFS',
  outcome: 'EXCLUDED',
  reason: `HS chapter ${match} (${what}) is foodstuffs, which VOEC does not cover`,
});

const notFoodInFoodBlock = (match: string, what: string, why: string): ExcludedGoodsEntry => ({
  match,
  category: 'FOOD_BLOCK_NON_FOOD',
  outcome: 'SUSPECTED',
  reason: `HS chapter ${match} (${what}) sits among the food chapters but is not food; ${why}`,
});

export const EXCLUDED_GOODS: ReadonlyArray<ExcludedGoodsEntry> = [
  // --- Foodstuffs, HS 01–21 (VOEC: "foodstuffs incl. supplements and vitamins"). ---
  {
    match: '01',
    category: 'LIVE_ANIMALS',
    outcome: 'EXCLUDED',
    reason: 'HS chapter 01 (live animals) needs an import permit, which VOEC does not cover',
  },
  food('02', 'meat and edible offal'),
  food('03', 'fish and seafood'),
  food('04', 'dairy produce, eggs, honey'),
  notFoodInFoodBlock(
    '05',
    'products of animal origin n.e.s., e.g. hair, feathers, bones',
    'review for veterinary or CITES restrictions',
  ),
  notFoodInFoodBlock('06', 'live plants, bulbs, cut flowers', 'review for phytosanitary restrictions'),
  food('07', 'vegetables'),
  food('08', 'fruit and nuts'),
  food('09', 'coffee, tea, spices'),
  food('10', 'cereals'),
  food('11', 'milling products'),
  food('12', 'oil seeds, seeds, herbs'),
  food('13', 'plant extracts, gums, resins'),
  notFoodInFoodBlock('14', 'vegetable plaiting materials, e.g. rattan, bamboo', 'review the classification'),
  food('15', 'fats and oils'),
  food('16', 'meat and fish preparations'),
  food('17', 'sugar and sugar confectionery'),
  food('18', 'cocoa and chocolate'),
  food('19', 'cereal, flour and bakery preparations'),
  food('20', 'vegetable and fruit preparations'),
  food('21', 'miscellaneous food preparations'),
  {
    match: '2106',
    category: 'FOOD_SUPPLEMENTS',
    outcome: 'EXCLUDED',
    reason:
      'HS heading 2106 (food preparations n.e.s., which is where food supplements and vitamin products go) is foodstuffs, which VOEC does not cover',
  },
  // --- Beverages and tobacco (import permit and excise duty). ---
  {
    match: '22',
    category: 'BEVERAGES',
    outcome: 'EXCLUDED',
    reason:
      'HS chapter 22 (beverages, including alcohol) is foodstuffs, needs an import permit for alcohol and carries excise duties, so VOEC does not cover it',
  },
  {
    match: '23',
    category: 'ANIMAL_FEED',
    outcome: 'SUSPECTED',
    reason: 'HS chapter 23 (food industry residues, animal feed, pet food) is food-adjacent; review',
  },
  {
    match: '24',
    category: 'TOBACCO',
    outcome: 'EXCLUDED',
    reason:
      'HS chapter 24 (tobacco) needs an import permit and carries excise duty, so VOEC does not cover it',
  },
  {
    match: '2404',
    category: 'TOBACCO',
    outcome: 'EXCLUDED',
    reason:
      'HS heading 2404 (nicotine products, e.g. e-liquids and nicotine pouches) is a tobacco product with excise duty, so VOEC does not cover it',
  },
  // --- Excise goods: mineral and lubricating oils. ---
  {
    match: '2710',
    category: 'MINERAL_OILS',
    outcome: 'SUSPECTED',
    reason: 'HS heading 2710 (petroleum and lubricating oils) carries excise duties; review',
  },
  {
    match: '3403',
    category: 'LUBRICATING_PREPARATIONS',
    outcome: 'SUSPECTED',
    reason: 'HS heading 3403 (lubricating preparations) carries the lubricating oil excise duty; review',
  },
  // --- Goods that need an import permit. ---
  {
    match: '30',
    category: 'MEDICINES',
    outcome: 'EXCLUDED',
    reason:
      'HS chapter 30 (pharmaceutical products, including vitamins in dosage form) needs an import permit, so VOEC does not cover it',
  },
  {
    match: '2936',
    category: 'FOOD_SUPPLEMENTS',
    outcome: 'EXCLUDED',
    reason: 'HS heading 2936 (vitamins and provitamins) is vitamins, which VOEC does not cover',
  },
  {
    match: '36',
    category: 'EXPLOSIVES',
    outcome: 'EXCLUDED',
    reason:
      'HS chapter 36 (explosives, fireworks, matches) needs an import permit, so VOEC does not cover it',
  },
  {
    match: '93',
    category: 'ARMS',
    outcome: 'EXCLUDED',
    reason: 'HS chapter 93 (arms and ammunition) needs an import permit, so VOEC does not cover it',
  },
  // --- Excise goods: climate gases (HFC/PFC) in mixtures and appliances. ---
  {
    match: '382478',
    category: 'CLIMATE_GASES',
    outcome: 'SUSPECTED',
    reason:
      'HS subheading 3824 78 (mixtures containing HFCs or PFCs) carries the HFC/PFC excise duty; review',
  },
  {
    match: '8415',
    category: 'CLIMATE_GAS_APPLIANCES',
    outcome: 'SUSPECTED',
    reason: 'HS heading 8415 (air conditioning machines) may contain HFCs with excise duty; review',
  },
  {
    match: '8418',
    category: 'CLIMATE_GAS_APPLIANCES',
    outcome: 'SUSPECTED',
    reason: 'HS heading 8418 (refrigerators, freezers, heat pumps) may contain HFCs with excise duty; review',
  },
  // --- Nicotine devices. ---
  {
    match: '854340',
    category: 'NICOTINE_DEVICES',
    outcome: 'SUSPECTED',
    reason:
      'HS subheading 8543 40 (electronic cigarettes and vaporisers) is borderline: the device is ordinary goods, but nicotine liquids are excise goods; review',
  },
];

/** Longest prefix first, so the first match is the most specific. */
const BY_SPECIFICITY: ReadonlyArray<ExcludedGoodsEntry> = [...EXCLUDED_GOODS].sort(
  (a, b) => b.match.length - a.match.length,
);

/**
 * Classify an HS code (6 digits; spaces and dots such as "3824 78" or "3824.78" are ignored)
 * against the table. The most specific (longest) matching prefix decides.
 */
export function classifyCommodityCode(code: string): CommodityClassification {
  const digits = code.replace(/[\s.]/g, '');
  for (const entry of BY_SPECIFICITY) {
    if (digits.startsWith(entry.match)) {
      return { kind: entry.outcome, category: entry.category, reason: entry.reason, matched: entry.match };
    }
  }
  return { kind: 'ELIGIBLE' };
}
