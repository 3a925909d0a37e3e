import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VoecNumberInput } from '../../../lib/manifest/schema.ts';
import { isVoecNumberChecksumValid, normaliseVoecNumber } from '../../../lib/rules/index.ts';
import { voecCheckDigit } from '../../../lib/rules/voec-number.ts';
import { KNOWN_VOEC_NUMBERS } from './arbitraries.ts';

describe('normaliseVoecNumber', () => {
  it.each([
    ['VOEC 2021137', '2021137'],
    ['VOEC2021137', '2021137'],
    ['voec-2021137', '2021137'],
    ['Voec - 2021137', '2021137'],
    [' 2021137 ', '2021137'],
    ['2021137', '2021137'],
    ['\tVOEC 2021137\n', '2021137'],
    ['202-1137', '2021137'],
    ['0021137', '0021137'],
  ])('%j → %j', (raw, expected) => {
    expect(normaliseVoecNumber(raw)).toBe(expected);
  });

  it('returns the digits for any input the schema accepts, whatever the prefix and spacing', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('', 'VOEC', 'voec', 'VoEc', 'VOEC ', 'VOEC-', 'voec - ', 'VOEC\t'),
        fc.stringMatching(/^[0-9]{1,17}$/),
        fc.constantFrom('', ' ', ' \t'),
        fc.constantFrom('', ' ', '\n'),
        (prefix, digits, lead, trail) => {
          const raw = `${lead}${prefix}${digits}${trail}`;
          expect(VoecNumberInput.safeParse(raw).success).toBe(true);
          expect(normaliseVoecNumber(raw)).toBe(digits);
        },
      ),
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(fc.string(), (raw) => {
        const once = normaliseVoecNumber(raw);
        expect(normaliseVoecNumber(once)).toBe(once);
        expect(once).toMatch(/^[0-9]*$/);
      }),
    );
  });
});

