import { getExampleNumber, parsePhoneNumberFromString, type CountryCode, type Examples } from 'libphonenumber-js/max';
import { after, before, finding, hasDigit, SHARED_GATE_PATTERNS, type Finding, type Recognizer, type RedactionSettings } from '../recognizer';

/**
 * PHONE, three shapes.
 *
 * (a) International, with a leading '+' (tier-1 rule, no libphonenumber): 8-15 digits (E.164 allows at most
 *   15) in groups separated by a space, dot, dash or a parenthesised trunk/area part (`+44 (0)20 7946 0958`).
 *   If the run swallows more than 15 digits, it is cut back to the longest prefix of whole groups that has
 *   <= 15 (a card number typed right after a phone is found by the card recognizer). Accepted
 *   over-redaction: a short number right after a spaced phone (`+44 20 7946 0958 10 times`) is absorbed while
 *   the total stays <= 15 digits. Not validated against a numbering plan on purpose: a '+' run of 8-15 digits
 *   in groups is a phone far more often than anything else, and a leaked phone costs more than a redacted one.
 *
 * (b) NANP without '+' (tier-1 rule, kept whatever the region list): optional leading 1, then 3-3-4 digits with
 *   separators or `(area)`, where area code and exchange start with 2-9. So `123-456-7890` (not dialable) is
 *   not a phone. Letters may follow (`x123` extensions) but digits may not.
 *
 * (c) National format (trunk `0`, no country code: UK `020 7946 0958`, FR `06 12 34 56 78`, DE `030 1234567`,
 *   ES `612 34 56 78`, IN `98765 43210`, ...), validated by libphonenumber-js (`/max` metadata: real number
 *   ranges, not just lengths) against `settings.phoneRegions`, tried in order. libphonenumber costs ~12 µs per
 *   parse per region (26 default regions: up to ~0.3 ms for a candidate no region accepts), so it only sees
 *   candidates that pass cheap shape rules and a per-region pre-check on its own metadata (trunk, lengths,
 *   general pattern), verdicts are memoised, and parses per text are budgeted (see PARSE_BUDGET_BASE). Shape rules (each keeps a class of
 *   look-alikes out):
 *   - 2-6 digit groups separated by space, '-', '/' (one at most: `030/1234567`; after the first group also
 *     ` - `, ` / `) or only dots, or an
 *     `(area)` first group; 7-13 digits in all; not glued to letters, '+', '$€£¥#', ':' (ports, times),
 *     '/' paths, or to a longer digit run; not followed by a decimal part (`1 234 567.89` is a price);
 *   - dotted candidates must start with the trunk 0 and have no 1-digit group (versions `1.2.3.4`, IPs);
 *   - three groups that read as a date (`15.03.2024`, `2024-03-15`, `03/15/2024`) are not phones;
 *   - a reference word just before (order, invoice, ticket, ref, case, account, tracking, sku, serial, id,
 *     no., #, Bestellnummer, commande, pedido, ...) makes it a reference, not a phone;
 *   - without a trunk 0, the number must be valid in a region whose national format shows no trunk prefix
 *     (ES, IT, PT, DK, NO, PL, US, BR `(11) 96123-4567`, ...; read from libphonenumber's example numbers;
 *     plus Indian mobiles, written without their 0) and the candidate must group
 *     its digits as that format does (libphonenumber's formatNational: ES `612 34 56 78`, PL `512 345 678`,
 *     IN `98765 43210`) unless a phone word (phone, call, mobile, tel, Handy, portable, móvil, ...) stands
 *     within 40 characters before a number of 3+ groups (`móvil 612 345 678`; `phone models 2023 2024` stays);
 *   - an amount sign just before (`$ 415 555 2671`) makes it a price (also for the NANP shape);
 *   - a bare digit run (no separator, 7-13 digits) needs a phone word (or number/contact/reach) within 40
 *     characters before it, or a phone word or a possessive `my/our/... number` within 20 after it
 *     (`0201234567 is my number`; `123456789 is the case number` stays): bare runs are ids, timestamps and
 *     literals in code far more often;
 *   - a dash or slash with spaces around it (`040 - 3567 8901`, only after the first group) and a slash
 *     between exactly two groups (`030/1234567`) need a trunk 0; two equal-length groups joined by a dash,
 *     the second larger, are a range after a range word or when the second is within half of the first
 *     (`ports 3000-3010`, `1990-2010`), and two 4-digit clock times (`0800 - 1700`, `0900/1730`) are
 *     opening hours, unless a phone word precedes (separatorsFit).
 *   Known limit: in one space-separated run of digit groups only the first number is read (`01234 567890
 *   01234 567891`: the second starts right after a digit group); numbers separated by punctuation or words
 *   are all found.
 *   Ofcom's drama ranges (`07700 900xxx`, `020 7946 0xxx`, `0113 496 0xxx`, ...) are invalid to
 *   libphonenumber but are exactly what people and test data write; they count as valid UK numbers.
 */
