import { after, before, finding, hasDigit, type Finding, type Recognizer } from '../recognizer';

/**
 * DOB: a calendar date that a birth context word stands next to ("DOB: 12/04/1987", "born on 12 April 1987",
 * "geboren am 12.04.1987", "née le 3 mars 1990", "1987-04-12 (date of birth)"). Only the date is replaced;
 * the context word stays (`DOB: [DOB]`), so a reader still sees what kind of value was there.
 *
 * A date alone is never personal data here: release, due, order, invoice and log dates stay. The rules:
 *
 * Date shapes (one global regex, every repetition bounded):
 *   - numeric: ISO `1987-04-12` (also `/` and `.`), `12/04/1987`, `4/12/87`, `12.04.1987`, `12. 04. 1987`,
 *     `12-04-1987`; a 2-digit year only in the day-first/month-first forms. The numbers must make a real
 *     calendar date in at least one of the d/m and m/d readings, and a 4-digit year lies in 1800..(this year),
 *     so `2024.04.1` versions in a birth sentence are still kept when they are not dates (`1.2.3` never is).
 *   - month names in EN/DE/FR/ES/IT/NL/PT, full and abbreviated: `12 April 1987`, `12. April 1987`,
 *     `12th of April 1987`, `12 de abril de 1987`, `1er mai 1990`, `April 12, 1987`, `Apr 12 1987`; with a
 *     leading weekday (`Sunday, 12 April 1987`), which is part of the span (it is derived from the date).
 *     The year may be missing after a month name (`birthday: April 12`: day and month still identify a
 *     person in a small group), and `March 1990` (month + year) counts too; a bare year (`born in 1987`) is
 *     NOT a date and stays.
 *   - not glued to letters, digits or a digit separator on either side, so `v1.12.04.1987`, `2024-03-01T12:00Z`
 *     parts and long digit runs are not cut into dates.
 *
 * Birth context (checked only for date candidates, in bounded windows):
 *   - BEFORE the date, at most 40 characters away: DOB, D.O.B., date of birth, birth date, birthdate, birthday,
 *     born (on), geboren (am/op), Geburtsdatum, Geburtstag, geb., né(e) (le), date de naissance, naissance,
 *     anniversaire, fecha de nacimiento / nacimiento / F. nac., nacido/nacida (el), nací/nació, cumpleaños/cumple,
 *     data (di) nascita / nascita / data nasc., nato/nata (il), nacque, compleanno, jarig,
 *     data de nascimento / nascimento / dt. nasc., nasci/nasceu (em), aniversário,
 *     geboortedatum, verjaardag, data de nascimento, nascido/nascida. The gap between the word and the date may
 *     hold words and `:`/`,`/`(`, but no digit (another number in between means the word belongs to that
 *     one: "born in 1987, order placed 12/03/2024" keeps the order date), no sentence end (`.`, `!`, `?`, `;`,
 *     a line break) and none of the words that name another event (order, invoice, due, shipped, released,
 *     expires, issued, married, died, party, ...): "born in Lyon and married on 2 May 2015" keeps the wedding.
 *   - 40 characters: "Date of birth (as on your passport): 12/04/1987" is 38 characters between word and date; longer
 *     gaps were prose about something else in the dev set.
 *   - a form label alone on the line above the date ("Date of birth:\n12/04/1987") counts too; key names in
 *     code and JSON are context words (`date_of_birth`, `dateOfBirth`, `birthDate`, `dob`).
 *   - "b." (genealogy: "Ada Lovelace (b. 10 December 1815)") and "n." only directly before the date (≤ 2 spaces):
 *     a lone "b." elsewhere is too common (list items, "plan b.").
 *   - a birthday word (birthday, Geburtstag, cumpleaños, ...) with a year from the last two years names the
 *     celebration ("birthday party on 12 May 2026"), not the birth: kept.
 *   - `nato`/`nata` only in lower case or capitalised, never `NATO` ("NATO was founded on 4 April 1949").
 *   - AFTER the date, directly (≤ 3 characters, optionally in brackets): "1987-04-12 (DOB)", "12/04/1987 — date of
 *     birth", and "12 April 1987 is my birthday". A longer after-window would catch "12 April 1987 ... born" of
 *     an unrelated clause.
 */

