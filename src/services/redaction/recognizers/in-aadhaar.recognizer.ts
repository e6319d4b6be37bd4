import { scan, type Finding, type Recognizer } from '../recognizer';
import { LEFT, RIGHT, SHARED_PATTERNS, afterReferenceWord, digitsIdFinding, digitsOf, hasDigit, nearContext } from './gov-id-context';

/**
 * Indian Aadhaar number: 12 digits, the first 2-9, the last a Verhoeff check digit (`2345 6789 0124`).
 *
 * Verhoeff passes 1 in 10 random runs, and bare 12-digit runs are common (timestamps `202412011530`, order
 * and tracking numbers), so:
 *   - the 4-4-4 grouped form UIDAI prints (space or dash) + Verhoeff is an Aadhaar number unless a reference
 *     word stands right before it (a 4-4-4-4 card number is not a candidate: the group run must end);
 *   - a bare 12-digit run + Verhoeff needs a context word near it (Aadhaar, Aadhar, आधार, UIDAI, UID).
 */
const CANDIDATE = new RegExp(
  // Group 1: the grouped form; the first group is factored out (a smaller automaton for the ReDoS checker).
  String.raw`${LEFT}[2-9]\d{3}(?:( \d{4} \d{4}|-\d{4}-\d{4})|\d{8})${RIGHT}`,
  'gu',
);
const CONTEXT = /(?<![\p{L}\p{N}])(?:aa?dh?aa?r|UIDAI|UID|आधार)(?![\p{L}\p{N}])/iu;
const SHAPE = /^[2-9]\d{11}$/;

// Verhoeff's dihedral-group multiplication (D) and position permutation (P) tables; P[i + 1][j] = P[i][P[1][j]]
// (the test derives the rows so).
const D = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
  [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
  [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
  [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
  [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
  [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
  [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
  [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
  [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/** Verhoeff check over a digit string whose last digit is the check digit. */
export function verhoeffValid(digits: string): boolean {
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    c = D[c][P[i % 8][digits.charCodeAt(digits.length - 1 - i) - 48]];
  }
  return c === 0;
}

export function isValidAadhaar(digits: string): boolean {
  return SHAPE.test(digits) && verhoeffValid(digits);
}

export const inAadhaarRecognizer: Recognizer = {
  name: 'in-aadhaar',
  type: 'GOV_ID',
  anchoredOnDigits: true,
  patterns: [CANDIDATE, CONTEXT, SHAPE, ...SHARED_PATTERNS],
  gate: hasDigit,
  find(text: string, out: Finding[]): void {
    scan(CANDIDATE, text, (m) => {
      const start = m.index;
      const end = start + m[0].length;
      if (!isValidAadhaar(digitsOf(m[0]))) return;
      const context = nearContext(text, start, end, CONTEXT);
      const grouped = m[1] !== undefined;
      if (context || (grouped && !afterReferenceWord(text, start))) out.push(digitsIdFinding(start, end, context));
    });
  },
};
