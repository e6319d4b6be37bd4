import { hasDigit, scan, type Finding, type Recognizer } from '../recognizer';
import {
  ADDRESS_CONTEXT_PATTERNS,
  ALNUM_CHAR_RE,
  FOUR_DIGITS_RE,
  WHITESPACE_RUN_RE,
  charBefore,
  pushMerged,
  type AddressSpan,
  extendTail,
  isCapitalized,
  isLowerWord,
  isModifiedNoun,
  strongContextBefore,
  trimTrailingDots,
  unitBefore,
  weakContextBefore,
  wordAfter,
  wordBefore,
} from './address-context';
import {
  DE_NL_NOT_NAMES,
  DE_NL_NOT_STREETS,
  DE_NL_STREET_SUFFIXES,
  DE_NL_WEAK_SUFFIXES,
  DE_PREPOSITION_STREET_NOUNS,
  DE_PREPOSITIONS_1,
  DE_PREPOSITIONS_2,
  STREET_NAME_PREFIXES,
  EN_NAME_CONNECTORS,
  EN_SELF_NAMED_TYPES,
  EN_STREET_TYPES,
  EN_TYPE_ABBREVIATIONS,
  FR_AMBIGUOUS_TYPES,
  FR_PARTICLES,
  FR_STREET_TYPES,
  FUNCTION_WORDS,
  MEASURE_WORDS,
  MODIFIED_NOUNS,
  NOT_NAME_WORDS,
  NUMBER_BLOCKERS,
  TITLE_ADDRESSES,
  TYPE_FIRST_AMBIGUOUS,
  TYPE_FIRST_PARTICLES,
  TYPE_FIRST_STREET_TYPES,
} from './address-vocabulary';

/**
 * Street lines: a house number, a street name and a street type, in the orders people write them, plus the
 * unit and the postcode (with the city between or after it) that follow in the same address. One finding per
 * address, `[ADDRESS]`.
 *
 * Every form has a number, so the recognizer anchors on numbers (the gate is "the text has a digit") and
 * parses a bounded window around each one:
 *   - number first, type last (US, UK, Canada, Australia): "742 Evergreen Terrace", "1600 Pennsylvania Ave NW,
 *     Apt 4B", "221B Baker Street", "Unit 5, 12 Smith St", "1/12 Smith St" — 1 to 5 name words, then a type
 *     from EN_STREET_TYPES;
 *   - number, type, name (France): "12 rue de la Paix", "5 avenue des Champs-Élysées", "3 bd Haussmann";
 *   - name then number (Germany, Netherlands, Spain, Italy, Portugal): "Hauptstraße 5", "Kalverstraat 92",
 *     "Berliner Str. 5", "Am Markt 3a", "Unter den Linden 77", "Calle Mayor 5", "C/ Alcalá 20, 3º izq.",
 *     "Via Roma 10", "Piazza Navona 2".
 *
 * What keeps street-like text that is not an address (the hard negatives in the tests):
 *   - a street name without a house number never matches ("Wall Street Journal", "Abbey Road", "Penny Lane");
 *   - a type right after the number is not a street ("5 Drive modes", "10 Court cases", "Top 10 Places",
 *     "Chapter 12 Street Fighter"): at least one name word stands between, except "1600 Broadway";
 *   - a number preceded by a counting/version word (NUMBER_BLOCKERS: "Top", "Chapter", "Windows", "bought")
 *     or by a currency sign is a count, a version or a price;
 *   - a street followed by a plural or by a noun it modifies ("3 Wall Street banks", "2 Oxford Street shops")
 *     or by another capitalised word with no address context ("3 Wall Street Journal articles") is a
 *     modifier, not an address;
 *   - lower-case names ("12 baker street"), ambiguous types ("2 Place Cards", "via Windows 11"), -ring
 *     compounds ("Spring 2024"), German prepositional names without a street noun ("Im Jahr 2020"), numbers
 *     that look like years (1800-2100) and 4-digit house numbers after a name need more evidence: a postcode
 *     or unit in the tail, or an address context before ("I live at", "ship to", "Adresse:", "abito in").
 *
 *   - Title Case headlines ("5 Things To Do On Main Street", "The 12 Days Of Christmas Parade") and a few film
 *     and book titles ("10 Cloverfield Lane", "84 Charing Cross Road") stay unless an address context says
 *     otherwise.
 *
 * City: included only when a postcode follows it ("…, Springfield, IL 62704" is one span) or directly after
 * a continental postcode ("10115 Berlin"); a city without postcode stays. The street line alone is also
 * offered as a fallback finding (see pushMerged), for when another class claims the postcode.
 */

