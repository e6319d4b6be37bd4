import { finding, scan, type Finding, type Recognizer } from '../recognizer';
import { LEFT_WORD, RIGHT_WORD, SHARED_PATTERNS, afterReferenceWord, hasDigit, nearContext } from './gov-id-context';

/**
 * Italian codice fiscale of a person: 16 characters — 3 surname + 3 name letters, birth year (2), month letter
 * (ABCDEHLMPRST), birth day (2; +40 for women), municipality code (letter + 3), check letter
 * (`RSSMRA85T10A562S`). Omocodia: when two people would share a code, digits from the right are replaced by
 * the letters LMNPQRSTUV (0-9), so every digit position also accepts those letters.
 *
 * The check letter = (Σ odd-position values + Σ even-position values) mod 26 with the Agenzia delle Entrate
 * tables below; on top, the day (after omocodia decoding) must be 1-31 or 41-71. Together with the rigid shape
 * that leaves no practical false positive, so a valid code is redacted on its own unless a reference word
 * stands right before it. Case-insensitive (people type it in lower case).
 *
 * Known gap: a code whose seven digits are all replaced by omocodia letters has no digit and is found only
 * within DIGIT_REACH of some other digit, like every digit-anchored class (omocodia that deep is vanishingly
 * rare).
 */
const OMO = '[0-9LMNP-Vlmnp-v]';
const CANDIDATE = new RegExp(
  String.raw`${LEFT_WORD}[A-Za-z]{6}${OMO}{2}[ABCDEHLMPRSTabcdehlmprst]${OMO}{2}[A-Za-z]${OMO}{3}[A-Za-z]${RIGHT_WORD}`,
  'gu',
);
const CONTEXT = /(?<![\p{L}\p{N}])(?:codice fiscale|cod\. fisc|C\.F|CF|tessera sanitaria)(?![\p{L}\p{N}])/iu;
const SHAPE = /^[A-Z]{6}[0-9LMNP-V]{2}[ABCDEHLMPRST][0-9LMNP-V]{2}[A-Z][0-9LMNP-V]{3}[A-Z]$/;

// Values of characters in odd (1st, 3rd, …) positions; digits 0-9 share the values of A-J.
const ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
const OMOCODIA = 'LMNPQRSTUV';

function index(c: string): number {
  const code = c.charCodeAt(0);
  return code <= 57 ? code - 48 : code - 65;
}

function decodeDigit(c: string): number {
  const omo = OMOCODIA.indexOf(c);
  return omo >= 0 ? omo : c.charCodeAt(0) - 48;
}

/** Validates an upper-case 16-character code: shape, birth day and check letter. */
export function isValidCodiceFiscale(cf: string): boolean {
  if (!SHAPE.test(cf)) return false;
  const day = decodeDigit(cf[9]) * 10 + decodeDigit(cf[10]);
  if (day < 1 || (day > 31 && day < 41) || day > 71) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) sum += i % 2 === 0 ? ODD[index(cf[i])] : index(cf[i]);
  return String.fromCharCode(65 + (sum % 26)) === cf[15];
}

export const itCodiceFiscaleRecognizer: Recognizer = {
  name: 'it-codice-fiscale',
  type: 'GOV_ID',
  anchoredOnDigits: true,
  patterns: [CANDIDATE, CONTEXT, SHAPE, ...SHARED_PATTERNS],
  gate: hasDigit,
  find(text: string, out: Finding[]): void {
    scan(CANDIDATE, text, (m) => {
      const start = m.index;
      const end = start + m[0].length;
      if (!isValidCodiceFiscale(m[0].toUpperCase())) return;
      if (nearContext(text, start, end, CONTEXT) || !afterReferenceWord(text, start)) {
        out.push(finding('GOV_ID', start, end));
      }
    });
  },
};