const INTL_RE = /(?<![\w+])\+\d{1,15}(?:(?:[ .-]|[ .-]?\(\d{1,4}\)[ .-]?)\d{1,14}){0,10}(?!\d)/g;
const NANP_RE =
  /(?<![\w+.-]|\d[ .-]|\d\))(?:1[ .-]?)?(?:\([2-9]\d\d\)[ .-]?|[2-9]\d\d[ .-])[2-9]\d\d[ .-]\d{4}(?![\d_]|[.-]\d)/g;
const NATIONAL_RE =
  /(?<![\w+.,/:$€£¥#-]|\d[ ./-]|\d\))(?:(?:\(\d{2,5}\)[ .-]?|\d{1,6}(?:[ ./-]| [/-] ?|[/-] ))(?:\d{1,8}[ ./-]){0,4}\d{2,8}|\d{7,13})(?![\w/:]|[.,-]\d)/g;
const REFERENCE_BEFORE_RE =
  /(?:\b(?:order|orders|invoice|ticket|ref|reference|case|account|acct|tracking|sku|part|serial|model|isbn|id|no|nr|num|transaction|txn|bestellung|bestellnummer|rechnung|rechnungsnummer|commande|facture|pedido|factura|ordine|fattura|kundennummer|auftrag)\b(?:\s{0,2}(?:number|num|no|nr|id)\b)?\.?[\s:#=-]{0,4}|#\s?)$/i;
const PHONE_WORD_RE =
  /\b(?:phone|phones|tel|telephone|mobile|mob|cell|cellphone|call|ring|text|sms|whatsapp|fax|dial|landline|hotline|telefon|telefonnummer|rufnummer|handy|mobil|mobilnummer|t[ée]l[ée]phone|portable|num[ée]ro|tel[ée]fono|m[óo]vil|celular|cellulare|numero|nummer|telefoon|mobiel|puhelin)\b/i;
/** Words that, besides the phone words, introduce a bare digit run as a phone number. */
const BARE_WORD_RE = new RegExp(`${PHONE_WORD_RE.source}|\\b(?:number|contact|reach)\\b`, 'i');
/**
 * After a bare run only a phone word or a possessive number (`0201234567 is my number`, `... reach me`) says
 * phone: `123456789 is the case number` / `... your order number` name a reference, not a number to call.
 */
const BARE_AFTER_RE = new RegExp(`${PHONE_WORD_RE.source}|\\b(?:my|our|his|her|their|your) (?:number|contact)\\b|\\breach\\b`, 'i');
/** A dash or slash with a space on either side (`040 - 3567 8901`). */
const SPACED_SEPARATOR_RE = / [/-]|[/-] /;
/** A candidate that is exactly two digit groups joined by a dash or slash, possibly spaced (`3000-3010`). */
const TWO_GROUP_RANGE_RE = /^(\d{1,8}) ?[/-] ?(\d{1,8})$/;
/** The first digit group of a candidate. */
const FIRST_GROUP_RE = /\d+/;
/** Words that introduce a range of numbers rather than a number to call. */
const RANGE_WORD_RE =
  /\b(?:ports?|ranges?|from|between|pages?|pp|years?|ids|lines?|rows?|items?|bytes?|offsets?|blocks?|sectors?|chapters?|sections?|verses?|steps?|frames?|seats?|versions?|zwischen|seiten|jahre|entre|p[aá]ginas|a[nñ]os|ann[ée]es|pagine|anni)\b/i;
/** An amount, not a number to call: `$ 415 555 2671`, `€ 1 234 567`. */
const CURRENCY_BEFORE_RE = /[$€£¥]\s?$/;

/** Ofcom drama numbers (national significant number, no trunk 0): invalid to libphonenumber, used everywhere. */
const UK_FICTIONAL_RE =
  /^(?:7700900|2079460|(?:113|114|115|116|117|118|121|131|141|151|161|191)4960|2890180|2920180|1632960|8081570|9098790|3069990)\d{3}$/;

/** Cap on memoised verdicts (digits+grouping -> phone or not); the map is cleared when it is full. */
const MEMO_MAX = 4096;
const memo = new Map<string, boolean>();
let memoRegions: readonly string[] | null = null;

/**
 * libphonenumber parses allowed per text: 128 plus one per 256 characters. A parse costs ~12-50 µs, so this
 * bounds validation at well under 0.2 µs per character (a 1 MB field of distinct phone-shaped digit groups
 * cost 20+ s unbounded); a support message with a handful of numbers uses a few dozen. Past the budget, a
 * trunk-0 candidate that passes the shape rules and its region's metadata pre-check is redacted without the
 * parse: fail closed (over-redact), never leak and never block the event loop. A candidate without a trunk 0
 * is then kept (its grouping rule needs the parse; over-redacting every spaced number would be worse).
 */
const PARSE_BUDGET_BASE = 128;
const PARSE_BUDGET_PER_CHAR = 1 / 256;
let parsesLeft = 0;

/**
 * Per-region pre-check from the same `/max` metadata libphonenumber validates against: the national prefix
 * (trunk), the possible national-number lengths and the general number pattern (the union of the fixed-line,
 * mobile, ... patterns). A candidate no region passes here costs a few small anchored regex tests instead of
 * up to 26 parses; a parse only confirms candidates that already fit a region.
 */
interface RegionPlan {
  trunk: boolean;
  /** Whether the region's national format shows the trunk 0 (GB `07400 123456`; BR `(11) 96123-4567` not). */
  showsTrunk: boolean;
  lengths: ReadonlySet<number>;
  general: RegExp;
}
const METADATA = require('libphonenumber-js/metadata.max.json') as { countries: Record<string, unknown[]> };
const EXAMPLES = require('libphonenumber-js/examples.mobile.json') as Examples;
const plans = new Map<string, RegionPlan | null>();

function planOf(region: string): RegionPlan | null {
  let plan = plans.get(region);
  if (plan === undefined) {
    const c = METADATA.countries[region];
    plan =
      c === undefined
        ? null
        : {
            trunk: c[5] === '0',
            showsTrunk: /^\(?0/.test(getExampleNumber(region as CountryCode, EXAMPLES)?.formatNational() ?? ''),
            lengths: new Set(c[3] as number[]),
            general: new RegExp(`^(?:${c[2] as string})$`),
          };
    plans.set(region, plan);
  }
  return plan;
}

/** Could `digits` (as written, possibly with a trunk 0 or a 00 call prefix) be a number of `region`? */
function fitsRegion(digits: string, region: string): boolean {
  const plan = planOf(region);
  if (plan === null) return true; // unknown to the pre-check: let libphonenumber decide
  if (digits.startsWith('00')) return true; // international call prefix: the parse reads the country code
  const nsn = plan.trunk && digits.charCodeAt(0) === 0x30 ? digits.slice(1) : digits;
  if (!plan.lengths.has(nsn.length)) return false;
  return plan.general.test(nsn);
}

function groupSignature(s: string): string {
  let sig = '';
  let run = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) run++;
    else if (run > 0) {
      sig += run + ',';
      run = 0;
    }
  }
  if (run > 0) sig += run;
  return sig;
}

/**
 * Regions where people write their MOBILE number without the trunk 0 (`98765 43210` in India). Elsewhere a
 * number without the trunk 0 is only a phone in a region whose national format has no trunk prefix (ES, IT,
 * PT, DK, NO, US, ...): libphonenumber would otherwise read `1234567890` as GB `01234 567890`.
 */
const TRUNK_DROPPED_MOBILE = new Set(['IN']);

/**
 * libphonenumber verdict for a national candidate (digits only) in the configured regions, memoised.
 * `grouping` (digit-group lengths, e.g. "3,2,2,2") is required to equal the region's national format when
 * the candidate has no trunk 0; '' skips that rule.
 */
function nationalValid(digits: string, grouping: string, regions: readonly string[]): boolean {
  if (memoRegions !== regions) {
    memo.clear();
    memoRegions = regions;
  }
  const key = `${digits}|${grouping}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  const trunk = digits.charCodeAt(0) === 0x30;
  let ok = false;
  for (const region of regions) {
    // Without a trunk 0, a region that writes one is out at once (before any parse), IN mobiles aside.
    if (!trunk && planOf(region)?.showsTrunk === true && !TRUNK_DROPPED_MOBILE.has(region)) continue;
    if (!fitsRegion(digits, region)) {
      // Ofcom drama numbers are outside the general UK pattern too.
      if (!(region === 'GB' && trunk && UK_FICTIONAL_RE.test(digits.slice(1)))) continue;
    }
    if (parsesLeft <= 0) {
      // Budget spent (adversarial input): a trunk-0 candidate that fits a region fails closed (redacted);
      // one without a trunk 0 stays, as its grouping cannot be checked. Not memoised: it was not checked.
      return trunk;
    }
    parsesLeft--;
    const p = parsePhoneNumberFromString(digits, region as CountryCode);
    if (p === undefined) continue;
    let valid = p.isValid();
    if (!valid && region === 'GB' && UK_FICTIONAL_RE.test(p.nationalNumber)) valid = true;
    if (!valid) continue;
    if (trunk) {
      ok = true;
      break;
    }
    // No trunk 0 written: the region's national form must not add one (IN mobiles excepted) ...
    let formatted = p.formatNational();
    const addsTrunk = formatted.charCodeAt(0) === 0x30 || formatted.startsWith('(0');
    if (addsTrunk) {
      if (!TRUNK_DROPPED_MOBILE.has(region) || p.getType() !== 'MOBILE') continue;
      formatted = formatted.replace('0', '');
    }
    // ... and, unless the candidate is a bare run (which needed a phone word), group its digits the same way.
    if (grouping === '' || groupSignature(formatted) === grouping) {
      ok = true;
      break;
    }
  }
  if (memo.size >= MEMO_MAX) memo.clear();
  memo.set(key, ok);
  return ok;
}

function findInternational(text: string, out: Finding[]): void {
  INTL_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = INTL_RE.exec(text)) !== null) {
    const s = m[0];
    // Count digits, remembering the end of the last whole digit group while the count is still <= 15.
    let digits = 0;
    let lastGoodEnd = -1;
    let lastGoodDigits = 0;
    for (let i = 1; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) continue;
      digits++;
      if (digits > 15) break;
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : -1;
      if (next < 48 || next > 57) {
        // A group ends here; a ')' closing a trunk prefix belongs to the number too.
        lastGoodEnd = next === 0x29 ? i + 2 : i + 1;
        lastGoodDigits = digits;
      }
    }
    if (digits <= 15) {
      if (digits >= 8) out.push(finding('PHONE', m.index, m.index + s.length));
    } else if (lastGoodDigits >= 8) {
      out.push(finding('PHONE', m.index, m.index + lastGoodEnd));
    }
  }
}

function findNanp(text: string, out: Finding[]): void {
  NANP_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = NANP_RE.exec(text)) !== null) {
    if (m.index > 0 && CURRENCY_BEFORE_RE.test(before(text, m.index, 2))) continue;
    out.push(finding('PHONE', m.index, m.index + m[0].length));
  }
}

/** Cheap shape rules (see the module comment); returns the digit string, or null to skip the candidate. */
function nationalDigits(s: string): string | null {
  let digits = '';
  let dots = 0;
  let others = 0;
  let slashes = 0;
  let groups = 0;
  let shortGroup = false;
  let run = 0;
  const lens: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits += s[i];
      run++;
      continue;
    }
    if (run > 0) {
      groups++;
      lens.push(run);
      if (run === 1) shortGroup = true;
      run = 0;
    }
    if (c === 0x2e) dots++;
    else if (c === 0x2f) slashes++;
    else others++;
  }
  if (run > 0) {
    groups++;
    lens.push(run);
    if (run === 1) shortGroup = true;
  }
  // 7-13 digits; an international call prefix `00` written instead of '+' adds two (`0044 20 7946 0958`).
  if (digits.length < 7 || digits.length > (digits.startsWith('00') ? 15 : 13)) return null;
  if (groups > 6 || slashes > 1) return null;
  if (dots > 0 && (others > 0 || slashes > 0 || digits.charCodeAt(0) !== 0x30 || shortGroup)) return null;
  if (groups === 3) {
    // Dates: d/m/yyyy, m/d/yyyy, yyyy-mm-dd, dd.mm.yy in any separator.
    const [a, b, c] = lens;
    if ((c === 4 || c === 2) && a <= 2 && b <= 2) return null;
    if (a === 4 && b <= 2 && c <= 2) return null;
  }
  return digits;
}

/**
 * Separators that only a trunk-0 number may use, and numeric ranges (see the module comment):
 *   - a dash or slash with a space beside it (`040 - 3567 8901`, `030 / 1234567`; NATIONAL_RE allows it only
 *     after the first group) is how Germans write an area code, but between two plain numbers it is a range or
 *     a subtraction (`1990 - 2010`, `12 - 3`): only with a trunk 0;
 *   - a slash between exactly two groups (`030/1234567`, `0151/23456789`) likewise: without a trunk 0 two
 *     numbers around a slash are a fraction, a ratio, tile coordinates or a resolution (`8192/5461`,
 *     `1920/1080`); a slash inside a longer number (`415/555-2671`) keeps the usual rules;
 *   - two groups of equal length joined by a dash with the second larger (`3000-3010`, `1990-2010`,
 *     `40000-40999`) are a range when a range word (ports, pages, years, ids, from, between, ...) is in the
 *     40 characters before, or when the second is within half of the first (`1200-1350`: a nearby count;
 *     random same-length halves of a phone number fall there about 1 time in 6); a phone word before keeps it a phone
 *     (`Tel. 2345-2890`).
 */
function separatorsFit(s: string, digits: string, window: string): boolean {
  const trunk = digits.charCodeAt(0) === 0x30;
  const slash = s.indexOf('/') !== -1;
  // A spaced separator follows an area code of 3+ digits (030, 0151, 06221); `01 - 2345678` is a score or a list.
  if (SPACED_SEPARATOR_RE.test(s) && (!trunk || FIRST_GROUP_RE.exec(s)![0].length < 3)) return false;
  const m = TWO_GROUP_RANGE_RE.exec(s);
  // Two numbers around a slash without a trunk 0 are a fraction, ratio, resolution or tile coordinates; a
  // slash inside a longer number (US `415/555-2671`) still goes to the region's grouping rule.
  if (m === null) return true;
  if (slash && !trunk) return false;
  if (m[1].length !== m[2].length) return true;
  const a = Number(m[1]);
  const b = Number(m[2]);
  if (b <= a || PHONE_WORD_RE.test(window)) return true;
  if (m[1].length === 4 && isClockTime(a) && isClockTime(b)) return false; // opening hours `0800 - 1700`
  if (slash) return true;
  return !(RANGE_WORD_RE.test(window) || b - a <= a / 2);
}

/**
 * HHMM with minutes on a 5-minute mark (`0800`, `1730`): the halves of an opening-hours range. A random 4-digit
 * group reads so 2.9% of the time (24/100 hours x 12/100 minutes), both halves of a 4+4 phone about 1 in 1,200,
 * so `0211-1234` stays a phone.
 */
function isClockTime(hhmm: number): boolean {
  const mm = hhmm % 100;
  return hhmm < 2400 && mm < 60 && mm % 5 === 0;
}

/** Length of the longest prefix of whole digit groups of `s` holding at most `max` digits (0: none). */
function prefixWithin(s: string, max: number): number {
  let digits = 0;
  let end = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    if (++digits > max) break;
    const next = i + 1 < s.length ? s.charCodeAt(i + 1) : -1;
    if (next < 48 || next > 57) end = i + 1;
  }
  return end;
}

function findNational(text: string, out: Finding[], regions: readonly string[]): void {
  if (regions.length === 0) return;
  parsesLeft = PARSE_BUDGET_BASE + Math.floor(text.length * PARSE_BUDGET_PER_CHAR);
  NATIONAL_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = NATIONAL_RE.exec(text)) !== null) {
    let s = m[0];
    let digits = nationalDigits(s);
    if (digits === null && s.length > 13) {
      // Too many digits: the number may be followed by another digit group run (`020 7946 0958 4111 1111
      // 1111 1111`, a card after a phone). Retry once with the longest prefix of whole groups that is short
      // enough (one more validation at most, so the cost per candidate stays bounded).
      const cut = prefixWithin(s, 13);
      if (cut > 0) {
        s = s.slice(0, cut);
        digits = nationalDigits(s);
      }
    }
    if (digits === null) continue;
    const bare = digits.length === s.length;
    const window = before(text, m.index, 40);
    if (REFERENCE_BEFORE_RE.test(window) || CURRENCY_BEFORE_RE.test(window)) continue;
    if (!separatorsFit(s, digits, window)) continue;
    let grouping = '';
    if (bare) {
      // A bare run needs a phone word (or "number"/"contact"/"reach") before it, or just after it.
      if (!BARE_WORD_RE.test(window) && !BARE_AFTER_RE.test(after(text, m.index + s.length, 20))) continue;
    } else if (digits.charCodeAt(0) !== 0x30 && !(PHONE_WORD_RE.test(window) && s.length - digits.length >= 2)) {
      // No trunk 0: the region's own grouping, unless a phone word precedes a number of 3+ groups.
      grouping = groupSignature(s);
    }
    if (!nationalValid(digits, grouping, regions)) continue;
    out.push(finding('PHONE', m.index, m.index + s.length));
  }
}

export const phoneRecognizer: Recognizer = {
  name: 'phone',
  type: 'PHONE',
  anchoredOnDigits: true,
  patterns: [INTL_RE, NANP_RE, NATIONAL_RE, SPACED_SEPARATOR_RE, TWO_GROUP_RANGE_RE, FIRST_GROUP_RE, RANGE_WORD_RE, REFERENCE_BEFORE_RE, PHONE_WORD_RE, BARE_WORD_RE, BARE_AFTER_RE, CURRENCY_BEFORE_RE, UK_FICTIONAL_RE, ...SHARED_GATE_PATTERNS],
  gate: hasDigit,
  find(text: string, out: Finding[], settings: RedactionSettings): void {
    if (text.indexOf('+') !== -1) findInternational(text, out);
    findNanp(text, out);
    findNational(text, out, settings.phoneRegions);
  },
};