// Month names: full and abbreviated, EN, DE, FR, ES, IT, NL, PT. Longest alternatives first is not needed: the
// trailing (?!\p{L}) check makes the engine try the longer alternative when a shorter one stops mid-word.
const MONTHS =
  'january|february|march|april|may|june|july|august|september|october|november|december|' +
  'jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|' +
  'januar|jänner|februar|märz|maerz|mai|juni|juli|oktober|dezember|mär|okt|dez|' +
  'janvier|février|fevrier|mars|avril|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre|' +
  'janv|févr|fevr|avr|juil|déc|' +
  'enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|ene|abr|ago|dic|' +
  'gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|gen|mag|giu|lug|set|ott|' +
  'januari|februari|maart|mei|augustus|mrt|' +
  'janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro';

const WEEKDAYS =
  'monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun|' +
  'montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonnabend|sonntag|' +
  'lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|' +
  'lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|domingo|' +
  'lunedì|lunedi|martedì|martedi|mercoledì|mercoledi|giovedì|giovedi|venerdì|venerdi|sabato|domenica|' +
  'maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag';

// Month and weekday names are matched as a generic word (`\\p{L}{3,12}`) and looked up in these sets: one
// alternation of ~190 names made the date regex too large for the ReDoS checker to decide (timeout at 10 s).
const MONTH_SET = new Set(MONTHS.split('|'));
const WEEKDAY_SET = new Set(WEEKDAYS.split('|'));
const WORD = '\\p{L}{3,12}';
const DAY = '(?:[12]\\d|3[01]|0?[1-9])(?!\\d)';
// Ordinal suffixes: 12th, 1st, 1er (FR), 1º/1° (ES/IT/PT), 12. (DE), 12e (NL/FR).
const ORD = '(?:st|nd|rd|th|er|e|º|°|\\.)?';
const YEAR4 = '(?:1[89]\\d\\d|20\\d\\d)(?!\\d)';

const DATE_SOURCE =
  // Not glued to a letter, digit or a digit separator that follows a digit ("1.12.04.1987", "x12/04/1987").
  '(?<![\\p{L}\\p{N}\\]])(?<!\\d[./-])' +
  // 1: weekday candidate: "Sunday, ", "Sun ", "dimanche ", "Sunday the ", "domingo, el ".
  `(?:(${WORD})\\.?,?\\s{1,2}(?:the\\s|le\\s|el\\s|den\\s|der\\s|il\\s)?)?` +
  '(?:' +
  // ISO and year-first: 1987-04-12, 1987/04/12, 1987.04.12
  '(?:1[89]|20)\\d\\d(?:-\\d{1,2}-\\d{1,2}|/\\d{1,2}/\\d{1,2}|\\.\\d{1,2}\\.\\d{1,2})' +
  // day-first or month-first numeric: 12/04/1987, 4/12/87, 12.04.1987, 12. 04. 1987, 12-04-1987
  '|\\d{1,2}(?:/\\d{1,2}/|-\\d{1,2}-|\\.\\s?\\d{1,2}\\.\\s?)(?:\\d{4}|\\d\\d)' +
  // 2: day month [year]: 12 April 1987, 12th of April, 1987, 12 de abril de 1987, 12. April 1987, 1er mai 1990
  `|${DAY}${ORD}\\s{1,2}(?:of\\s|de\\s|di\\s)?(${WORD})(?!\\p{L})\\.?(?:,?\\s{1,2}(?:de\\s|del\\s)?${YEAR4})?` +
  // 3: month day[, year]: April 12, 1987; Apr 12 1987; April 12th 1987; or month year: March 1990
  `|(${WORD})(?!\\p{L})\\.?\\s{1,2}(?:${DAY}${ORD}(?:,?\\s{1,2}${YEAR4})?|(?:of\\s|de\\s)?${YEAR4})` +
  // 4: day-month-year with an abbreviated month between separators: 15-Mar-1990, 15/Mar/90, 15.Mar.1990
  `|${DAY}[-/.](${WORD})[-/.](?:${YEAR4}|\\d\\d(?!\\d))` +
  ')' +
  // Not followed by a digit or a separator + digit (version tails, longer numbers), nor glued to a Latin letter.
  '(?!\\d|[./-]\\d|[A-Za-zÀ-ɏ])';

const DATE = new RegExp(DATE_SOURCE, 'giu');

