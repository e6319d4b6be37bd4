import { scan, type Finding, type Recognizer } from '../recognizer';
import { LEFT, RIGHT, SHARED_PATTERNS, afterReferenceWord, digitsIdFinding, hasDigit, nearContext } from './gov-id-context';

/**
 * US Individual Taxpayer Identification Number: 9xx-GG-xxxx where the group GG is 50-65, 70-88, 90-92 or
 * 94-99 (IRS ranges). There is no checksum.
 *
 * The dashed or spaced 3-2-4 form is the SSN shape (the SSN recognizer refuses area 9xx, so the two never
 * claim the same text) and is an ITIN unless a reference word stands right before it. A bare 9-digit run
 * starting with 9 with a group in range is 4.4% of all random 9-digit runs (1/10 × 44/100): it needs a context
 * word near it (ITIN, taxpayer identification number, TIN).
 */
const GROUP = String.raw`(?:5\d|6[0-5]|7\d|8[0-8]|9[0-24-9])`;
const CANDIDATE = new RegExp(
  // Group 1: the dashed or spaced form; the area is factored out (a smaller automaton for the ReDoS checker).
  String.raw`${LEFT}9\d{2}(?:(-${GROUP}-\d{4}| ${GROUP} \d{4})|${GROUP}\d{4})${RIGHT}`,
  'gu',
);
const CONTEXT =
  /(?<![\p{L}\p{N}])(?:ITIN|I\.T\.I\.N|TIN)(?![\p{L}\p{N}])|[Tt]ax ?payer [Ii]dentification|[Tt]ax ?payer ID/u;

export function isItinShape(digits: string): boolean {
  if (!/^9\d{8}$/.test(digits)) return false;
  const group = Number(digits.slice(3, 5));
  return (group >= 50 && group <= 65) || (group >= 70 && group <= 88) || (group >= 90 && group <= 92) || group >= 94;
}

export const usItinRecognizer: Recognizer = {
  name: 'us-itin',
  type: 'GOV_ID',
  anchoredOnDigits: true,
  patterns: [CANDIDATE, CONTEXT, ...SHARED_PATTERNS],
  gate: hasDigit,
  find(text: string, out: Finding[]): void {
    scan(CANDIDATE, text, (m) => {
      const start = m.index;
      const end = start + m[0].length;
      const context = nearContext(text, start, end, CONTEXT);
      const grouped = m[1] !== undefined;
      if (context || (grouped && !afterReferenceWord(text, start))) out.push(digitsIdFinding(start, end, context));
    });
  },
};
