import { finding, hasDigit, SHARED_GATE_PATTERNS, type Finding, type Recognizer } from '../recognizer';

/**
 * IBAN: upper-case country code + 2 check digits + BBAN, compact or in 4-character groups; the country must be
 * in the SWIFT IBAN registry with the exact registered length, and the ISO 13616 mod-97 check must equal 1.
 * A spaced candidate that fails is retried without its last one/two groups (a following all-caps word such as
 * `EUR`). Lower-case IBANs are not matched (they are rare and the upper-case rule keeps ordinary words out).
 */
const IBAN_RE = /(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/g;
const GATE_RE = /[A-Z]{2}\d\d/;

// SWIFT IBAN registry: country -> total length. Nicaragua moved from 32 to 28 characters; both are accepted.
const IBAN_LENGTH: Readonly<Record<string, number | readonly number[]>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28,
  CH: 21, CR: 22, CY: 28, CZ: 24, DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18,
  FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27, GT: 28, HN: 28, HR: 21, HU: 28,
  IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: [28, 32],
  NL: 18, NO: 15, OM: 23, PK: 24, PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24,
  SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25, SV: 28, TL: 23, TN: 24, TR: 26,
  UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};

/** Registry length + ISO 13616 / ISO 7064 MOD 97-10 on the compact (space-free) form. */
export function ibanValid(compact: string): boolean {
  const expected = IBAN_LENGTH[compact.slice(0, 2)];
  if (expected === undefined) return false;
  if (typeof expected === 'number' ? compact.length !== expected : !expected.includes(compact.length)) return false;
  // Move the first 4 chars to the end, letters -> 10..35, value mod 97 == 1.
  let rem = 0;
  const n = compact.length;
  for (let k = 0; k < n; k++) {
    const c = compact.charCodeAt((k + 4) % n);
    rem = c <= 57 ? (rem * 10 + (c - 48)) % 97 : (rem * 100 + (c - 55)) % 97;
  }
  return rem === 1;
}

const SPACES_RE = / /g;

export const ibanRecognizer: Recognizer = {
  name: 'iban',
  type: 'IBAN',
  anchoredOnDigits: true,
  patterns: [IBAN_RE, GATE_RE, ...SHARED_GATE_PATTERNS],
  gate: (text) => hasDigit(text) && GATE_RE.test(text),
  find(text: string, out: Finding[]): void {
    IBAN_RE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = IBAN_RE.exec(text)) !== null) {
      let candidate = m[0];
      // A spaced IBAN may have picked up a following 1-4 char all-caps/digit word; retry without it (twice max).
      for (let attempt = 0; attempt < 3; attempt++) {
        if (ibanValid(candidate.replace(SPACES_RE, ''))) {
          out.push(finding('IBAN', m.index, m.index + candidate.length));
          break;
        }
        const cut = candidate.lastIndexOf(' ');
        if (cut < 0) break;
        candidate = candidate.slice(0, cut);
      }
    }
  },
};
