import { before, finding, type Finding } from '../recognizer';
import {
  AU_STATES,
  DIRECTIONALS,
  FUNCTION_WORDS,
  STRONG_CONTEXT_WORDS,
  UNIT_WORDS,
  WEAK_CONTEXT_WORDS,
} from './address-vocabulary';

/**
 * Helpers shared by the address recognizers: context before a candidate, the words around it, and the tail
 * that follows a street line (directional, unit, city, state, postcode).
 *
 * Cost: every helper reads a bounded window (at most 48 characters back, at most ~200 forward through at most
 * 8 sticky matches of bounded patterns), so each candidate costs a constant amount whatever the text length.
 */

/** Separator between the parts of one address: a comma (and maybe a line break), a line break, or spaces. */
const SEP = String.raw`(?:[ \t]{0,3}[,;][ \t]{0,3}(?:\r?\n[ \t]{0,3})?|[ \t]{0,3}\r?\n[ \t]{0,3}|[ \t]{1,3})`;
const ESCAPE_RE = /[.*+?^${}()|[\]\\/]/g;
/** A regex alternation of literal words, longest first (used to build context and gate regexes once). */
export const alternation = (words: readonly string[]): string =>
  [...words].sort((a, b) => b.length - a.length).map((w) => w.replace(ESCAPE_RE, '\\$&')).join('|');

/** A strong context word anywhere in the (sentence-cut) window before the candidate. */
// not after '[': the placeholder "[ADDRESS]" of an earlier pass is not an address word (redacting twice is a no-op)
const STRONG_CONTEXT_RE = new RegExp(String.raw`(?<![\p{L}\[])(?:${alternation(STRONG_CONTEXT_WORDS)})`, 'iu');
/** "1600 Pennsylvania Ave NW": a compass point after the street type (checked against DIRECTIONALS). */
const DIRECTIONAL_RE = /[ \t]{1,2}((?:[NS]\.[EW]\.|[NSEW]\.|[NSEW]{1,2}|[NS]orth|[NS]outh|[EW]ast|[EW]est|North[ew][ae]st|South[ew][ae]st))(?![\p{L}\p{N}])/uy;
/** ", Apt 4B", " Suite 200", " #401", "\nFlat 3" after the street line; the word is checked against UNIT_WORDS. */
const UNIT_AFTER_RE = new RegExp(
  SEP + String.raw`(?:(\p{L}{2,11})(?:\.[ \t]{0,2}|[ \t]{1,2})(?:#[ \t]?)?|#[ \t]?)([A-Za-z]?\d{1,5}[A-Za-z]?(?:-\d{1,4})?|[A-Z])(?![\p{L}\p{N}])`,
  'uy',
);
/** "Unit 5, " / "Flat 3\n" / "Apt 4B, " before the house number; the word is checked against UNIT_WORDS. */
const UNIT_BEFORE_RE =
  /(?:^|[^\p{L}\p{N}])(\p{L}{2,11})(?:\.[ \t]{0,2}|[ \t]{1,2})#?[ \t]?(?:[A-Za-z]?\d{1,5}[A-Za-z]?|[A-Z])[ \t]{0,2}[,\/]?[ \t]{0,2}(?:\r?\n[ \t]{0,2})?$/u;
/** Spanish floor and door after the number: "C/ Alcalá 20, 3º izq.", "Calle Mayor 5, 2º B". */
const ES_FLOOR_RE =
  /,?[ \t]{0,2}\d{1,2}[ \t]?[º°ª]\.?(?:[ \t,-]{1,2}(?:izq(?:uierda|da)?|dcha|dch|der(?:echa)?|ctro|centro|[A-H]|\d{1,2}[ \t]?[º°ª])(?![\p{L}\p{N}]))?\.?/uy;
/** German floor and side after the number: "Schillerplatz 9, 2. OG links", "Hauptstraße 5, EG rechts". */
const DE_FLOOR_RE =
  /,?[ \t]{1,2}(?:\d{1,2}\.[ \t]?(?:OG|Obergeschoss|Stock|Etage|Stockwerk)|EG|DG|UG|Erdgeschoss|Dachgeschoss|Hinterhaus|Vorderhaus|Seitenflügel|HH|VH)(?:[ \t,]{1,2}(?:links|rechts|li|re|Mitte|mitte)\.?)?(?![\p{L}\p{N}])/uy;
