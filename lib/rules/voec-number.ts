/**
 * VOEC number handling: normalisation of how labels write it, and the MOD-11 check digit.
 *
 * The check is an engineering fact, not a published rule (`shared/reference/voec-rules.md`,
 * "VOEC number"): every known real number passes it, so a failure is a warning flag
 * (`VOEC_NUMBER_SUSPECT`), never a gate. Digitoll validates the number authoritatively.
 *
 * The reading of the rule that all four known real numbers (2056550, 2021137, 2024926,
 * 2034417) satisfy is the literal one: the LAST digit is the check digit; the digits
 * before it are weighted 2, 3, 4, 5, 6, 7, 2, 3, … starting with the digit next to the
 * check digit and moving left; check = 11 − (sum mod 11), where 11 becomes 0 and 10 means
 * no valid check digit exists. (Other readings — weights 7..2 from the right, or counting
 * the check digit's own position as weight 2 — fail at least three of the four.)
 *
 * Because 11 is prime and every weight is 2..7, this check detects every single-digit
 * error and every transposition of two adjacent different digits before the check digit.
 */

/** The check digit's value that signals "no valid number has this body". */
const NO_VALID_CHECK_DIGIT = 10;

/**
 * `"VOEC 2021137"`, `"VOEC2021137"`, `"voec-2021137"`, `" 2021137 "` → `"2021137"`.
 * Strips an optional leading "VOEC" (any case), then keeps only the digits (so spaces and
 * hyphens anywhere disappear). Leading zeros are kept: they are part of what was written.
 */
export function normaliseVoecNumber(raw: string): string {
  return raw
    .trim()
    .replace(/^voec/i, '')
    .replace(/[^0-9]/g, '');
}

/**
 * The MOD-11 check digit for a body (the digits before the check digit), or 10 when no
 * digit can make the body valid. The body must be digits only.
 */
export function voecCheckDigit(body: string): number {
  let sum = 0;
  for (let fromRight = 0; fromRight < body.length; fromRight++) {
    const digit = body.charCodeAt(body.length - 1 - fromRight) - 48;
    sum += digit * (2 + (fromRight % 6));
  }
  const check = 11 - (sum % 11);
  return check === 11 ? 0 : check;
}

/**
 * True when `digits` (already normalised: digits only) passes the MOD-11 check described
 * above. Any length of 2 or more digits is checked (real numbers are 7 digits, but this is
 * a warning, not a gate). Fewer than 2 digits, or anything that is not only digits, is
 * suspect: false.
 */
export function isVoecNumberChecksumValid(digits: string): boolean {
  if (!/^[0-9]{2,}$/.test(digits)) return false;
  const expected = voecCheckDigit(digits.slice(0, -1));
  if (expected === NO_VALID_CHECK_DIGIT) return false;
  return digits.charCodeAt(digits.length - 1) - 48 === expected;
}
