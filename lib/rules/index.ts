/**
 * The VOEC rules as a pure module (no I/O, no clock: time comes in as arguments).
 * See `shared/reference/voec-rules.md` for the sources of each rule.
 */
export { type EvaluationContext, evaluateShipment, type ShipmentEvaluation } from './evaluate.ts';
export { type CommodityClassification, classifyCommodityCode } from './excluded-goods.ts';
export { isMixedTransit } from './transit.ts';
export { isVoecNumberChecksumValid, normaliseVoecNumber } from './voec-number.ts';