/** One word of a city, county, state or province between the street line and a postcode. */
const PLACE_WORD_RE = new RegExp(
  SEP + String.raw`(?:\p{Lu}[\p{L}'’.\-]{0,24}|upon|on|am|an|der|de|du|la|le|sur|en|del|di|im)(?![\p{L}\p{N}])`,
  'uy',
);
/**
 * US ZIP / ZIP+4, Canadian and UK postcodes after the street line or its city/state. Lower case is accepted
 * here ("12 baker street, london nw1 6xe"): right after a street line the shape is not a product code.
 */
const EN_POSTCODE_BODY = String.raw`(?:\d{5}(?:-\d{4})?|[A-Za-z]\d[A-Za-z][ \t]?\d[A-Za-z]\d|[A-Za-z]{1,2}\d[A-Za-z\d]?[ \t]?\d[A-Za-z]{2})(?![\p{L}\p{N}])`;
const EN_POSTCODE_RE = new RegExp(SEP + EN_POSTCODE_BODY, 'uy');
/** A lower-case city right before such a postcode: "…, london nw1 6xe", "…, springfield il 62704". */
const LOWER_PLACE_POSTCODE_RE = new RegExp(
  SEP + String.raw`(\p{Ll}[\p{L}'’\-]{1,24})(?:[ \t](\p{Ll}[\p{L}'’\-]{1,24}))?` + SEP + EN_POSTCODE_BODY,
  'uy',
);
/** Australian state and postcode: "Sydney NSW 2000" (four digits alone are too often a year). */
const AU_POSTCODE_RE = new RegExp(SEP + String.raw`(?:${alternation(AU_STATES)})[ \t]{1,2}\d{4}(?![\p{L}\p{N}])`, 'uy');
/** Continental postcode and city: "10115 Berlin", "75002 Paris", "1012 PH Amsterdam", "D-10115 Berlin". */
const CONTINENTAL_POSTCODE_RE = new RegExp(
  SEP + String.raw`(?:[A-Z]{1,2}-)?(?:\d{5}|\d{4}(?:[ \t]?[A-Z]{2}(?![\p{L}\p{N}]))?)[ \t]{1,3}\p{Lu}[\p{L}'’\-]{1,30}(?![\p{L}\p{N}])`,
  'uy',
);
/**
 * The rest of a city: joined by a particle ("Frankfurt am Main", "Châlons en Champagne") or after an article
 * or "Saint"/"Bad"/"San" ("Den Haag", "Le Havre", "San Sebastián", "Bad Homburg").
 */
