import { finding, scan, type Finding, type Recognizer } from '../recognizer';
import { LEFT_WORD, RIGHT_WORD, SHARED_PATTERNS, afterReferenceWord, hasDigit, nearContext } from './gov-id-context';

/**
 * Indian Permanent Account Number: five letters, four digits, a letter (`ABCPE1234F`). The fourth letter is
 * the holder type: P person, C company, H Hindu undivided family, F firm, A association of persons, T trust,
 * B body of individuals, L local authority, J artificial juridical person, G government. The last letter is
 * an undisclosed check character, so there is no public checksum.
 *
 * Upper case (the Income Tax Department prints it so) is redacted unless a reference word stands right before
 * it (`SKU ABCPE1234F`); all lower case (`abcpe1234f`) only with a context word (PAN, permanent account number).
 */
const CANDIDATE = new RegExp(
  String.raw`${LEFT_WORD}(?:[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z]|[a-z]{3}[abcfghjlpt][a-z]\d{4}[a-z])${RIGHT_WORD}`,
  'gu',
);
const LOWER = /[a-z]/;
const CONTEXT = /(?<![\p{L}\p{N}])(?:PAN|permanent account number|income tax)(?![\p{L}\p{N}])/iu;
const SHAPE = /^[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z]$/;

export function isValidPan(s: string): boolean {
  return SHAPE.test(s);
}

export const inPanRecognizer: Recognizer = {
  name: 'in-pan',
  type: 'GOV_ID',
  anchoredOnDigits: true,
  patterns: [CANDIDATE, LOWER, CONTEXT, SHAPE, ...SHARED_PATTERNS],
  gate: hasDigit,
  find(text: string, out: Finding[]): void {
    scan(CANDIDATE, text, (m) => {
      const start = m.index;
      const end = start + m[0].length;
      const lower = LOWER.test(m[0]);
      if (nearContext(text, start, end, CONTEXT) || (!lower && !afterReferenceWord(text, start))) {
        out.push(finding('GOV_ID', start, end));
      }
    });
  },
};
