import { scan, type Finding, type Recognizer } from '../recognizer';
import { LEFT, RIGHT, SHARED_PATTERNS, afterReferenceWord, digitsIdFinding, digitsOf, hasDigit, nearContext } from './gov-id-context';

/**
 * German tax identification number (Steuerliche Identifikationsnummer, IdNr): 11 digits, the first not 0
 * (`65929970489`, `65 929 970 489`). Of the first ten digits exactly one digit occurs twice or three times
 * and all others at most once (three equal digits never stand side by side); the eleventh is the ISO 7064
 * MOD 11,10 check digit.
 *
 * False positives: 3.8% of random 10-digit strings meet the repetition rule (one doubled digit: 10·9·10!/2!
 * = 1.63·10⁸; one tripled: 10·36·10!/3! = 2.18·10⁸, of 10¹⁰), the check digit passes 1 in 10, so about 0.4%
 * of random 11-digit runs starting 1-9 pass (measured: 158 of 40,000, de-steuer-id.test.ts) — phone numbers
 * with a trunk 0 never do. That is low enough to
 * redact a valid run on its own, unless a reference word stands right before it (order/tracking numbers).
 */
const CANDIDATE = new RegExp(String.raw`${LEFT}(?:[1-9]\d{10}|[1-9]\d \d{3} \d{3} \d{3})${RIGHT}`, 'gu');
const CONTEXT =
  /(?<![\p{L}\p{N}])(?:Steuer-?ID|Steuer-?Identifikationsnummer|Steueridentifikationsnummer|Identifikationsnummer|IdNr|TIN|tax id)(?![\p{L}\p{N}])/iu;
const SHAPE = /^[1-9]\d{10}$/;

/** ISO 7064 MOD 11,10 check digit of a digit string. */
export function mod11_10CheckDigit(digits: string): number {
  let product = 10;
  for (let i = 0; i < digits.length; i++) {
    let sum = (digits.charCodeAt(i) - 48 + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = 11 - product;
  return check === 10 ? 0 : check;
}

export function isValidSteuerId(digits: string): boolean {
  if (!SHAPE.test(digits)) return false;
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 10; i++) counts[digits.charCodeAt(i) - 48]++;
  let repeated = 0;
  for (const c of counts) {
    if (c > 3) return false;
    if (c >= 2) repeated++;
  }
  if (repeated !== 1) return false;
  for (let i = 2; i < 10; i++) {
    if (digits[i] === digits[i - 1] && digits[i] === digits[i - 2]) return false;
  }
  return mod11_10CheckDigit(digits.slice(0, 10)) === digits.charCodeAt(10) - 48;
}

export const deSteuerIdRecognizer: Recognizer = {
  name: 'de-steuer-id',
  type: 'GOV_ID',
  anchoredOnDigits: true,
  patterns: [CANDIDATE, CONTEXT, SHAPE, ...SHARED_PATTERNS],
  gate: hasDigit,
  find(text: string, out: Finding[]): void {
    scan(CANDIDATE, text, (m) => {
      const start = m.index;
      const end = start + m[0].length;
      if (!isValidSteuerId(digitsOf(m[0]))) return;
      const context = nearContext(text, start, end, CONTEXT);
      if (context || !afterReferenceWord(text, start)) out.push(digitsIdFinding(start, end, context));
    });
  },
};
