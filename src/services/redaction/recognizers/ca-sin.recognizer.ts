import { scan, type Finding, type Recognizer } from '../recognizer';
import { LEFT, RIGHT, SHARED_PATTERNS, afterReferenceWord, digitsIdFinding, digitsOf, hasDigit, nearContext } from './gov-id-context';

/**
 * Canadian Social Insurance Number: 9 digits, Luhn check (`046 454 286`, `046-454-286`, `046454286`).
 *
 * Luhn alone is weak evidence: 1 in 10 random 9-digit runs pass it, and bare 9-digit runs are everywhere
 * (order numbers, ids, amounts in cents). So:
 *   - the grouped 3-3-3 form (one separator, space or dash) + Luhn is a SIN unless a reference word
 *     (order, ticket, SKU, ... — gov-id-context.ts) stands right before it. 3-3-3 is how the SIN is printed
 *     and written; phone numbers are 3-3-4, so they do not reach the check;
 *   - a bare 9-digit run + Luhn is a SIN only with a context word near it (SIN, social insurance, NAS,
 *     numéro d'assurance sociale): without one, 10% of all order numbers would be redacted.
 * The all-zero run passes Luhn and is refused.
 */
// The common first group is factored out so the ReDoS checker's automaton stays small (it fell back to fuzzing).
const CANDIDATE = new RegExp(String.raw`${LEFT}\d{3}(?:(-\d{3}-\d{3}| \d{3} \d{3})|\d{6})${RIGHT}`, 'gu');
// `SIN` alone only in capitals: lower-case "sin" is the trigonometric function and an English word; followed
// by "number", "no" or "#" it is the id in any case.
const CONTEXT =
  /(?<![\p{L}\p{N}])(?:SIN|S\.I\.N|NAS|N\.A\.S|[Ss][Ii][Nn] ?(?:number|no|nr|#))(?![\p{L}\p{N}])|[Ss]ocial[ -][Ii]nsurance|[Aa]ssurance[ -][Ss]ociale/u;

/** Luhn (mod 10) over a digit string. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function isValidSin(digits: string): boolean {
  return /^\d{9}$/.test(digits) && digits !== '000000000' && luhnValid(digits);
}

export const caSinRecognizer: Recognizer = {
  name: 'ca-sin',
  type: 'GOV_ID',
  anchoredOnDigits: true,
  patterns: [CANDIDATE, CONTEXT, ...SHARED_PATTERNS],
  gate: hasDigit,
  find(text: string, out: Finding[]): void {
    scan(CANDIDATE, text, (m) => {
      const start = m.index;
      const end = start + m[0].length;
      if (!isValidSin(digitsOf(m[0]))) return;
      const context = nearContext(text, start, end, CONTEXT);
      const grouped = m[1] !== undefined;
      if (context || (grouped && !afterReferenceWord(text, start))) out.push(digitsIdFinding(start, end, context));
    });
  },
};
