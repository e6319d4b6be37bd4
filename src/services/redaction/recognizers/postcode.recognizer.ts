import { before, hasDigit, scan, type Finding, type Recognizer } from '../recognizer';
import { ADDRESS_CONTEXT_PATTERNS, ALNUM_CHAR_RE, alternation, pushMerged } from './address-context';
import { POSTCODE_AREA_WORDS, POSTCODE_WORDS, POSTCODE_WORDS_UPPER } from './address-vocabulary';

/**
 * Postcodes standing on their own, when a word introduces them: "my postcode is SW1A 2AA", "zip 94103-1234",
 * "postal code: K1A 0B1", "PLZ 10115", "code postal 75002", "CAP 00184", "postcode 1012 AB", and "I live in
 * SW1A 2AA" / "address: …, M5V 3L9". A postcode after a street line is part of that street's finding
 * (street-address extends over it); this recognizer is for the postcode alone.
 *
 * Which word may introduce which shape:
 *   - UK and Canadian postcodes and US ZIP+4 have distinctive shapes: any postcode word or an address word
 *     ("address", "lives in", "located in") up to 40 characters before, in the same sentence;
 *   - digits only (US ZIP, German PLZ, French, Spanish, Italian codes) and Dutch "1234 AB" look like counts,
 *     years and prices: only a postcode word ("zip", "postcode", "PLZ", "CAP", "code postal", …) directly
 *     before, with at most a colon, "is"/"ist"/"est"/"es"/"è" or "number" in between. "salary cap 10000" and
 *     "plz 10000" (please) stay: CAP, CP and PLZ count only in capitals.
 */
const POSTCODE_RE =
  /(?<![\p{L}\p{N}\-])(?:[A-Za-z]{1,2}\d[A-Za-z\d]?[ \t]?\d[A-Za-z]{2}|[A-Za-z]\d[A-Za-z][ \t-]?\d[A-Za-z]\d|\d{5}-\d{4}|\d{4}[ \t]?[A-Z]{2}|\d{4,5})(?![\p{L}\p{N}])/gu;
const DIGITS_ONLY_RE = /^\d{4,5}$/;
const DUTCH_RE = /^\d{4}[ \t]?[A-Z]{2}$/;
/** Filler allowed between a postcode word and a digits-only code: ": ", " is ", " number ", " = ". */
const FILLER_RE = /(?:[ \t:=#-]|(?<!\p{L})(?:is|ist|est|es|è|e|number|no|nr)(?!\p{L})){1,8}$/iu;

const ALL_WORDS = [...POSTCODE_WORDS, ...POSTCODE_AREA_WORDS].map((w) => w.toLowerCase());
/**
 * Gate: a postcode counts only after one of these words, so text without any of them (most text) is not
 * scanned for postcode shapes at all. One pass of a literal alternation.
 */
const GATE_RE = new RegExp(alternation(ALL_WORDS), 'i');
const GATE_UPPER_RE = new RegExp(alternation(POSTCODE_WORDS_UPPER));

function endsWithWord(window: string, words: readonly string[]): boolean {
  for (const w of words) {
    if (window.endsWith(w)) {
      const c = window.charAt(window.length - w.length - 1);
      if (c === '' || !ALNUM_CHAR_RE.test(c)) return true;
    }
  }
  return false;
}

/**
 * A postcode word directly before `start`, with only filler between. CAP and CP (Italian, Spanish, French)
 * introduce five digits only: "CAP 2024" is a cap, not a code.
 */
function postcodeWordDirectlyBefore(text: string, start: number, code: string): boolean {
  let w = before(text, start, 40);
  const filler = FILLER_RE.exec(w);
  if (filler !== null) w = w.slice(0, filler.index);
  if (endsWithWord(w.toLowerCase(), POSTCODE_WORDS)) return true;
  return endsWithWord(w, code.length === 5 ? POSTCODE_WORDS_UPPER : ['PLZ', 'Plz']);
}

/** A postcode or address word in the 40 characters before `start`, in the same sentence. */
function addressWordNear(text: string, start: number): boolean {
  let w = before(text, start, 40);
  // a question may introduce the answer ("postal code? mine is H2X 1Y4"), so '?' does not cut the window
  const stop = Math.max(w.lastIndexOf('. '), w.lastIndexOf('! '), w.lastIndexOf('\n\n'));
  if (stop >= 0) w = w.slice(stop + 1);
  const lower = w.toLowerCase();
  for (const word of ALL_WORDS) {
    const i = lower.indexOf(word);
    // not after '[': "[ADDRESS]" (an earlier pass's placeholder) is not an address word
    if (i >= 0 && (i === 0 || (!ALNUM_CHAR_RE.test(lower.charAt(i - 1)) && lower.charAt(i - 1) !== '['))) return true;
  }
  for (const word of POSTCODE_WORDS_UPPER) {
    const i = w.indexOf(word);
    if (i >= 0 && (i === 0 || !ALNUM_CHAR_RE.test(w.charAt(i - 1)))) return true;
  }
  return false;
}

export const postcodeRecognizer: Recognizer = {
  name: 'postcode',
  type: 'ADDRESS',
  anchoredOnDigits: true,
  patterns: [POSTCODE_RE, DIGITS_ONLY_RE, DUTCH_RE, FILLER_RE, GATE_RE, GATE_UPPER_RE, ...ADDRESS_CONTEXT_PATTERNS],
  gate: (text) => hasDigit(text) && (GATE_RE.test(text) || GATE_UPPER_RE.test(text)),
  find(text: string, out: Finding[]): void {
    const spans: { start: number; end: number }[] = [];
    scan(POSTCODE_RE, text, (m) => {
      const code = m[0];
      const start = m.index;
      const specific = DIGITS_ONLY_RE.test(code) || DUTCH_RE.test(code);
      const ok = specific ? postcodeWordDirectlyBefore(text, start, code) : addressWordNear(text, start);
      if (ok) spans.push({ start, end: start + code.length });
    });
    pushMerged(spans, out);
  },
};