const CITY_MORE_RE =
  /(?:[ \t](?:am|an|der|de|la|le|sur|en|del|di|im|upon|on)[ \t]|(?<=(?:^|[^\p{L}])(?:Den|De|Le|La|Les|Los|Las|El|San|Santa|Sankt|St\.|Saint|Sainte|Bad|New|Nieuw|Alphen|Val|Villa|Porto|Monte))[ \t])\p{Lu}[\p{L}'’\-]{1,30}(?![\p{L}\p{N}])/uy;
/** Italian province, French CEDEX: "00184 Roma (RM)", "75002 Paris CEDEX 02". */
const PROVINCE_RE = /[ \t]{1,2}(?:\([A-Z]{2}\)|[A-Z]{2}(?![\p{L}\p{N}])|CEDEX(?:[ \t]\d{1,2})?|Cedex(?:[ \t]\d{1,2})?)/uy;

/** A letter or digit (word boundaries that also hold for accented letters). */
export const ALNUM_CHAR_RE = /[\p{L}\p{N}]/u;
export const WHITESPACE_RUN_RE = /\s+/g;
export const FOUR_DIGITS_RE = /^\d{4}/;

export const ADDRESS_CONTEXT_PATTERNS: readonly RegExp[] = [
  ESCAPE_RE,
  ALNUM_CHAR_RE,
  WHITESPACE_RUN_RE,
  FOUR_DIGITS_RE,
  STRONG_CONTEXT_RE,
  DIRECTIONAL_RE,
  UNIT_AFTER_RE,
  UNIT_BEFORE_RE,
  ES_FLOOR_RE,
  DE_FLOOR_RE,
  PLACE_WORD_RE,
  EN_POSTCODE_RE,
  LOWER_PLACE_POSTCODE_RE,
  AU_POSTCODE_RE,
  CONTINENTAL_POSTCODE_RE,
  CITY_MORE_RE,
  PROVINCE_RE,
];

/** Runs a sticky regex at `pos`; returns the match or null. */
function at(re: RegExp, text: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(text);
}

/** The first letter is upper case (ASCII fast path; other scripts through the case mappings). */
export function isCapitalized(word: string): boolean {
  const code = word.charCodeAt(0);
  if (code < 128) return code >= 65 && code <= 90;
  const c = word.charAt(0);
  return c !== c.toLowerCase() && c === c.toUpperCase();
}

/** The first letter is lower case. */
export function isLowerWord(word: string): boolean {
  const code = word.charCodeAt(0);
  if (code < 128) return code >= 97 && code <= 122;
  const c = word.charAt(0);
  return c !== c.toUpperCase() && c === c.toLowerCase();
}

/**
 * The window before `start` that belongs to the same sentence: at most 48 characters (a context word further
 * away is about something else), cut after the last '.', '!' or '?' that is followed by a space.
 */
function sentenceWindow(text: string, start: number): string {
  let w = before(text, start, 48);
  for (let i = w.length - 2; i >= 0; i--) {
    const c = w.charCodeAt(i);
    const next = w.charCodeAt(i + 1);
    if ((c === 46 || c === 33 || c === 63) && (next === 32 || next === 10 || next === 9)) {
      w = w.slice(i + 1);
      break;
    }
  }
  return w;
}

/** "I live at", "ship to", "my address is", "Adresse:", "j'habite au", "abito in" ... before the candidate. */
export function strongContextBefore(text: string, start: number): boolean {
  return STRONG_CONTEXT_RE.test(sentenceWindow(text, start));
}

/** The word (lower case, letters only) directly before `start`, skipping spaces; '' if none on this line. */
export function wordBefore(text: string, start: number): string {
  let i = start - 1;
  const stop = Math.max(0, start - 40);
  while (i >= stop && (text[i] === ' ' || text[i] === '\t')) i--;
  let j = i;
  while (j >= stop && isWordChar(text.charCodeAt(j))) j--;
  return text.slice(j + 1, i + 1).toLowerCase();
}

/** The character directly before `start` once spaces are skipped ('' at the start of the text). */
export function charBefore(text: string, start: number): string {
  let i = start - 1;
  const stop = Math.max(0, start - 8);
  while (i >= stop && (text[i] === ' ' || text[i] === '\t')) i--;
  return i >= 0 ? text[i] : '';
}

/** A preposition or a colon right before the candidate: "at 5 Main St", "to: 12 High St", "Adresse: ...". */
export function weakContextBefore(text: string, start: number): boolean {
  const c = charBefore(text, start);
  if (c === ':') return true;
  const w = wordBefore(text, start);
  return w !== '' && WEAK_CONTEXT_WORDS.has(w);
}

function isWordChar(code: number): boolean {
  // letters (ASCII and everything above U+00BF, which covers accented and non-Latin letters), apostrophes, '/'
  return (
    (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code > 191 || code === 39 || code === 0x2019 || code === 47
  );
}

/** The word after `end` on the same line (after 1-3 spaces), or null when punctuation, a line break or the end follows. */
export function wordAfter(text: string, end: number): string | null {
  let i = end;
  const stop = Math.min(text.length, end + 3);
  while (i < stop && (text[i] === ' ' || text[i] === '\t')) i++;
  if (i === end) return null;
  let j = i;
  const limit = Math.min(text.length, i + 30);
  while (j < limit && isWordChar(text.charCodeAt(j)) && text[j] !== '/') j++;
  return j > i ? text.slice(i, j) : null;
}

/**
 * A lower-case word after a street line that makes the street a modifier: "3 Wall Street banks",
 * "2 Oxford Street shops", "the 12 Baker Street station".
 */
export function isModifiedNoun(word: string, nouns: ReadonlySet<string>, functionWords: ReadonlySet<string>): boolean {
  const w = word.toLowerCase();
  if (!isLowerWord(word) || functionWords.has(w)) return false;
  if (nouns.has(w)) return true;
  return w.length >= 4 && w.endsWith('s') && !w.endsWith('ss');
}

/** Start of a unit written before the street line ("Unit 5, 12 Smith St"), or `start` when there is none. */
export function unitBefore(text: string, start: number): number {
  const w = before(text, start, 32);
  const m = UNIT_BEFORE_RE.exec(w);
  if (m === null || !UNIT_WORDS.has(m[1].toLowerCase())) return start;
  const offset = m[0].startsWith(m[1]) ? 0 : 1;
  return start - w.length + m.index + offset;
}

export interface Tail {
  /** End of the address once directional, unit, floor, city and postcode are included. */
  end: number;
  /** End of the street line with its units, before the city/postcode part. */
  coreEnd: number;
  /** A unit or a postcode was found: strong evidence that the line is an address. */
  strong: boolean;
}

/**
 * Extends a street line (or PO box) over what follows it in the same address:
 *   - `directional`: "NW" after the street type (English forms only);
 *   - `floor`: the Spanish floor/door ("3º izq.");
 *   - a unit (", Apt 4B", " #401");
 *   - a continental postcode with its city (", 10115 Berlin"), or else up to 6 words of city/county/state/
 *     province followed by a US, Canadian, UK or Australian postcode (", Springfield, IL 62704",
 *     "\nLondon SW1A 2AA", ", Sydney NSW 2000"). The city is included only when a postcode closes it, so
 *     "742 Evergreen Terrace, Springfield" keeps its city and "..., Springfield, IL 62704" does not.
 */
export function extendTail(text: string, end: number, opts: { directional?: boolean; floor?: boolean }): Tail {
  let pos = end;
  let strong = false;
  let m: RegExpExecArray | null;
  if (opts.directional === true && (m = at(DIRECTIONAL_RE, text, pos)) !== null && DIRECTIONALS.has(m[1])) {
    pos += m[0].length;
  }
  // floors, doors and units, in any order, at most 3 ("Calle Sierpes 27, piso 2, puerta 4")
  for (let parts = 0; parts < 3; parts++) {
    if (opts.floor === true && (m = at(ES_FLOOR_RE, text, pos)) !== null && m[0].length > 0) pos += m[0].length;
    else if (opts.floor === true && (m = at(DE_FLOOR_RE, text, pos)) !== null) pos += m[0].length;
    else if ((m = at(UNIT_AFTER_RE, text, pos)) !== null && (m[1] === undefined || UNIT_WORDS.has(m[1].toLowerCase()))) {
      pos += m[0].length;
    } else break;
    strong = true;
  }
  const coreEnd = pos;
  if ((m = at(CONTINENTAL_POSTCODE_RE, text, pos)) !== null) {
    pos += m[0].length;
    for (let i = 0; i < 2 && (m = at(CITY_MORE_RE, text, pos)) !== null; i++) pos += m[0].length;
    if ((m = at(PROVINCE_RE, text, pos)) !== null) pos += m[0].length;
    return { end: pos, coreEnd, strong: true };
  }
  let p = pos;
  for (let words = 0; words <= 6; words++) {
    if (
      (m = at(EN_POSTCODE_RE, text, p)) !== null ||
      (m = at(AU_POSTCODE_RE, text, p)) !== null ||
      (words === 0 && (m = lowerPlaceThenPostcode(text, p)) !== null)
    ) {
      return { end: p + m[0].length, coreEnd, strong: true };
    }
    if (words === 6 || (m = at(PLACE_WORD_RE, text, p)) === null) break;
    p += m[0].length;
  }
  return { end: pos, coreEnd, strong };
}

/** "…, london nw1 6xe": a lower-case city (not a function word: "and then 12345 times" is prose) and a postcode. */
function lowerPlaceThenPostcode(text: string, pos: number): RegExpExecArray | null {
  const m = at(LOWER_PLACE_POSTCODE_RE, text, pos);
  if (m === null || FUNCTION_WORDS.has(m[1]) || (m[2] !== undefined && FUNCTION_WORDS.has(m[2]))) return null;
  return m;
}

/** Trailing dots that end the sentence are not part of a street name ("... Baker Street."). */
export function trimTrailingDots(text: string, start: number, end: number): number {
  let e = end;
  while (e > start && text[e - 1] === '.') e--;
  return e;
}

/** An address span; `core` ends the street line before its city/postcode part. */
export interface AddressSpan {
  start: number;
  end: number;
  core?: number;
}

/**
 * One finding per address: overlapping spans (two parses of one address) are merged. Each address whose
 * postcode part could be taken by a higher-priority class (libphonenumber accepts "12043" or "43215-1123" as
 * an Austrian or German number) also gets a fallback finding for its street line alone: the pipeline tries the
 * whole address first and, if a phone claims the postcode, still redacts the street line instead of dropping
 * the whole address. When the whole address wins, the fallback overlaps it and is discarded (never counted).
 */
export function pushMerged(spans: AddressSpan[], out: Finding[]): void {
  if (spans.length === 0) return;
  for (const s of spans) {
    if (s.core !== undefined && s.core > s.start && s.core < s.end) out.push(finding('ADDRESS', s.start, s.core));
  }
  spans.sort((a, b) => a.start - b.start);
  let cur = { ...spans[0] };
  for (let i = 1; i < spans.length; i++) {
    const s = spans[i];
    if (s.start < cur.end) cur.end = Math.max(cur.end, s.end);
    else {
      out.push(finding('ADDRESS', cur.start, cur.end));
      cur = { ...s };
    }
  }
  out.push(finding('ADDRESS', cur.start, cur.end));
}
