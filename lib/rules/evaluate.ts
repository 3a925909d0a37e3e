/**
 * Intake evaluation of one shipment against the VOEC eligibility rules
 * (`shared/reference/voec-rules.md`, "What counts as VOEC goods" and "Reporting").
 * Pure: no I/O, no clock; the times come in through the context.
 */
import { REPORTING_LEAD_MS } from '../domain/deadlines.ts';
import type { FlagFinding, RuleViolation } from '../domain/shipment.ts';
import { LIMITS, type ShipmentInput } from '../manifest/schema.ts';
import { classifyCommodityCode } from './excluded-goods.ts';
import { isVoecNumberChecksumValid, normaliseVoecNumber } from './voec-number.ts';

export interface EvaluationContext {
  /** When we received the shipment. */
  receivedAt: Date;
  /** The transport's estimated arrival at the border. */
  estimatedArrival: Date;
}

export interface ShipmentEvaluation {
  status: 'RECEIVED' | 'REJECTED';
  /** The VOEC number, normalised to digits. */
  voecNumber: string;
  /** Every broken eligibility rule (not only the first); empty when RECEIVED. */
  violations: RuleViolation[];
  /** Flags raised at intake, each code at most once. Computed for REJECTED shipments too. */
  flags: FlagFinding[];
}

const ORDINARY_WAY = 'declare this shipment the ordinary way';

/**
 * Evaluate a schema-valid shipment. Never throws for a shipment; throws a RangeError only
 * when a date in the context is invalid (a programming error: the ETA is schema-validated).
 */
export function evaluateShipment(shipment: ShipmentInput, ctx: EvaluationContext): ShipmentEvaluation {
  const receivedMs = ctx.receivedAt.getTime();
  const arrivalMs = ctx.estimatedArrival.getTime();
  if (!Number.isFinite(receivedMs) || !Number.isFinite(arrivalMs)) {
    throw new RangeError('evaluateShipment: receivedAt and estimatedArrival must be valid dates');
  }

  const violations: RuleViolation[] = [];
  const flags: FlagFinding[] = [];
  const voecNumber = normaliseVoecNumber(shipment.voecNumber);

  if (shipment.consignee.type !== 'PRIVATE') {
    violations.push({
      rule: 'CONSIGNEE_NOT_PRIVATE',
      path: '/consignee/type',
      message: `Consignee type is ${shipment.consignee.type}, but VOEC applies only to private persons; ${ORDINARY_WAY}.`,
    });
  }

  const limit = LIMITS.voecItemValueLimitNok;
  const suspected: string[] = [];
  let firstSuspectedPath: string | undefined;

  shipment.items.forEach((item, index) => {
    // Written as "not under" so that a non-number can never slip through as eligible.
    if (!(item.unitValueNok < limit)) {
      violations.push({
        rule: 'ITEM_VALUE_LIMIT',
        path: `/items/${index}/unitValueNok`,
        message: `Item value ${formatNok(item.unitValueNok)} NOK is not under the VOEC limit of ${limit} NOK per piece; ${ORDINARY_WAY}.`,
      });
    }

    const classification = classifyCommodityCode(item.commodityCode);
    const codePath = `/items/${index}/commodityCode`;
    if (classification.kind === 'EXCLUDED') {
      violations.push({
        rule: 'EXCLUDED_GOODS',
        path: codePath,
        message: `Commodity code ${item.commodityCode} is goods VOEC does not cover (${classification.category}: ${classification.reason}); ${ORDINARY_WAY}.`,
      });
    } else if (classification.kind === 'SUSPECTED') {
      firstSuspectedPath ??= codePath;
      suspected.push(
        `${codePath} ${item.commodityCode} (${classification.category}: ${classification.reason})`,
      );
    }
  });

  if (!isVoecNumberChecksumValid(voecNumber)) {
    flags.push({
      code: 'VOEC_NUMBER_SUSPECT',
      path: '/voecNumber',
      detail:
        voecNumber.length < 2
          ? `VOEC number "${voecNumber}" is too short to be real (VOEC numbers are 7 digits); it is still reported and Digitoll decides, but check it with the seller.`
          : `VOEC number ${voecNumber} fails the MOD-11 check digit that all known VOEC numbers pass; it is still reported and Digitoll decides, but check it for a typing error.`,
    });
  }

  if (firstSuspectedPath !== undefined) {
    flags.push({
      code: 'EXCLUDED_GOODS_SUSPECTED',
      path: firstSuspectedPath,
      detail: `${suspected.length === 1 ? 'An item has a commodity code' : `${suspected.length} items have commodity codes`} in a class VOEC may exclude; the shipment is reported, but review: ${suspected.join('; ')}.`,
    });
  }

  const marginMs = arrivalMs - receivedMs;
  if (marginMs < REPORTING_LEAD_MS) {
    const eta = ctx.estimatedArrival.toISOString();
    flags.push({
      code: 'LATE_SUBMISSION',
      detail:
        marginMs >= 0
          ? `Received ${formatDuration(marginMs)} before the estimated border arrival (${eta}); VOEC data must reach Customs at least 2 h before the border crossing.`
          : `Received ${formatDuration(-marginMs)} after the estimated border arrival (${eta}); VOEC data must reach Customs at least 2 h before the border crossing.`,
    });
  }

  return {
    status: violations.length > 0 ? 'REJECTED' : 'RECEIVED',
    voecNumber,
    violations,
    flags,
  };
}

/** 3000 → "3000", 3000.5 → "3000.50". */
function formatNok(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/** 5_400_000 → "1 h 30 min"; under a minute → "less than 1 min". Whole minutes, rounded down. */
export function formatDuration(ms: number): string {
  const totalMinutes = Math.floor(ms / 60_000);
  if (totalMinutes < 1) return 'less than 1 min';
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  if (hours === 0) return `${minutes} min`;
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} min`;
}