// A placeholder is not context: "[DOB]" holds the word DOB, so neither the word nor the gap may touch a '['
// (and a word right after a placeholder's ']' stood after a letter or digit on the first run)
// (otherwise a second run would redact "born [DOB] 12/05/1987" or "12/04/1987 [DOB]" further: not idempotent).
// Context words before a date (case-insensitive). `[^\d.!?;\n]{0,40}$`: the gap to the date (see above); or
// a form label on the line above ("Date of birth:\n12/04/1987"): only spaces, ':' '=' '-' before the break.
const CTX_WORDS =
  'd\\.?\\s?o\\.?\\s?b\\.?|date[\\s_-]?of[\\s_-]?birth|birth|birth[\\s_-]?date|birthday|b-?day|born|' +
  'geboren|geburtsdatum|geburtstag|geb\\.|geb\\.-datum|' +
  'née?|née?\\sle|date\\sde\\snaissance|naissance|anniversaire|' +
  // ES: "fecha de nacimiento", "F. nacimiento", "fecha nac.", "F. de nac.", "fec. nac.": the noun alone carries it.
  'nacimiento|(?:f|fec|fecha)(?:\\.\\s?|\\s)(?:de\\s)?nac\\.?|nacid[oa]|nací|naci|nació|cumpleaños|' +
  // "cumple" is also the verb "cumplir" ("cumple la norma"): the birthday noun only after a determiner.
  '(?:mi|tu|su|el|del|nuestro)\\scumple|' +
  // IT: "data di nascita", "Data nascita", "luogo e data di nascita", "data nasc.", "nato il", "nacque".
  'nascita|(?:data|d)(?:\\.\\s?|\\s)(?:di\\s)?nasc\\.?|nacque|compleanno|' +
  'geboortedatum|verjaardag|jarig|' +
  // PT: "data de nascimento", "nascimento", "dt. nasc.", "nasci em", "nasceu em", "nascido/nascida em", "aniversário".
  'nascimento|(?:dt|data)(?:\\.\\s?|\\s)(?:de\\s)?nasc\\.?|nascid[oa]|nasci|nasceu|aniversário';