/** A house number: "12", "221B", "12-14", "1/12" (Australian unit/number), not glued to words or decimals. */
const NUMBER_RE = /(?<![\p{L}\p{N}.,:\/$€£¥#+\-_@])\d{1,5}[A-Za-z]?(?:[\/-]\d{1,5}[A-Za-z]?)?(?![\p{L}\p{N}])/gu;
/** One word after the number (sticky, applied at most 7 times per number). */
const WORD_RE = /[ \t]{1,3}([\p{L}\p{N}][\p{L}\p{N}'’.&\-]{0,29})/uy;
/** French "bis"/"ter" or a letter after the number, and an optional comma: "12 bis, rue …". */
const FR_SUFFIX_RE = /(?:[ \t]?(?:bis|ter|quater|[A-Da-d])(?![\p{L}\p{N}]))?,?/uy;
const TITLE_CASE_CONNECTORS: ReadonlySet<string> = new Set(['Of', 'The', 'And', 'OF', 'THE', 'AND']);
const ORDINAL_RE = /^\d{1,3}(?:st|nd|rd|th)$/i;
const FR_ELIDED_NAME_RE = /^[ldLD]['’]\p{Lu}/u;
const ROMAN_RE = /^[IVXL]{1,6}$/;
const LETTER_RE = /\p{L}/u;
/** After a name the number has at most 4 digits ("Hauptstraße 5", "Via Roma 10/A", "Kalverstraat 92-1"). */
/**
 * After the number of a name-then-number address: "45-bis", "9/B", Dutch floors "112 III", "12-hoog", "5 hs".
 */
const HOUSE_SUFFIX_RE = /(?:[ \t-]?(?:bis|ter|quater)|\/[A-Za-z]|[ \t](?:I{1,3}|IV|hs|huis|bg)|-(?:hoog|huis|[A-Za-z]))(?![\p{L}\p{N}])/uy;
/** The street word at the end of a German/Dutch compound ("Hauptstraße", "Kalverstraat"), lower case. */
const COMPOUND_SUFFIX_RE = new RegExp(`(?:${DE_NL_STREET_SUFFIXES.map((x) => x.replace('.', '\\.')).join('|')})$`, 'u');
/** "C/Alcalá": the Spanish type glued to the name. */
const GLUED_TYPE_RE = /^[Cc]\/\p{Lu}/u;
const HOUSE_NUMBER_AFTER_NAME_RE = /^\d{1,4}[A-Za-z]?(?:[\/-]\d{1,4}[A-Za-z]?)?$/;

interface Word {
  w: string;
  s: number;
  e: number;
}

/** The next word after `pos` (1-3 spaces, then a word), or null. */
function nextWord(text: string, pos: number): Word | null {
  WORD_RE.lastIndex = pos;
  const m = WORD_RE.exec(text);
  if (m === null) return null;
  const e = pos + m[0].length;
  return { w: m[1], s: e - m[1].length, e };
}

/** Is there a letter (or an ordinal: "350 5th Ave") after 1-3 spaces at `pos`? (cheap test before any parsing) */
function letterFollows(text: string, pos: number): boolean {
  let i = pos;
  const stop = Math.min(text.length, pos + 4);
  while (i < stop && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  if (i === pos || i >= text.length) return false;
  let code = text.charCodeAt(i);
  if (isLetterCode(code)) return true;
  const digitsEnd = Math.min(text.length, i + 4);
  while (i < digitsEnd && code >= 48 && code <= 57) code = text.charCodeAt(++i);
  return code === 115 || code === 110 || code === 114 || code === 116; // s(t) n(d) r(d) t(h)
}

function isLetterCode(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code > 191;
}

/** Up to `max` words before `end` on the same line, nearest first; stops at a word that ends a sentence. */
function backwardWords(text: string, end: number, max: number, abbreviations: ReadonlySet<string>, limit: number): Word[] {
  const out: Word[] = [];
  let i = end;
  const floor = Math.max(0, end - 100, limit);
  while (out.length < max) {
    let spaces = 0;
    while (i > floor && (text[i - 1] === ' ' || text[i - 1] === '\t') && spaces < 2) {
      i--;
      spaces++;
    }
    if (spaces === 0 && out.length > 0) break;
    const e = i;
    while (i > floor && isBackwardWordChar(text.charCodeAt(i - 1))) i--;
    if (i === e) break;
    const w = text.slice(i, e);
    if (w.endsWith('.') && out.length > 0 && !abbreviations.has(w.toLowerCase())) break;
    out.push({ w, s: i, e });
  }
  return out;
}

function isBackwardWordChar(code: number): boolean {
  return (
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code > 191 ||
    code === 0xba || // º
    code === 0xaa || // ª
    code === 39 ||
    code === 0x2019 ||
    code === 46 ||
    code === 47 ||
    code === 45
  );
}

function stripDots(w: string): string {
  let e = w.length;
  while (e > 0 && w.charCodeAt(e - 1) === 46) e--;
  return e === w.length ? w : w.slice(0, e);
}

/** A 4-digit number in 1800-2100 is as likely a year ("In 2019 Oxford Street was …") as a house number. */
function yearLike(num: string): boolean {
  if (num.length !== 4 || !FOUR_DIGITS_RE.test(num)) return false;
  const n = Number(num);
  return n >= 1800 && n <= 2100;
}

type Span = AddressSpan;

/** Evidence around a candidate, computed lazily (most candidates are decided without it). */
class Evidence {
  private strongCtx: boolean | undefined;
  private weakCtx: boolean | undefined;
  constructor(
    private readonly text: string,
    readonly start: number,
  ) {}
  strong(): boolean {
    return (this.strongCtx ??= strongContextBefore(this.text, this.start));
  }
  weak(): boolean {
    return (this.weakCtx ??= weakContextBefore(this.text, this.start));
  }
  any(): boolean {
    return this.weak() || this.strong();
  }
}

/** Shared rejections for a number that starts the address (English and French orders). */
function numberFirstBlocked(text: string, numStart: number, num: string, tailStrong: boolean, ev: Evidence): boolean {
  if (tailStrong) return false;
  const prev = wordBefore(text, numStart);
  if (NUMBER_BLOCKERS.has(prev) && !ev.strong()) return true;
  const c = charBefore(text, numStart);
  if (c === '$' || c === '€' || c === '£' || c === '¥' || c === '#' || c === '~' || c === '=' || c === '*') return true;
  if (yearLike(num) && prev !== 'at' && !ev.strong()) return true;
  return false;
}

/** "742 Evergreen Terrace", "1600 Pennsylvania Ave NW, Washington, DC 20500", "10 Downing St.". */
function englishStreet(text: string, numStart: number, numEnd: number, num: string): Span | null {
  let typeIdx = -1;
  let lower = false;
  let capitals = 0;
  const words: Word[] = [];
  for (let t = 0, pos = numEnd; t <= 5; t++) {
    const word = nextWord(text, pos);
    if (word === null) break;
    words.push(word);
    pos = word.e;
    const raw = word.w;
    const lw = stripDots(raw).toLowerCase();
    if (EN_STREET_TYPES.has(lw) && (capitals > 0 || lower || (t === 0 && EN_SELF_NAMED_TYPES.has(lw)))) {
      if (t > 0 && EN_NAME_CONNECTORS.has(words[t - 1].w.toLowerCase())) return null;
      typeIdx = t;
      break;
    }
    // is it a valid name word? (a capitalised "Of"/"And"/"The" inside the name is a Title Case headline)
    if (NOT_NAME_WORDS.has(lw)) return null;
    if (t > 0 && TITLE_CASE_CONNECTORS.has(raw)) return null;
    if (ORDINAL_RE.test(raw)) capitals++;
    else if (isCapitalized(raw)) capitals++;
    else if (t > 0 && EN_NAME_CONNECTORS.has(raw)) continue;
    else if (isLowerWord(raw) && LETTER_RE.test(raw)) lower = true;
    else return null;
  }
  if (typeIdx < 0) return null;
  const typeWord = words[typeIdx];
  const bare = stripDots(typeWord.w);
  // keep the dot of an abbreviation ("St.", "Ave."), drop a sentence-ending one ("Street.", "Way.")
  const end = EN_TYPE_ABBREVIATIONS.has(bare.toLowerCase()) ? typeWord.e : typeWord.s + bare.length;
  const tail = extendTail(text, end, { directional: true });
  const ev = new Evidence(text, numStart);
  if (numberFirstBlocked(text, numStart, num, tail.strong, ev)) return null;
  if (!tail.strong) {
    if (lower && !ev.strong()) return null;
    if (TITLE_ADDRESSES.has(text.slice(numStart, end).toLowerCase().replace(WHITESPACE_RUN_RE, ' ')) && !ev.strong()) return null;
    // what follows the street line (after a directional, if any)
    const next = wordAfter(text, tail.end);
    if (next !== null) {
      if (isModifiedNoun(next, MODIFIED_NOUNS, FUNCTION_WORDS) && !ev.strong()) return null;
      // a capitalised word after "St." starts the next sentence ("12 Main St. John will be there")
      const sentenceEnd = text.charCodeAt(tail.end - 1) === 46;
      if (isCapitalized(next) && !sentenceEnd && !FUNCTION_WORDS.has(next.toLowerCase()) && !ev.any()) return null;
    }
  }
  return { start: unitBefore(text, numStart), end: tail.end, core: tail.coreEnd };
}

/** "12 rue de la Paix, 75002 Paris", "5 avenue des Champs-Élysées", "3 bd Haussmann", "12 bis, rue …". */
function frenchStreet(text: string, numStart: number, numEnd: number, num: string): Span | null {
  FR_SUFFIX_RE.lastIndex = numEnd;
  const suffix = FR_SUFFIX_RE.exec(text);
  const from = numEnd + (suffix === null ? 0 : suffix[0].length);
  const first = nextWord(text, from);
  if (first === null) return null;
  const typeRaw = first.w;
  const typeLower = typeRaw.toLowerCase();
  if (!FR_STREET_TYPES.has(stripDots(typeLower))) return null;
  const words: Word[] = [first];
  for (let i = 1, pos = first.e; i <= 6; i++) {
    const word = nextWord(text, pos);
    if (word === null) break;
    words.push(word);
    pos = word.e;
  }
  if (words.length < 2) return null;
  let nameEnd = -1;
  for (let i = 1; i < words.length && i <= 6; i++) {
    const w = words[i].w;
    if (FR_PARTICLES.has(w.toLowerCase())) continue;
    if (isCapitalized(w) || FR_ELIDED_NAME_RE.test(w)) nameEnd = trimTrailingDots(text, words[i].s, words[i].e);
    else break;
  }
  if (nameEnd < 0) return null;
  const particleAfter = FR_PARTICLES.has(words[1].w.toLowerCase());
  const tail = extendTail(text, nameEnd, {});
  const ev = new Evidence(text, numStart);
  if (numberFirstBlocked(text, numStart, num, tail.strong, ev)) return null;
  if (!tail.strong) {
    const ambiguous = FR_AMBIGUOUS_TYPES.has(stripDots(typeLower)) && isCapitalized(typeRaw) && !particleAfter;
    if (ambiguous && !ev.any()) return null;
    const next = wordAfter(text, tail.end);
    if (next !== null && isModifiedNoun(next, MODIFIED_NOUNS, FUNCTION_WORDS) && !ev.strong()) return null;
  }
  return { start: unitBefore(text, numStart), end: tail.end, core: tail.coreEnd };
}

/** Abbreviations that may end a word before the number ("Berliner Str. 5", "Avda. de América 5", "Nr. 5"). */
const BACKWARD_ABBREVIATIONS: ReadonlySet<string> = new Set([
  'str.', 'avda.', 'av.', 'avd.', 'cl.', 'pza.', 'plza.', 'ctra.', 'pso.', 'p.º', 'v.le', 'c.so', 'p.za', 'p.zza',
  'nr.', 'no.', 'n.', 'núm.', 'num.', 'n.º', 'st.',
]);
const NUMBER_MARKERS: ReadonlySet<string> = new Set(['nr', 'nr.', 'no', 'no.', 'n', 'n.', 'nº', 'n.º', 'núm', 'núm.', 'num', 'num.', 'hausnummer']);

function compoundSuffix(word: string): string | null {
  const lw = word.toLowerCase();
  const m = COMPOUND_SUFFIX_RE.exec(lw);
  if (m === null || lw.length - m[0].length < 2) return null;
  for (const notStreet of DE_NL_NOT_STREETS) if (lw.endsWith(notStreet)) return null;
  return m[0];
}

/**
 * A street name written before its house number starts at most this many characters before the number (six
 * words, a marker and the particles before them; "Avenida del Libertador General San Martín" is 41): the
 * bound keeps the recognizer within DIGIT_REACH of its digit (see recognizer.ts), so the pipeline may run it
 * on windows around digits.
 */
const MAX_NAME_BEFORE_NUMBER = 80;

/**
 * Name-then-number forms, parsed backwards from the number: German/Dutch compounds ("Hauptstraße 5",
 * "Karl-Marx-Allee 12", "Kalverstraat 92"), two-word names ("Potsdamer Platz 1", "Berliner Str. 5"),
 * German prepositional names ("Am Markt 3a", "Unter den Linden 77") and Spanish/Italian/Portuguese
 * type-first names ("Calle Mayor 5", "C/ Alcalá 20", "Via Roma 10", "Paseo de la Castellana 100").
 */
function nameThenNumber(text: string, numStart: number, numEnd: number, num: string): Span | null {
  // cheap exit: the number must follow a word (letters, '.', '/') after spaces or a comma
  const nameFloor = numStart - MAX_NAME_BEFORE_NUMBER;
  let c = numStart - 1;
  while (c > 0 && c > numStart - 4 && (text.charCodeAt(c) === 32 || text.charCodeAt(c) === 9 || text.charCodeAt(c) === 44)) c--;
  if (c === numStart - 1 || c < 0) return null;
  const cc = text.charCodeAt(c);
  if (!isLetterCode(cc) && cc !== 46 && cc !== 47 && cc !== 0xba) return null;
  if (!HOUSE_NUMBER_AFTER_NAME_RE.test(num)) return null;
  // separator before the number: spaces, a comma ("Calle Mayor, 5"), a marker ("Nr. 5", "nº 5")
  let i = numStart;
  let k = 0;
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t') && k < 3) {
    i--;
    k++;
  }
  if (k === 0) return null;
  if (text[i - 1] === ',') {
    i--;
    while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t') && k < 6) {
      i--;
      k++;
    }
  }
  let words = backwardWords(text, i, 6, BACKWARD_ABBREVIATIONS, nameFloor);
  if (words.length > 0 && NUMBER_MARKERS.has(words[0].w.toLowerCase())) {
    const markerStart = words[0].s;
    words = backwardWords(text, markerStart, 6, BACKWARD_ABBREVIATIONS, nameFloor);
  }
  if (words.length === 0) return null;
  // every name-then-number form ends its name with a capitalised word (or a Roman numeral: "Vittorio Emanuele II")
  if (!isCapitalized(words[0].w)) return null;

  let start = -1;
  // without a postcode or unit in the tail: 'any' needs an address context or a preposition before,
  // 'strong' needs an address context ("Spring 2024", "Im Jahr 2020" stay even after "in")
  let needs: 'none' | 'any' | 'strong' = 'none';
  const w0 = words[0].w;
  const l0 = w0.toLowerCase();

  // Spanish / Italian / Portuguese: type, particles and names, then the number
  for (let j = 0; j < words.length && j <= 5; j++) {
    const lw = words[j].w.toLowerCase();
    if (j > 0 && TYPE_FIRST_STREET_TYPES.has(lw)) {
      const names = words.slice(0, j);
      const valid =
        (isCapitalized(names[0].w) || ROMAN_RE.test(names[0].w)) &&
        names.every((n) => isCapitalized(n.w) || ROMAN_RE.test(n.w) || TYPE_FIRST_PARTICLES.has(n.w.toLowerCase()));
      if (valid) {
        start = words[j].s;
        if (TYPE_FIRST_AMBIGUOUS.has(lw)) {
          const prevChar = charBefore(text, start);
          const lineStart = wordBefore(text, start) === '' && !ALNUM_CHAR_RE.test(prevChar) && prevChar !== ']';
          const next = wordAfter(text, numEnd);
          if (!(isCapitalized(words[j].w) && lineStart && (next === null || !isLowerWord(next)))) needs = 'any';
        }
      }
      break;
    }
    if (j > 0 && !(isCapitalized(words[j].w) || ROMAN_RE.test(words[j].w) || TYPE_FIRST_PARTICLES.has(lw))) break;
    // "C/Alcalá 20": the type glued to the name
    if (j === 0 && GLUED_TYPE_RE.test(w0)) {
      start = words[0].s;
      break;
    }
  }

  // German: "Am Markt 3a", "Unter den Linden 77", "Am Alten Markt 5"
  if (start < 0) {
    for (let n = 1; n <= 2 && n < words.length; n++) {
      const names = words.slice(0, n);
      if (!names.every((x) => isCapitalized(x.w))) break;
      const one = words[n].w.toLowerCase();
      const two = n + 1 < words.length ? `${words[n + 1].w.toLowerCase()} ${one}` : '';
      let prepStart = -1;
      // a street name starts with a capital ("In der Aue 5"); "wohne in der Alte Landstraße 12" is prose
      if (two !== '' && DE_PREPOSITIONS_2.has(two) && isCapitalized(words[n + 1].w)) prepStart = words[n + 1].s;
      else if (DE_PREPOSITIONS_1.has(one) && isCapitalized(words[n].w)) prepStart = words[n].s;
      if (prepStart >= 0) {
        start = prepStart;
        if (!DE_PREPOSITION_STREET_NOUNS.has(l0) && compoundSuffix(w0) === null) needs = 'strong';
        break;
      }
    }
  }

  // German / Dutch: compound ("Hauptstraße", "Kalverstraat") or separate type word ("Potsdamer Platz")
  if (start < 0 && isCapitalized(w0)) {
    const suffix = compoundSuffix(w0);
    if (suffix !== null) {
      start = words[0].s;
      if (DE_NL_WEAK_SUFFIXES.has(suffix)) needs = 'strong';
    } else if (
      DE_NL_STREET_SUFFIXES.includes(l0) &&
      words.length > 1 &&
      isCapitalized(words[1].w) &&
      !DE_NL_NOT_NAMES.has(words[1].w.toLowerCase())
    ) {
      start = words[1].s;
      if (DE_NL_WEAK_SUFFIXES.has(l0)) needs = 'strong';
    }
  }
  if (start < 0) return null;

  const next = wordAfter(text, numEnd);
  if (next !== null && MEASURE_WORDS.has(next.toLowerCase())) return null;
  HOUSE_SUFFIX_RE.lastIndex = numEnd;
  const suffix = HOUSE_SUFFIX_RE.exec(text);
  const tail = extendTail(text, numEnd + (suffix === null ? 0 : suffix[0].length), { floor: true });
  // Dutch and German particles and adjectives before the street word: "Van Speijkstraat", "Alte Landstraße"
  for (let k = 0; k < 2; k++) {
    const prev = backwardWords(text, start, 1, BACKWARD_ABBREVIATIONS, nameFloor)[0];
    if (prev === undefined || !isCapitalized(prev.w) || !STREET_NAME_PREFIXES.has(prev.w.toLowerCase())) break;
    start = prev.s;
  }
  if (!tail.strong) {
    const ev = new Evidence(text, start);
    if (needs === 'any' && !ev.any()) return null;
    if (needs === 'strong' && !ev.strong()) return null;
    if (FOUR_DIGITS_RE.test(num) && !ev.any()) return null;
    if (next !== null && isModifiedNoun(next, MODIFIED_NOUNS, FUNCTION_WORDS) && MODIFIED_NOUNS.has(next.toLowerCase())) {
      if (!ev.strong()) return null;
    }
  }
  return { start, end: tail.end, core: tail.coreEnd };
}

export const streetAddressRecognizer: Recognizer = {
  name: 'street-address',
  type: 'ADDRESS',
  anchoredOnDigits: true,
  patterns: [NUMBER_RE, HOUSE_SUFFIX_RE, COMPOUND_SUFFIX_RE, WORD_RE, FR_SUFFIX_RE, ORDINAL_RE, FR_ELIDED_NAME_RE, ROMAN_RE, LETTER_RE, HOUSE_NUMBER_AFTER_NAME_RE, GLUED_TYPE_RE, ...ADDRESS_CONTEXT_PATTERNS],
  gate: hasDigit,
  find(text: string, out: Finding[]): void {
    const spans: Span[] = [];
    let lastEnd = 0;
    scan(NUMBER_RE, text, (m) => {
      const numStart = m.index;
      if (numStart < lastEnd) return;
      const numEnd = numStart + m[0].length;
      const num = m[0];
      const found: (Span | null)[] = [];
      if (letterFollows(text, numEnd)) {
        found.push(englishStreet(text, numStart, numEnd, num));
        found.push(frenchStreet(text, numStart, numEnd, num));
      } else if (text.charCodeAt(numEnd) === 44 && letterFollows(text, numEnd + 1)) {
        found.push(frenchStreet(text, numStart, numEnd, num)); // "12, rue de la Paix"
      }
      found.push(nameThenNumber(text, numStart, numEnd, num));
      for (const span of found) {
        if (span === null) continue;
        spans.push(span);
        lastEnd = Math.max(lastEnd, span.end);
      }
    });
    pushMerged(spans, out);
  },
};
