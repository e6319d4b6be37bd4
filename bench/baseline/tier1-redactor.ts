/**
 * PII redaction for free text, run on the ingestion hot path BEFORE anything is stored.
 *
 * Every detected value is replaced by a typed placeholder (`[EMAIL]`, `[PHONE]`, `[SSN]`, `[CREDIT_CARD]`,
 * `[IP]`, `[IBAN]`, `[MAC_ADDRESS]`, `[JWT]`, `[API_SECRET]`) and counted per type.
 *
 * Design: the text runs through at most three precompiled global regexes, each skipped by a cheap pre-check:
 *   1. secrets (JWT, private-key blocks, vendor-prefixed API keys), only if a known prefix occurs;
 *   2. emails, only if the text contains '@' or '%40';
 *   3. one combined "structured identifier" regex (IBAN, IPv6/MAC, IPv4, SSN, card, phone), only if the text
 *      contains a digit.
 * Secrets go first so that their innards are not half-redacted as phones/cards; emails go before the
 * structured pass so that an email whose local part holds digits becomes one `[EMAIL]`, not an email with a
 * `[PHONE]` inside. Checksums and context rules that a regex cannot express run in the replace callbacks,
 * which are only called on candidates, so text without PII costs just the scans.
 *
 * No catastrophic backtracking: no pattern nests an unbounded quantifier inside another over characters both
 * can match. Repetitions are bounded ({1,64}, {2,8}, ...), separators between digit groups are mandatory
 * (so `\d+` groups cannot be re-split), and every candidate must start at a literal prefix or at a token
 * boundary enforced by a lookbehind, so a long run of digits/dots/colons fails after a constant number of
 * steps per position. The test suite runs 100k-char adversarial inputs to keep it that way.
 *
 * Deliberate rules (each one exists because the obvious regex produced false positives or misses):
 *
 * EMAIL: local part [A-Za-z0-9_.%+-]{1,64} starting at a token boundary (longer local parts are invalid per
 *   RFC 5321 and are not matched), then '@' or its URL encoding '%40' (emails inside query strings
 *   are usually percent-encoded), then a dotted domain with an alphabetic TLD. Requiring the dot and a letter
 *   TLD keeps `user@host`, `pkg@1.2.3`, `image@sha256:...`, `@decorator` and `@scope/pkg` out;
 *   `git@github.com` IS email-shaped and is redacted (accepted). Retina asset names such as `icon@2x.png` are
 *   kept: a TLD that is an image extension (png, jpg, svg, ...) is not a real TLD.
 *
 * PHONE: (a) with a leading '+': 8-15 digits (E.164 allows at most 15) in groups separated by a space, dot,
 *   dash or a parenthesised trunk/area part (`+44 (0)20 7946 0958`). If the run swallows more than 15
 *   digits, it is cut back to the longest prefix of whole groups that has <= 15 and the rest is scanned
 *   again (so a card number typed right after a phone is still caught). Accepted over-redaction: a short
 *   number right after a spaced phone (`+44 20 7946 0958 10 times`) is absorbed while the total stays <= 15
 *   digits. (b) without '+': only the
 *   NANP shape - optional leading 1, then 3-3-4 digits with separators or `(area)`, where area code and
 *   exchange start with 2-9 (the NANP rule). So `123-456-7890` (not dialable) and a bare `4155552671`
 *   (indistinguishable from ids, timestamps and literals in code) are NOT phones. Letters may follow a phone
 *   (`x123` extensions) but digits may not, so longer digit sequences are not partially redacted.
 *
 * SSN: exactly ddd-dd-dddd or ddd dd dddd, area not 000/666/9xx, group not 00, serial not 0000, and the
 *   token must stand alone: not glued to letters or dashes, so `INV-123-45-6789` and `ORD-2024-001234` are
 *   references, not SSNs.
 *
 * CREDIT_CARD: 13-19 contiguous digits, or 4-4-4-(1-4)[-(1-3)] / 4-6-(4|5) groups with a consistent space
 *   or dash separator; Luhn-valid AND an issuer prefix with a length that network actually issues (Visa 4:
 *   13/16/19, Mastercard 2/5: 16, Amex 34/37: 15, Diners 30/36/38/39: 14-16, JCB 35 and 6x: 16-19).
 *   About 10% of random digit runs pass Luhn; the prefix/length rule rejects most of them (trace ids,
 *   account numbers) and all millisecond epoch timestamps (they start with 1). Not glued to '.' or '-' so
 *   decimals and dashed references are safe; ',' is allowed so CSV rows of card numbers are still caught.
 *   If a 5-group run fails, the first four groups are retried (a card followed by a CVV). Rare 12-19 digit
 *   Maestro numbers are only caught in their 16-digit form.
 *
 * IP: IPv4 is four dot-separated octets 0-255 (no leading zeros) not glued to other digits, letters or dots.
 *   A dotted quad is also a valid version string, so it is KEPT when directly preceded by a version / document
 *   numbering word (`v`, `ver`, `version`, `release`, `build`, `rev`, `section`, `chapter`, `§`, `fig`,
 *   `table`, `step`, ...), by a `"version": "` style key, or by a browser product token
 *   (`Chrome/120.0.0.0` in user agents). `v1.2.3.4` is kept by the boundary rule; a bare `1.2.3.4` is an IP.
 *   IPv6: full 8-group form, or compressed form with exactly one `::`. To keep C++ scopes (`a::b`), Python
 *   slices (`a[10::200]`) and times (`10:30:00`, `12:45`) out, a compressed address must contain a digit and
 *   have either >= 3 groups or a 4-hex-digit first group (`fe80::1`, `2001:db8::1`). Addresses that start
 *   with `::` (`::1`, `::ffff:...`) are deliberately NOT matched: `::1` is loopback, not personal data, and an
 *   embedded IPv4 tail is still caught by the IPv4 rule.
 *
 * IBAN: upper-case country code + 2 check digits + BBAN, compact or in 4-character groups; the country must be
 *   in the SWIFT IBAN registry with the exact registered length, and the ISO 13616 mod-97 check must equal 1.
 *   A spaced candidate that fails is retried without its last one/two groups (a following all-caps word).
 *   Lower-case IBANs are not matched (they are rare and the upper-case rule keeps ordinary words out).
 *
 * MAC_ADDRESS: six 2-hex-digit groups separated consistently by ':' or '-'.
 *
 * JWT: three base64url segments where header and payload start with `eyJ` (base64 of `{"`).
 *
 * API_SECRET: only vendor formats with a distinctive prefix: AWS access key ids (AKIA/ASIA), GitHub tokens
 *   (ghp_/gho_/ghu_/ghs_/ghr_, github_pat_), Slack (xox?-), Stripe secret/restricted keys (sk_/rk_ live|test),
 *   Google API keys (AIza), OpenAI/Anthropic-style `sk-...` keys (must mix upper case, lower case and digits
 *   so kebab-case words like `sk-learn-...` stay), and PEM private-key blocks (to the END line, or to the end
 *   of the base64 body if the paste is truncated). Generic "high-entropy string" detection is deliberately
 *   absent: it cannot tell secrets from hashes, UUIDs and base64 payloads, which must stay.
 *
 * Not redacted on purpose: UUIDs, hex hashes, base64 blobs, dates, times, prices, percentages, order ids,
 * version strings, ports, `localhost`, bare digit runs. Placeholders contain no digits, '@' or ':', so running
 * the redactor twice is a no-op.
 *
 * Known limit: a candidate rejected by its callback (Luhn/mod-97/context failure) is consumed, not re-scanned
 * from its second character, e.g. `1234 4111 1111 1111 1111` (a card glued after another 4-digit group) stays.
 * Re-scanning every rejected candidate would make the cost depend on adversarial input shape.
 */