describe('isVoecNumberChecksumValid (MOD-11, weights 2..7 from the right over the body)', () => {
  it.each(KNOWN_VOEC_NUMBERS)('accepts the known real VOEC number %s', (digits) => {
    expect(isVoecNumberChecksumValid(digits)).toBe(true);
  });

  it('computes the check digits of the known numbers (2056550 is the 11 → 0 case)', () => {
    expect(KNOWN_VOEC_NUMBERS.map((n) => voecCheckDigit(n.slice(0, 6)))).toEqual([0, 7, 6, 7]);
    // 2056550: 5·2 + 5·3 + 6·4 + 5·5 + 0·6 + 2·7 = 88 = 8·11 → 11 − 0 = 11 → 0.
    expect(voecCheckDigit('205655')).toBe(0);
  });

  it('cycles the weights back to 2 after 7 (numbers longer than 7 digits)', () => {
    // body 1234567: 7·2 + 6·3 + 5·4 + 4·5 + 3·6 + 2·7 + 1·2 = 106; 106 mod 11 = 7; 11 − 7 = 4.
    expect(isVoecNumberChecksumValid('12345674')).toBe(true);
    // With a weight of 8 instead of 2 for the 7th digit the check would be 9.
    expect(isVoecNumberChecksumValid('12345679')).toBe(false);
  });

  it('handles short numbers: fewer than 2 digits is suspect, 2 digits is checked', () => {
    expect(isVoecNumberChecksumValid('')).toBe(false);
    expect(isVoecNumberChecksumValid('0')).toBe(false);
    expect(isVoecNumberChecksumValid('7')).toBe(false);
    expect(isVoecNumberChecksumValid('19')).toBe(true); // 1·2 = 2 → 11 − 2 = 9
    expect(isVoecNumberChecksumValid('18')).toBe(false);
    expect(isVoecNumberChecksumValid('00')).toBe(true); // 0 → 11 → 0
  });

  it('rejects input that is not only digits (it expects normalised digits)', () => {
    expect(isVoecNumberChecksumValid('VOEC 2021137')).toBe(false);
    expect(isVoecNumberChecksumValid(' 2021137')).toBe(false);
    expect(isVoecNumberChecksumValid('２０２１１３７')).toBe(false); // full-width digits
  });

  it('treats a body whose check would be 10 as invalid, whatever the last digit', () => {
    // body 6: 6·2 = 12; 12 mod 11 = 1; 11 − 1 = 10 → no valid check digit.
    expect(voecCheckDigit('6')).toBe(10);
    for (let last = 0; last <= 9; last++) expect(isVoecNumberChecksumValid(`6${last}`)).toBe(false);
    // A 7-digit example: body 200010 → 1·3 + 2·7 = 17; 17 mod 11 = 6 → check 5, so 2000105 is valid,
    // while body 000006 → 6·2 = 12 → 1 → 10: no 7-digit number starting 000006 is valid.
    expect(isVoecNumberChecksumValid('2000105')).toBe(true);
    for (let last = 0; last <= 9; last++) expect(isVoecNumberChecksumValid(`000006${last}`)).toBe(false);
  });

  it('detects every single-digit change of the four known numbers (all 4 × 7 × 9 mutations)', () => {
    for (const valid of KNOWN_VOEC_NUMBERS) {
      for (let position = 0; position < valid.length; position++) {
        for (let digit = 0; digit <= 9; digit++) {
          if (String(digit) === valid[position]) continue;
          const mutated = valid.slice(0, position) + digit + valid.slice(position + 1);
          expect(isVoecNumberChecksumValid(mutated), mutated).toBe(false);
        }
      }
    }
  });

  /**
   * What is actually true for this MOD-11: every weight (2..7) is non-zero mod 11 and 11 is
   * prime, so changing one body digit always changes (sum mod 11) and thus the required check
   * digit (the map from sum mod 11 to check is one-to-one, with "10" meaning none exists);
   * changing the check digit itself obviously mismatches. So EVERY single-digit mutation of a
   * valid number fails — the 10 → invalid case is one of the ways it fails, not an exception.
   */
  const validNumber = fc
    .stringMatching(/^[0-9]{1,16}$/)
    .filter((body) => voecCheckDigit(body) !== 10)
    .map((body) => body + String(voecCheckDigit(body)));

  it('property: generated valid numbers pass', () => {
    fc.assert(
      fc.property(validNumber, (digits) => {
        expect(isVoecNumberChecksumValid(digits)).toBe(true);
      }),
    );
  });

  it('property: changing any one digit of a valid number makes the check fail', () => {
    fc.assert(
      fc.property(validNumber, fc.nat(), fc.integer({ min: 1, max: 9 }), (valid, at, delta) => {
        const position = at % valid.length;
        const digit = (Number(valid[position]) + delta) % 10;
        const mutated = valid.slice(0, position) + digit + valid.slice(position + 1);
        expect(mutated).not.toBe(valid);
        expect(isVoecNumberChecksumValid(mutated)).toBe(false);
      }),
    );
  });

  it('property: swapping two different adjacent digits before the check digit makes the check fail', () => {
    fc.assert(
      fc.property(
        validNumber.filter((n) => n.length >= 3),
        fc.nat(),
        (valid, at) => {
          const position = at % (valid.length - 2); // swap position and position + 1, both in the body
          const a = valid[position];
          const b = valid[position + 1];
          fc.pre(a !== b);
          const swapped = `${valid.slice(0, position)}${b}${a}${valid.slice(position + 2)}`;
          expect(isVoecNumberChecksumValid(swapped)).toBe(false);
        },
      ),
    );
  });

  it('property: for any body exactly one last digit is valid, or none when the check would be 10', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,16}$/), (body) => {
        const validLastDigits = [...'0123456789'].filter((d) => isVoecNumberChecksumValid(body + d));
        expect(validLastDigits.length).toBe(voecCheckDigit(body) === 10 ? 0 : 1);
      }),
    );
  });
});
