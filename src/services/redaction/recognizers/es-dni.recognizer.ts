import { finding, scan, type Finding, type Recognizer } from '../recognizer';
import { LEFT, RIGHT_WORD, SHARED_PATTERNS, afterReferenceWord, hasDigit, nearContext } from './gov-id-context';

/**
 * Spanish DNI (documento nacional de identidad; also the NIF of a person): 8 digits and a check letter =
 * `TRWAGMYFPDXBNJZSQVHLCKE`[number mod 23] (`12345678Z`, `12345678-Z`, `12.345.678-Z`).
 *
 * The letter passes 1 in 23 random "8 digits + letter" tokens; such tokens are rare in prose, so a valid one
 * is redacted on its own unless a reference word stands right before it (`SKU 12345678Z`). The letter is
 * upper case, except glued to the digits (`12345678z`): "costs 12345678 a year" must not read as a DNI.
 */
export const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

const CANDIDATE = new RegExp(
  String.raw`${LEFT}(?:\d{8}|\d{2}\.\d{3}\.\d{3})(?:[ \-]?[A-Z]|[a-z])${RIGHT_WORD}`,
  'gu',
);
const CONTEXT = /(?<![\p{L}\p{N}])(?:DNI|NIF|D\.N\.I|documento nacional|documento de identidad)(?![\p{L}\p{N}])/iu;
const NOT_DIGITS = /\D/g;

/** The check letter of an 8-digit number (also used by the NIE, whose X/Y/Z prefix counts as 0/1/2). */
export function dniLetter(number: number): string {
  return DNI_LETTERS[number % 23];
}

/** Validates `12345678Z` (digits then letter, separators allowed). */
export function isValidDni(s: string): boolean {
  const digits = s.replace(NOT_DIGITS, '');
  if (digits.length !== 8) return false;
  return dniLetter(Number(digits)) === s[s.length - 1].toUpperCase();
}

export const esDniRecognizer: Recognizer = {
  name: 'es-dni',
  type: 'GOV_ID',
  anchoredOnDigits: true,
  patterns: [CANDIDATE, CONTEXT, NOT_DIGITS, ...SHARED_PATTERNS],
  gate: hasDigit,
  find(text: string, out: Finding[]): void {
    scan(CANDIDATE, text, (m) => {
      const start = m.index;
      const end = start + m[0].length;
      if (!isValidDni(m[0])) return;
      if (nearContext(text, start, end, CONTEXT) || !afterReferenceWord(text, start)) {
        out.push(finding('GOV_ID', start, end));
      }
    });
  },
};