export type PiiType =
  | 'EMAIL'
  | 'PHONE'
  | 'SSN'
  | 'CREDIT_CARD'
  | 'IP'
  | 'IBAN'
  | 'MAC_ADDRESS'
  | 'JWT'
  | 'API_SECRET';

export const PII_TYPES: readonly PiiType[] = Object.freeze([
  'EMAIL',
  'PHONE',
  'SSN',
  'CREDIT_CARD',
  'IP',
  'IBAN',
  'MAC_ADDRESS',
  'JWT',
  'API_SECRET',
] as const);

export type RedactionCounts = Partial<Record<PiiType, number>>;

export interface RedactionResult {
  text: string;
  counts: RedactionCounts;
  total: number;
}

// The shortest thing we can redact is an email like `a@b.co` (6 chars); skip shorter strings outright.
const MIN_LENGTH = 6;

// ---------------------------------------------------------------------------------------------------------
// Per-call state. The replace callbacks are module-level functions (no closure allocated per call); they
// write into the counts object of the call in progress. Safe because replace() is synchronous and the
// callbacks never re-enter the redactor.
let activeCounts: RedactionCounts = {};
let activeHits = 0;

function hit(type: PiiType): string {
  activeCounts[type] = (activeCounts[type] ?? 0) + 1;
  activeHits++;
  return PLACEHOLDER[type];
}

