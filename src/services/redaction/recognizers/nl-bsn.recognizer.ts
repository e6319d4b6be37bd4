import { scan, type Finding, type Recognizer } from '../recognizer';
import { LEFT, RIGHT, SHARED_PATTERNS, afterReferenceWord, digitsIdFinding, digitsOf, hasDigit, nearContext } from './gov-id-context';

/**
 * Dutch burgerservicenummer (BSN, formerly sofinummer): 9 digits passing the "11-proef"
 * (9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 mod 11).
 *
 * 1 in 11 random 9-digit runs pass the 11-check, so a bare run is not enough:
 *   - the dotted/spaced 4-2-3 form the Dutch authorities print (`1234.56.782`, `1234 56 782`) + 11-check is
 *     a BSN unless a reference word stands right before it;
 *   - a bare 9-digit run, or 9 digits in any other grouping (`123 456 782` — also the Canadian SIN's shape —,
 *     `12 34 56 782`, `123-45-6782`), + 11-check is a BSN only with a context word near it (BSN,
 *     burgerservicenummer, sofinummer, citizen service number).
 */
const CANDIDATE = new RegExp(
  // Group 1: the printed 4-2-3 form. The common first group is factored out so the ReDoS checker's automaton
  // stays small (written as alternatives, it fell back to fuzzing and took ~7 s).
  String.raw`${LEFT}\d{3}(?:(\d[. ]\d{2}[. ]\d{3})|[ \-]\d{3}[ \-]\d{3}|\d{6})${RIGHT}`,
  'gu',
);
// Other groupings of 9 digits (`12 34 56 782`, `123-45-6782`), scanned only when a context word occurs in the
// text (they are accepted only next to one anyway).
const LOOSE = new RegExp(String.raw`${LEFT}\d{1,4}(?:[ .\-]\d{1,4}){1,5}${RIGHT}`, 'gu');
const NINE_DIGITS = /^\d{9}$/;
const CONTEXT =
  /(?<![\p{L}\p{N}])(?:BSN|B\.S\.N|burger ?service ?nummer|burgerservicenr|sofi(?:[ -]?nummer|[ -]?nr)?|citizen service number)(?![\p{L}\p{N}])/iu;

export function isValidBsn(digits: string): boolean {
  if (!/^\d{9}$/.test(digits) || digits === '000000000') return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += (9 - i) * (digits.charCodeAt(i) - 48);
  sum -= digits.charCodeAt(8) - 48;
  return sum % 11 === 0;
}

export const nlBsnRecognizer: Recognizer = {
  name: 'nl-bsn',
  type: 'GOV_ID',
  anchoredOnDigits: true,
  patterns: [CANDIDATE, LOOSE, CONTEXT, NINE_DIGITS, ...SHARED_PATTERNS],
  gate: hasDigit,
  find(text: string, out: Finding[]): void {
    scan(CANDIDATE, text, (m) => {
      const start = m.index;
      const end = start + m[0].length;
      if (!isValidBsn(digitsOf(m[0]))) return;
      const context = nearContext(text, start, end, CONTEXT);
      const printedForm = m[1] !== undefined;
      if (context || (printedForm && !afterReferenceWord(text, start))) out.push(digitsIdFinding(start, end, context));
    });
    if (!CONTEXT.test(text)) return;
    scan(LOOSE, text, (m) => {
      const start = m.index;
      const end = start + m[0].length;
      const digits = digitsOf(m[0]);
      if (!NINE_DIGITS.test(digits) || !isValidBsn(digits) || afterReferenceWord(text, start)) return;
      if (nearContext(text, start, end, CONTEXT)) {
        out.push(digitsIdFinding(start, end, true));
      }
    });
  },
};