const CONTEXT_BEFORE = new RegExp(`(?<![\\p{L}\\p{N}[\\]])(?:${CTX_WORDS})(?!\\p{L})([^\\d.!?;\\n[]{0,40}|[ \\t:=-]{0,3}\\r?\\n[ \\t]{0,8})$`, 'iu');
// `nato`/`nata` (IT) case-sensitively: NATO is not a birth.
const CONTEXT_BEFORE_CASED = /(?<![\p{L}\p{N}[\]])[Nn]at[oa](?!\p{L})([^\d.!?;\n[]{0,40})$/u;
// Genealogy abbreviations directly before the date: "(b. 10 December 1815)", "n. 3 mars 1990".
const CONTEXT_BEFORE_TIGHT = /(?<![\p{L}\p{N}[\]])[bBnN]\.\s{0,2}$/u;
// Another event named between the context word and the date: the date belongs to that event.
const OTHER_EVENT =
  /(?<!\p{L})(?:order|invoice|due|ship|deliver|releas|expir|issue|valid|since|until|appointment|meeting|updat|creat|join|hire|marri|wed|died|death|passed|visit|party|parties|celebrat|sale|offer|discount|deadline|launch|schedul|remind|book|reserv|renew|paid|payment|start|ended|moved|graduat|bestell|rechnung|lieferung|verheirat|gestorben|commande|facture|livraison|mariage|marié|décéd|pedido|factura|entrega|casad|ordine|fattura|consegna|sposat|besteld|factuur|getrouwd|casament|matrimoni|boda|founded|fondation|fondazione|fundação|fundación|gegründet|gründung|entreprise|société|empresa|azienda)/iu;
// Context directly after the date: "1987-04-12 (DOB)", "12/04/1987 - date of birth", "... is my birthday".
const CONTEXT_AFTER = new RegExp(
  `^\\s{0,2}[(,–—-]?\\s{0,2}(?:(?:is|was)\\s(?:my|his|her|their|the)\\s)?(?:${CTX_WORDS})(?!\\p{L})`,
  'iu',
);

const CONTEXT_GATE = new RegExp(`(?<![\\p{L}\\p{N}])(?:${CTX_WORDS}|nat[oa]|[bn]\\.)(?!\\p{L})`, 'iu');

const DIGIT_RUNS = /\d+/g;
const BIRTHDAY_WORD = /birthday|b-?day|geburtstag|cumpleaños|cumple|compleanno|verjaardag|jarig|anniversaire|aniversário/iu;
const YEAR_IN_DATE = /(?:18|19|20)\d\d(?!\d)/;
const ALL_NUMERIC = /^[\d\s./-]+$/;
const WEEKDAY_TAIL = /^\.?,?\s{1,2}(?:the\s|le\s|el\s|den\s|der\s|il\s)?/iu;

const THIS_YEAR = new Date().getUTCFullYear();

/** Whether the numeric date (or the d/m vs m/d reading of it) is a real calendar date with a plausible birth year. */
function plausible(date: string): boolean {
  const nums = date.match(DIGIT_RUNS);
  if (nums === null) return true;
  const years = nums.filter((n) => n.length === 4);
  for (const y of years) {
    const v = Number(y);
    if (v < 1800 || v > THIS_YEAR) return false;
  }
  // Only all-numeric dates need the day/month check; month-name forms are already bounded by DAY.
  if (!ALL_NUMERIC.test(date) || nums.length !== 3) return true;
  const [a, b, c] = nums.map(Number) as [number, number, number];
  if (nums[0]!.length === 4) return validDay(c, b); // year-first: y-m-d
  return validDay(a, b) || validDay(b, a); // d/m/y or m/d/y
}

function validDay(day: number, month: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const max = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= max;
}

function hasBirthContextBefore(text: string, start: number, date: string): boolean {
  // 40 gap characters + the longest context phrase ("fecha de nacimiento", 19) + slack for "D. O. B." and spaces.
  const w = before(text, start, 72);
  if (CONTEXT_BEFORE_TIGHT.test(w)) return true;
  const m = CONTEXT_BEFORE.exec(w) ?? CONTEXT_BEFORE_CASED.exec(w);
  if (m === null) return false;
  if (OTHER_EVENT.test(m[1] ?? '')) return false;
  // "birthday party on 12/05/2026", "Geburtstag am 3. März 2026": a birthday word with a recent year names the
  // celebration, not the birth (a date of birth this recent is a baby's, written "born"/"DOB", still caught).
  if (BIRTHDAY_WORD.test(m[0])) {
    const year = YEAR_IN_DATE.exec(date);
    if (year !== null && Number(year[0]) >= THIS_YEAR - 2) return false;
  }
  return true;
}

export const dateOfBirthRecognizer: Recognizer = {
  name: 'date-of-birth',
  type: 'DOB',
  anchoredOnDigits: true,
  patterns: [
    DATE,
    CONTEXT_BEFORE,
    CONTEXT_BEFORE_CASED,
    CONTEXT_BEFORE_TIGHT,
    OTHER_EVENT,
    CONTEXT_AFTER,
    CONTEXT_GATE,
    DIGIT_RUNS,
    ALL_NUMERIC,
    WEEKDAY_TAIL,
    BIRTHDAY_WORD,
    YEAR_IN_DATE,
  ],
  gate(text: string): boolean {
    return hasDigit(text) && CONTEXT_GATE.test(text);
  },
  find(text: string, out: Finding[]): void {
    // Own loop instead of scan(): a candidate whose "month" word is not a month ("born 12 ...": the word
    // "born" read as a month-first date) must not swallow the real date that starts inside it, so a rejected
    // candidate resumes one character later. Each attempt reads at most ~60 characters, so this stays linear.
    DATE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = DATE.exec(text)) !== null) {
      let start = m.index;
      const end = start + m[0].length;
      const month = m[2] ?? m[3] ?? m[4];
      if (month !== undefined && !MONTH_SET.has(month.toLowerCase())) {
        DATE.lastIndex = m.index + 1;
        continue;
      }
      if (m[1] !== undefined && !WEEKDAY_SET.has(m[1].toLowerCase())) {
        // Not a weekday ("DOB 12/04/1987", "geboren am 12. April"): the date starts after that word.
        const core = m[0].slice(m[1].length).replace(WEEKDAY_TAIL, '');
        start = end - core.length;
        if (MONTH_SET.has(m[1].toLowerCase())) {
          // "March 12" read as weekday-word + "12 ..." numeric: retry from the month word itself.
          DATE.lastIndex = m.index + 1;
          continue;
        }
      }
      const date = text.slice(start, end);
      if (!plausible(date)) continue;
      if (hasBirthContextBefore(text, start, date) || CONTEXT_AFTER.test(after(text, end, 40))) {
        out.push(finding('DOB', start, end));
      }
    }
  },
};