const PLACEHOLDER: Record<PiiType, string> = {
  EMAIL: '[EMAIL]',
  PHONE: '[PHONE]',
  SSN: '[SSN]',
  CREDIT_CARD: '[CREDIT_CARD]',
  IP: '[IP]',
  IBAN: '[IBAN]',
  MAC_ADDRESS: '[MAC_ADDRESS]',
  JWT: '[JWT]',
  API_SECRET: '[API_SECRET]',
};

// ---------------------------------------------------------------------------------------------------------
// 1. Secrets.

// Cheap gate: every secret pattern below starts with one of these literals.
const SECRET_HINT_RE = /eyJ|PRIVATE KEY|AKIA|ASIA|gh[pousr]_|github_pat_|xox[abposr]-|[sr]k_(?:live|test)_|AIza|sk-/;

const SECRET_RE = new RegExp(
  [
    // (1) JWT: header.payload.signature (signature may be empty for alg "none").
    String.raw`(?<![\w-])(eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*)`,
    // (2) PEM private key: up to the END line (bounded lazy scan), else the base64 body of a truncated paste.
    String.raw`(-----BEGIN[A-Z ]{0,24}PRIVATE KEY-----(?:[\s\S]{0,20000}?-----END[A-Z ]{0,24}PRIVATE KEY-----|[A-Za-z0-9+/=\\\r\n]*))`,
    // (3) Vendor-prefixed keys.
    String.raw`(?<![\w-])((?:AKIA|ASIA)[A-Z0-9]{16}|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_\w{22,255}` +
      String.raw`|xox[abposr]-[A-Za-z0-9-]{10,250}|[sr]k_(?:live|test)_[A-Za-z0-9]{10,250}|AIza[\w-]{35}` +
      String.raw`|sk-[\w-]{20,250})(?![\w-])`,
  ].join('|'),
  'g',
);

const HAS_UPPER_RE = /[A-Z]/;
const HAS_LOWER_RE = /[a-z]/;
const HAS_DIGIT_RE = /\d/;

function onSecret(m: string, jwt: string | undefined, pem: string | undefined): string {
  if (jwt !== undefined) return hit('JWT');
  if (pem !== undefined) return hit('API_SECRET');
  // `sk-` is also the start of ordinary kebab-case words; real keys mix cases and digits.
  if (m.charCodeAt(0) === 0x73 /* s */ && m.charCodeAt(2) === 0x2d /* - */) {
    if (!(HAS_UPPER_RE.test(m) && HAS_LOWER_RE.test(m) && HAS_DIGIT_RE.test(m))) return m;
  }
  return hit('API_SECRET');
}

// ---------------------------------------------------------------------------------------------------------
// 2. Emails. The local part must start at a token boundary (lookbehind) and is bounded to 64 chars (the
// RFC 5321 limit), so a long run of local-part characters is scanned once from its start, not once per
// character inside it (which was quadratic in the word length). Domain labels are bounded too.
const EMAIL_RE =
  /(?<![\w.%+-])[\w.%+-]{1,64}(?:@|%40)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}([A-Za-z]{2,24})(?![A-Za-z0-9-])/g;

