import { finding, scan, type Finding, type Recognizer } from '../recognizer';
import { LEFT_WORD, RIGHT_WORD, SHARED_PATTERNS, afterReferenceWord, hasDigit, nearContext } from './gov-id-context';
import { dniLetter } from './es-dni.recognizer';

/**
 * Spanish NIE (número de identidad de extranjero): X, Y or Z, 7 digits, and the DNI check letter computed
 * with the prefix read as 0, 1 or 2 (`X1234567L`, `Y-1234567-X`). 1 in 23 random tokens of the shape pass; a
 * valid one is redacted unless a reference word stands right before it. Upper case, or all lower case glued.
 */
const CANDIDATE = new RegExp(String.raw`${LEFT_WORD}(?:[XYZ][ \-]?\d{7}[ \-]?[A-Z]|[xyz]\d{7}[a-z])${RIGHT_WORD}`, 'gu');
const CONTEXT = /(?<![\p{L}\p{N}])(?:NIE|N\.I\.E|extranjero|TIE)(?![\p{L}\p{N}])/iu;
const NOT_DIGITS = /\D/g;

export function isValidNie(s: string): boolean {
  const upper = s.toUpperCase();
  const digits = upper.replace(NOT_DIGITS, '');
  if (digits.length !== 7) return false;
  const prefix = 'XYZ'.indexOf(upper[0]);
  if (prefix < 0) return false;
  return dniLetter(Number(`${prefix}${digits}`)) === upper[upper.length - 1];
}

export const esNieRecognizer: Recognizer = {
  name: 'es-nie',
  type: 'GOV_ID',
  anchoredOnDigits: true,
  patterns: [CANDIDATE, CONTEXT, NOT_DIGITS, ...SHARED_PATTERNS],
  gate: hasDigit,
  find(text: string, out: Finding[]): void {
    scan(CANDIDATE, text, (m) => {
      const start = m.index;
      const end = start + m[0].length;
      if (!isValidNie(m[0])) return;
      if (nearContext(text, start, end, CONTEXT) || !afterReferenceWord(text, start)) {
        out.push(finding('GOV_ID', start, end));
      }
    });
  },
};
