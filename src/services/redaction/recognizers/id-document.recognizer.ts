import { before, finding, scan, type Finding, type Recognizer } from '../recognizer';
import { SHARED_PATTERNS, hasDigit } from './gov-id-context';

/**
 * Passport, driving-licence and identity-card numbers. Their formats differ per country and have no public
 * checksum, so a number counts only when an introducing word stands close before it: "passport number
 * X1234567", "Passport No.: 533380006", "DL# D1234567", "Reisepass-Nr. C01X00T47", "numéro de passeport
 * 12AB34567", "permiso de conducir: 12345678Z", "rijbewijsnummer 5123456789". Generic alphanumerics without such
 * a word stay (`RTX 4090`, `SKU AB123456C`).
 *
 * After the word, at most 4 filler words ("number", "is", "de", "du", "no.") within 40 characters, then the
 * first token that contains a digit is the candidate. It is redacted if it has 6-12 letters/digits (6-16 after
 * a licence word: UK licence numbers have 16, `MORGA753116SM9IJ`), at least one digit, and is not a date
 * (`passport expires 2030-05-12`). The scan stops at the first digit-bearing token, a sentence end (`!?;`,
 * a line break, a period not after an abbreviation like "No."), or a word that says the number is something
 * else: expiry/issue dates, fees, photo sizes, licence keys and plates ("license key ABCD1234EFGH").
 * A word like "order ID number" or "user ID card" is not an introduction (reference word right before "ID").
 */
const INTRO = new RegExp(
  String.raw`(?<![\p{L}\p{N}])(?:` +
    [
      // English
      String.raw`passports?`,
      String.raw`driver'?s'? ?licen[cs]es?`,
      String.raw`driving ?licen[cs]es?`,
      String.raw`licen[cs]es?`,
      String.raw`ID[ \-]?(?:numbers?|cards?|no|nr|num|#)`,
      String.raw`identity (?:card|document|number)`,
      String.raw`national ID`,
      // German
      String.raw`reisepass(?:nummer|nr)?`,
      // "Pass" alone is an English verb; only with its number word ("Pass-Nr.", "Passnummer").
      String.raw`pass[ \-]?(?:nummer|nr)`,
      String.raw`personalausweis(?:nummer|nr)?`,
      String.raw`ausweis(?:nummer|nr)?`,
      String.raw`f(?:ü|ue|u)hrerschein(?:nummer|nr)?`,
      // French
      String.raw`passeport`,
      String.raw`permis de conduire`,
      String.raw`permis`,
      String.raw`carte (?:nationale )?d['’]identit[ée]`,
      // Spanish
      String.raw`pasaporte`,
      String.raw`permiso de conduc(?:ir|ción|cion)`,
      String.raw`carn[ée]t? de conduc(?:ir|ción|cion)`,
      String.raw`documento (?:nacional )?de identidad`,
      // Italian
      String.raw`passaporto`,
      String.raw`patente(?: di guida)?`,
      String.raw`carta d['’]identit[àa]`,
      // Dutch
      String.raw`paspoort(?:nummer)?`,
      String.raw`rijbewijs(?:nummer)?`,
      String.raw`identiteitskaart`,
      String.raw`ID[ \-]?kaart`,
    ].join('|') +
    String.raw`)(?![\p{L}\p{N}])`,
  'giu',
);
// "DL" only in capitals: lower-case "dl" is a unit (decilitre) and a download abbreviation.
const INTRO_DL = /(?<![\p{L}\p{N}])DL(?![\p{L}\p{N}])/gu;
const LICENCE_WORD = /licen|f(?:ü|ue|u)hrer|permis|conduc|patente|rijbewijs|^DL$/iu;
// "order ID number", "user ID card": a reference right before the word means it does not introduce a document.
const NOT_A_DOCUMENT_BEFORE =
  /(?<![\p{L}\p{N}])(?:orders?|tickets?|invoices?|users?|customers?|clients?|accounts?|transactions?|requests?|sessions?|products?|items?|device|tracking|employee|student|member|booking|software|product|MIT|BSD|Apache|GPL|open[ -]source|app)[\s\-]{1,2}$/iu;