// Image extensions are not TLDs; `logo@2x.png` is an asset name, not an address.
const NOT_TLD = new Set(['png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'avif', 'ico', 'bmp', 'tif', 'tiff']);

function onEmail(m: string, tld: string): string {
  if (NOT_TLD.has(tld.toLowerCase())) return m;
  return hit('EMAIL');
}

// ---------------------------------------------------------------------------------------------------------
// 3. Structured identifiers, one combined regex. Alternatives are tried in order at each position, but the
// leftmost match wins overall, so the order only matters for candidates starting at the same character.
const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;

const STRUCTURED_RE = new RegExp(
  [
    // (1) IBAN candidate: country + check digits + 11..30 alphanumerics, compact or grouped by 4.
    String.raw`(?<![A-Za-z0-9])([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)(?![A-Za-z0-9])`,
    // (2) Colon-separated hex: IPv6 or colon MAC (classified in the callback). Empty groups allow `::`.
    String.raw`(?<![\w:])([0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{0,4}){2,8})(?![\w:]|\.\d)`,
    // (3) Dash MAC.
    String.raw`(?<![\w-])([0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5})(?![\w-])`,
    // (4) IPv4.
    String.raw`(?<![\w.])(${OCTET}(?:\.${OCTET}){3})(?!\w|\.\d)`,
    // (5) SSN, dash form or space form (the space form must not be part of a longer spaced digit sequence).
    String.raw`((?<![\w-])(?!000|666|9)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])` +
      String.raw`|(?<![\w-]|\d )(?!000|666|9)\d{3} (?!00)\d{2} (?!0000)\d{4}(?!\w| \d))`,
    // (6) Payment card candidate (Luhn + prefix checked in the callback).
    // A grouped candidate must not continue a longer spaced/dashed digit sequence; a contiguous one may
    // follow "1234 " (space-separated lists of card numbers).
    String.raw`((?<![\w.-])\d{13,19}|(?<![\w.-]|\d[ -])\d{4}(?: \d{4} \d{4} \d{1,4}(?: \d{1,3})?| \d{6} \d{4,5}` +
      String.raw`|-\d{4}-\d{4}-\d{1,4}(?:-\d{1,3})?|-\d{6}-\d{4,5}))(?!\w|\.\d)`,
    // (7) International phone: '+', digit groups with mandatory separators (digit count checked later).
    String.raw`(?<![\w+])(\+\d{1,15}(?:(?:[ .-]|[ .-]?\(\d{1,4}\)[ .-]?)\d{1,14}){0,10})(?!\d)`,
    // (8) NANP phone without '+'.
    String.raw`(?<![\w+.-]|\d[ .-]|\d\))((?:1[ .-]?)?(?:\([2-9]\d\d\)[ .-]?|[2-9]\d\d[ .-])[2-9]\d\d[ .-]\d{4})(?![\d_]|[.-]\d)`,
  ].join('|'),
  'g',
);

// When a candidate is only partly PII (a phone run that swallowed a following card number, a card followed by
// a CVV, an IBAN followed by a short word), the leftover tail was consumed by the match and would never be
// scanned; scan it on its own. The tail is always shorter than the match, so this terminates, and it is
// bounded by the candidate length, so the total work stays linear. A separate regex object is used so the
// outer replace's state is never shared (replace() collects all matches before calling back, but this keeps
// that reasoning unnecessary).
const STRUCTURED_TAIL_RE = new RegExp(STRUCTURED_RE.source, 'g');

function rescanTail(tail: string): string {
  return HAS_DIGIT_RE.test(tail) ? tail.replace(STRUCTURED_TAIL_RE, onStructured) : tail;
}

function onStructured(
  m: string,
  iban: string | undefined,
  colon: string | undefined,
  macDash: string | undefined,
  ipv4: string | undefined,
  ssn: string | undefined,
  card: string | undefined,
  intlPhone: string | undefined,
  _nanp: string | undefined,
  offset: number,
  whole: string,
): string {
  if (iban !== undefined) return redactIban(m);
  if (colon !== undefined) {
    if (isIpv6(m)) return hit('IP');
    if (COLON_MAC_RE.test(m)) return hit('MAC_ADDRESS');
    return m;
  }
  if (macDash !== undefined) return hit('MAC_ADDRESS');
  if (ipv4 !== undefined) return isVersionContext(whole, offset) ? m : hit('IP');
  if (ssn !== undefined) return hit('SSN');
  if (card !== undefined) return redactCard(m);
  if (intlPhone !== undefined) return redactIntlPhone(m);
  return hit('PHONE');
}

// --- IP ---------------------------------------------------------------------------------------------------

const COLON_MAC_RE = /^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}$/;

function isIpv6(s: string): boolean {
  const dbl = s.indexOf('::');
  if (dbl === -1) {
    // Full form: exactly 8 non-empty groups (the regex guarantees <= 4 hex digits each, no empty group).
    let colons = 0;
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 0x3a) colons++;
    return colons === 7;
  }
  // At most one '::' (this also rejects ':::'), and no dangling single ':' at the end.
  if (s.indexOf('::', dbl + 1) !== -1) return false;
  if (s.charCodeAt(s.length - 1) === 0x3a && dbl !== s.length - 2) return false;
  const groups = s.split(':').filter((g) => g.length > 0);
  if (groups.length > 7) return false;
  // `a::b`, `Foo::Bar` style scopes have no digits; `x[10::200]` slices have short first groups and 2 parts.
  if (!HAS_DIGIT_RE.test(s)) return false;
  return groups.length >= 3 || groups[0].length === 4;
}

