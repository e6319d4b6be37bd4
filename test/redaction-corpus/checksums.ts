import type { IdKind } from './corpus-case';

/**
 * Validators for the checksummed and rule-bound ids in the corpus, written independently of the recognizers in
 * src/ (a second implementation, so a bug shared by both cannot make a wrong number look right). The test
 * runs each labelled id through `validId`: a corpus case whose checksum is broken fails the test instead of
 * quietly lowering (or raising) a recall figure.
 *
 * Separators users type (spaces, dashes, dots, slashes) are removed before validating.
 */

const SEPARATORS = /[\s.\-/]/g;

function compact(value: string): string {
  return value.replace(SEPARATORS, '').toUpperCase();
}

/** Luhn (ISO/IEC 7812): Canadian SIN and payment cards. */
export function luhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

// Verhoeff's dihedral-group tables (multiplication, permutation) for the Aadhaar check digit.
const VERHOEFF_D = [
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
const VERHOEFF_P = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
  [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
  [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
  [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
  [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
  [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
  [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

export function verhoeff(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let c = 0;
  for (let i = 0; i < digits.length; i++) {
    const d = digits.charCodeAt(digits.length - 1 - i) - 48;
    c = VERHOEFF_D[c][VERHOEFF_P[i % 8][d]];
  }
  return c === 0;
}

/** US SSN: area 001-899 except 666, group 01-99, serial 0001-9999 (SSA rules; 9xx areas are ITINs). */
export function ssn(s: string): boolean {
  const m = /^(\d{3})(\d{2})(\d{4})$/.exec(s);
  if (m === null) return false;
  const area = Number(m[1]);
  return area !== 0 && area !== 666 && area < 900 && m[2] !== '00' && m[3] !== '0000';
}

/** US ITIN: 9xx, group 50-65, 70-88, 90-92 or 94-99 (IRS ranges). */
export function itin(s: string): boolean {
  const m = /^9\d{2}(\d{2})\d{4}$/.exec(s);
  if (m === null) return false;
  const g = Number(m[1]);
  return (g >= 50 && g <= 65) || (g >= 70 && g <= 88) || (g >= 90 && g <= 92) || (g >= 94 && g <= 99);
}

/** UK National Insurance number: prefix letter rules (HMRC), six digits, suffix A-D. */
export function nino(s: string): boolean {
  const m = /^([A-Z])([A-Z])\d{6}[A-D]$/.exec(s);
  if (m === null) return false;
  if ('DFIQUV'.includes(m[1]) || 'DFIOQUV'.includes(m[2])) return false;
  return !['BG', 'GB', 'NK', 'KN', 'TN', 'NT', 'ZZ'].includes(m[1] + m[2]);
}

/** Canadian SIN: nine digits, Luhn; 0 and 8 are not issued as first digit. */
export function sin(s: string): boolean {
  return /^[1-79]\d{8}$/.test(s) && luhn(s);
}

/** Aadhaar: twelve digits, first 2-9, Verhoeff check digit. */
export function aadhaar(s: string): boolean {
  return /^[2-9]\d{11}$/.test(s) && verhoeff(s);
}

/** Indian PAN: five letters (the fourth the holder type), four digits, one letter. No public checksum. */
export function pan(s: string): boolean {
  return /^[A-Z]{3}[ABCFGHJLPT][A-Z]\d{4}[A-Z]$/.test(s);
}

/** French NIR: 13 characters (Corsica 2A/2B counted as 19/18) then key = 97 - (number mod 97). */
export function nir(s: string): boolean {
  const m = /^([12]\d{4}(?:\d{2}|2A|2B)\d{6})(\d{2})$/.exec(s);
  if (m === null) return false;
  const body = m[1].replace('2A', '19').replace('2B', '18');
  return 97 - Number(BigInt(body) % 97n) === Number(m[2]);
}

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** Spanish DNI: eight digits and the letter at (number mod 23). */
export function dni(s: string): boolean {
  const m = /^(\d{8})([A-Z])$/.exec(s);
  return m !== null && DNI_LETTERS[Number(m[1]) % 23] === m[2];
}

/** Spanish NIE: X/Y/Z (read as 0/1/2), seven digits, the DNI check letter. */
export function nie(s: string): boolean {
  const m = /^([XYZ])(\d{7})([A-Z])$/.exec(s);
  return m !== null && DNI_LETTERS[Number('XYZ'.indexOf(m[1]) + m[2]) % 23] === m[3];
}

// Codice fiscale: values of characters in odd (1st, 3rd, ...) positions; even positions use 0-9 / A=0..Z=25.
const CF_ODD: Record<string, number> = {
  '0': 1, '1': 0, '2': 5, '3': 7, '4': 9, '5': 13, '6': 15, '7': 17, '8': 19, '9': 21,
  A: 1, B: 0, C: 5, D: 7, E: 9, F: 13, G: 15, H: 17, I: 19, J: 21, K: 2, L: 4, M: 18,
  N: 20, O: 11, P: 3, Q: 6, R: 8, S: 12, T: 14, U: 16, V: 10, W: 22, X: 25, Y: 24, Z: 23,
};

/** Italian codice fiscale: 6 letters, 2 digits, month letter, 2 digits, place code, check character. */
export function codiceFiscale(s: string): boolean {
  if (!/^[A-Z]{6}\d{2}[ABCDEHLMPRST]\d{2}[A-Z]\d{3}[A-Z]$/.test(s)) return false;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const ch = s[i];
    sum += i % 2 === 0 ? CF_ODD[ch] : /\d/.test(ch) ? Number(ch) : ch.charCodeAt(0) - 65;
  }
  return String.fromCharCode(65 + (sum % 26)) === s[15];
}

/** Dutch BSN: nine digits, 9*d1 + 8*d2 + ... + 2*d8 - d9 divisible by 11 (the "elfproef"). */
export function bsn(s: string): boolean {
  if (!/^\d{9}$/.test(s) || s === '000000000') return false;
  let t = 0;
  for (let i = 0; i < 8; i++) t += (9 - i) * (s.charCodeAt(i) - 48);
  t -= s.charCodeAt(8) - 48;
  return t % 11 === 0;
}

/**
 * German Steuer-ID: eleven digits, first not 0; in the first ten exactly one digit occurs twice or three times
 * (three never all adjacent) and the rest at most once; check digit by ISO 7064 MOD 11,10.
 */
export function steuerId(s: string): boolean {
  if (!/^[1-9]\d{10}$/.test(s)) return false;
  const counts = new Array<number>(10).fill(0);
  for (let i = 0; i < 10; i++) counts[s.charCodeAt(i) - 48]++;
  const repeated = counts.filter((c) => c > 1);
  if (repeated.length !== 1 || repeated[0] > 3) return false;
  if (repeated[0] === 3 && /(\d)\1\1/.test(s.slice(0, 10))) return false;
  let product = 10;
  for (let i = 0; i < 10; i++) {
    let sum = (s.charCodeAt(i) - 48 + product) % 10;
    if (sum === 0) sum = 10;
    product = (sum * 2) % 11;
  }
  const check = 11 - product === 10 ? 0 : 11 - product;
  return check === s.charCodeAt(10) - 48;
}

/** IBAN: ISO 13616 mod 97 = 1 (length per country is not re-checked here). */
export function ibanMod97(s: string): boolean {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(s)) return false;
  const r = s.slice(4) + s.slice(0, 4);
  let rem = 0;
  for (const ch of r) {
    const v = /\d/.test(ch) ? ch : String(ch.charCodeAt(0) - 55);
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1;
}

/** Kinds whose validity is a checksum (the 97 % recall group), as opposed to a format or a context word. */
export const CHECKSUMMED_KINDS: ReadonlySet<IdKind> = new Set<IdKind>([
  'SIN', 'AADHAAR', 'NIR', 'DNI', 'NIE', 'CODICE_FISCALE', 'BSN', 'STEUER_ID', 'CARD', 'IBAN',
]);

/**
 * Whether a labelled id is well-formed for its kind: checksum for checksummed kinds, issuing rules for SSN,
 * ITIN, NINO and PAN. Passport, licence and id-card numbers have no public checksum: `undefined` (not checked).
 */
export function validId(kind: IdKind, value: string): boolean | undefined {
  const s = compact(value);
  switch (kind) {
    case 'SSN': return ssn(s);
    case 'ITIN': return itin(s);
    case 'NINO': return nino(s);
    case 'SIN': return sin(s);
    case 'AADHAAR': return aadhaar(s);
    case 'PAN': return pan(s);
    case 'NIR': return nir(s);
    case 'DNI': return dni(s);
    case 'NIE': return nie(s);
    case 'CODICE_FISCALE': return codiceFiscale(s);
    case 'BSN': return bsn(s);
    case 'STEUER_ID': return steuerId(s);
    case 'CARD': return /^\d{13,19}$/.test(s) && luhn(s);
    case 'IBAN': return ibanMod97(s);
    case 'PASSPORT':
    case 'DRIVING_LICENCE':
    case 'ID_CARD':
      return undefined;
  }
}