// One token: letters/digits, optionally joined by single dashes (`D123-4567-8901`). A digit-bearing token is
// extended over single spaces between digits (`1234 5678 9012`) in code (as lookarounds inside the repetition,
// the ReDoS checker could only fuzz the pattern).
const TOKEN = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+){0,4}/gu;
const DIGIT_GROUP = /\p{N}[\p{L}\p{N}]*(?:-[\p{L}\p{N}]+){0,4}/uy;
const ENDS_WITH_DIGIT = /\p{N}$/u;
const CONTINUES = /^[.,/][\p{N}[]/u;
const MAX_SPACED_GROUPS = 4;
const HAS_DIGIT = /\p{N}/u;
const ALNUM = /[^\p{L}\p{N}]/gu;
// A gap between the word and the token that ends the sentence: a line break, '!', '?', ';' or '.' + space
// (the period of an abbreviation like "No." is checked separately).
// A bracket ends it too: a placeholder (`passport [GOV_ID] 12345678`) must not let a second run take the next
// number (redacting twice is a no-op).
const SENTENCE_END = /[\n!?;[\]]|\.(?:\s|$)/;
// The last word before the period is an abbreviation (tested on a filler word or on the whole intro).
const ABBREVIATION = /(?<![\p{L}])(?:no|nr|num|n|nº|n°|núm|st)$/iu;
// Words after which the number is something else. A Set, not a regex alternation (as a regex its automaton took
// the ReDoS checker ~6 s).
const FILLER_STOP = new Set(
  (
    'expiry expiration valid issue issued issuance since until fee fees photo photos size key keys plate plates ' +
    'server file version renewal ausgestellt gültig gueltig bis seit délivré valable caduca expedido scadenza geldig ' +
    'afgegeven'
  ).split(' '),
);
const STOP_PREFIXES = ['expir', 'rilasciat'];

function stops(word: string): boolean {
  const w = word.toLowerCase();
  return FILLER_STOP.has(w) || STOP_PREFIXES.some((p) => w.startsWith(p));
}
const DATE_LIKE = /^(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}-\d{2,4})$/;

const WINDOW = 40;
const MAX_FILLER_WORDS = 4;

function candidateAfter(text: string, intro: string, introEnd: number, out: Finding[]): void {
  const licence = LICENCE_WORD.test(intro);
  const window = text.slice(introEnd, introEnd + WINDOW);
  let prevEnd = 0;
  // "ID-Nr. 123…": the intro's own last word may be the abbreviation whose period follows.
  let prevWord = intro;
  let words = 0;
  let m: RegExpExecArray | null;
  TOKEN.lastIndex = 0;
  while ((m = TOKEN.exec(window)) !== null) {
    const gap = window.slice(prevEnd, m.index);
    const endMatch = SENTENCE_END.exec(gap);
    if (endMatch !== null && !(endMatch[0][0] === '.' && endMatch.index === 0 && ABBREVIATION.test(prevWord))) return;
    let token = m[0];
    if (HAS_DIGIT.test(token)) {
      for (let g = 0; g < MAX_SPACED_GROUPS && ENDS_WITH_DIGIT.test(token); g++) {
        const at = m.index + token.length;
        if (window[at] !== ' ') break;
        DIGIT_GROUP.lastIndex = at + 1;
        const next = DIGIT_GROUP.exec(window);
        if (next === null) break;
        token += ` ${next[0]}`;
      }
      const tokenEnd = m.index + token.length;
      // Part of something longer (`12.05.2030`, `123,456,789.5`, `1234/56`): not a document number, and redacting
      // its head would let a second run see the tail as a token of its own.
      if (CONTINUES.test(window.slice(tokenEnd, tokenEnd + 2))) return;
      // A token cut by the window end may continue; refuse it rather than redact half a number.
      if (tokenEnd === window.length && introEnd + tokenEnd < text.length) return;
      const length = token.replace(ALNUM, '').length;
      if (length < 6 || length > (licence ? 16 : 12) || DATE_LIKE.test(token)) return;
      out.push(finding('GOV_ID', introEnd + m.index, introEnd + tokenEnd));
      return;
    }
    if (stops(token) || ++words > MAX_FILLER_WORDS) return;
    prevWord = token;
    prevEnd = m.index + token.length;
  }
}

function onIntro(text: string, m: RegExpExecArray, out: Finding[]): void {
  if (NOT_A_DOCUMENT_BEFORE.test(before(text, m.index, 24))) return;
  candidateAfter(text, m[0], m.index + m[0].length, out);
}

export const idDocumentRecognizer: Recognizer = {
  name: 'id-document',
  type: 'GOV_ID',
  anchoredOnDigits: true,
  patterns: [
    INTRO,
    INTRO_DL,
    LICENCE_WORD,
    NOT_A_DOCUMENT_BEFORE,
    TOKEN,
    DIGIT_GROUP,
    ENDS_WITH_DIGIT,
    CONTINUES,
    HAS_DIGIT,
    ALNUM,
    SENTENCE_END,
    ABBREVIATION,
    DATE_LIKE,
    ...SHARED_PATTERNS,
  ],
  gate: hasDigit,
  find(text: string, out: Finding[]): void {
    scan(INTRO, text, (m) => onIntro(text, m, out));
    scan(INTRO_DL, text, (m) => onIntro(text, m, out));
  },
};