// Words after which a dotted quad is a version / section number, and user-agent product tokens.
const VERSION_CONTEXT_RE =
  /(?:^|[^\w§])(?:v|vers?|versions?|release|rel|build|rev|revision|firmware|fw|sections?|sec|chapters?|ch|clauses?|§|figures?|fig|tables?|steps?|paragraphs?|para|articles?|art|items?|oid)\.?["'`]?\s*[:=#]?\s*["'`]?$|(?:chrome|chromium|crios|firefox|fxios|safari|applewebkit|edg|edge|edga|edgios|opr|samsungbrowser|yabrowser|version)\/$/i;

function isVersionContext(whole: string, offset: number): boolean {
  if (offset === 0) return false;
  return VERSION_CONTEXT_RE.test(whole.slice(Math.max(0, offset - 32), offset));
}

// --- Payment cards ----------------------------------------------------------------------------------------

/** Luhn check plus issuer prefix/length plausibility on a candidate that may contain ' ' or '-'. */
function cardValid(s: string): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  let first = -1;
  let second = -1;
  for (let i = s.length - 1; i >= 0; i--) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) continue;
    digits++;
    second = first;
    first = c;
    let d = c;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0 && cardPrefixOk(first, second, digits);
}

// Issuer prefix -> allowed lengths (digits). Rejecting impossible prefix/length pairs removes most of the
// ~10% of random digit runs (trace ids, account numbers, timestamps) that happen to pass Luhn.
function cardPrefixOk(first: number, second: number, len: number): boolean {
  switch (first) {
    case 2: // Mastercard 2221-2720, Mir 2200-2204
      return len === 16;
    case 3:
      if (second === 4 || second === 7) return len === 15; // Amex
      if (second === 5) return len >= 16; // JCB
      if (second === 6) return len === 14; // Diners
      return (second === 0 || second === 8 || second === 9) && len >= 14 && len <= 16; // Diners
    case 4: // Visa
      return len === 13 || len === 16 || len === 19;
    case 5: // Mastercard 51-55 (and 16-digit Maestro 50/56-59)
      return len === 16;
    case 6: // Discover, UnionPay, RuPay, Maestro
      return len >= 16;
    default: // 0, 1, 7, 8, 9: no major network; 1... is also every millisecond epoch timestamp until 2033
      return false;
  }
}

function redactCard(m: string): string {
  if (cardValid(m)) return hit('CREDIT_CARD');
  // 4-4-4-4 followed by a short extra group (often a CVV): retry the first four groups alone.
  const sep = m.charCodeAt(4) === 0x20 ? ' ' : m.charCodeAt(4) === 0x2d ? '-' : '';
  if (sep !== '') {
    const cut = m.lastIndexOf(sep);
    if (cut > 14 && m.split(sep).length === 5 && cardValid(m.slice(0, cut))) {
      return hit('CREDIT_CARD') + rescanTail(m.slice(cut));
    }
  }
  return m;
}

// --- Phones -----------------------------------------------------------------------------------------------

function redactIntlPhone(m: string): string {
  // Count digits, remembering the end of the last whole digit group while the count is still <= 15.
  let digits = 0;
  let lastGoodEnd = -1;
  let lastGoodDigits = 0;
  for (let i = 1; i < m.length; i++) {
    const c = m.charCodeAt(i);
    if (c < 48 || c > 57) continue;
    digits++;
    if (digits > 15) break;
    const next = i + 1 < m.length ? m.charCodeAt(i + 1) : -1;
    if (next < 48 || next > 57) {
      // A group ends here; a ')' closing a trunk prefix belongs to the number too.
      lastGoodEnd = next === 0x29 ? i + 2 : i + 1;
      lastGoodDigits = digits;
    }
  }
  if (digits <= 15) return digits >= 8 ? hit('PHONE') : m;
  if (lastGoodDigits < 8) return m;
  return hit('PHONE') + rescanTail(m.slice(lastGoodEnd));
}

// --- IBAN -------------------------------------------------------------------------------------------------

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

function ibanValid(compact: string): boolean {
  const expected = IBAN_LENGTH[compact.slice(0, 2)];
  if (expected === undefined) return false;
  if (typeof expected === 'number' ? compact.length !== expected : !expected.includes(compact.length)) return false;
  // ISO 13616 / ISO 7064 MOD 97-10: move the first 4 chars to the end, letters -> 10..35, value mod 97 == 1.
  let rem = 0;
  const n = compact.length;
  for (let k = 0; k < n; k++) {
    const c = compact.charCodeAt((k + 4) % n);
    rem = c <= 57 ? (rem * 10 + (c - 48)) % 97 : (rem * 100 + (c - 55)) % 97;
  }
  return rem === 1;
}

function redactIban(m: string): string {
  let candidate = m;
  // A spaced IBAN may have picked up a following 1-4 char all-caps/digit word; retry without it (twice max).
  for (let attempt = 0; attempt < 3; attempt++) {
    if (ibanValid(candidate.replace(SPACES_RE, ''))) {
      return attempt === 0 ? hit('IBAN') : hit('IBAN') + rescanTail(m.slice(candidate.length));
    }
    const cut = candidate.lastIndexOf(' ');
    if (cut < 0) break;
    candidate = candidate.slice(0, cut);
  }
  return m;
}

const SPACES_RE = / /g;

// ---------------------------------------------------------------------------------------------------------
// Core.

function redactInto(text: string, counts: RedactionCounts): string {
  if (text.length < MIN_LENGTH) return text;
  activeCounts = counts;
  let out = text;
  if (SECRET_HINT_RE.test(out)) out = out.replace(SECRET_RE, onSecret);
  if (out.indexOf('@') !== -1 || out.indexOf('%40') !== -1) out = out.replace(EMAIL_RE, onEmail);
  if (HAS_DIGIT_RE.test(out)) out = out.replace(STRUCTURED_RE, onStructured);
  return out;
}

export function redactText(text: string): RedactionResult {
  const counts: RedactionCounts = {};
  activeHits = 0;
  const out = redactInto(text, counts);
  const total = activeHits;
  activeCounts = {};
  return { text: out, counts, total };
}

/**
 * Redacts every string in a JSON value (strings inside arrays and nested objects too; keys are kept),
 * adding the per-type counts into `counts`. Returns a new value; the input is not mutated. Objects with a
 * toJSON() method (e.g. Date) are redacted in their serialised form, as JSON.stringify would store them.
 */
export function redactJson(value: unknown, counts: RedactionCounts): unknown {
  const result = walk(value, counts);
  activeCounts = {};
  return result;
}

function walk(value: unknown, counts: RedactionCounts): unknown {
  if (typeof value === 'string') return redactInto(value, counts);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = walk(value[i], counts);
    return out;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return walk(toJSON.call(value), counts);
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(src)) {
    const v = walk(src[key], counts);
    // JSON.parse creates an own "__proto__" key; plain assignment would instead replace out's prototype.
    if (key === '__proto__') {
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
    } else {
      out[key] = v;
    }
  }
  return out;
}

export function mergeCounts(into: RedactionCounts, from: RedactionCounts): RedactionCounts {
  for (const type of PII_TYPES) {
    const n = from[type];
    if (n) into[type] = (into[type] ?? 0) + n;
  }
  return into;
}
