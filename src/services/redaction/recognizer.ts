import { PRIORITY, type PiiType } from './pii-types';

/**
 * One class of personal data, found in text (the recognizer shape of Microsoft Presidio): its patterns, its
 * context words and its validator live in one module under `recognizers/`, and `registry.ts` lists it.
 *
 * Rules every recognizer keeps (the ReDoS test and `bench:redact` check them):
 *   - `find` is linear in the text length: global/sticky regexes scanned once with bounded repetitions, no
 *     nested unbounded quantifiers, context looked up in a bounded window;
 *   - `gate` is a cheap whole-text pre-check (one indexOf or one simple regex test) so that text without any
 *     hint of the class costs one scan;
 *   - a finding covers exactly the characters to replace; the pipeline resolves overlaps between recognizers.
 */
export interface Recognizer {
  /** Stable kebab-case name ("email", "uk-nino", "street-address"), used in tests and docs. */
  readonly name: string;
  /** The class it produces; turning the class off turns the recognizer off. */
  readonly type: PiiType;
  /** Every regex the recognizer runs (the ReDoS test in `npm test` checks each one). */
  readonly patterns: readonly RegExp[];
  /** Cheap pre-check on the whole text (or digit window, see below); false skips `find`. */
  gate?(text: string): boolean;
  /**
   * Every finding holds an ASCII digit and is decided by what lies within DIGIT_REACH characters of its digits
   * (its own extent included). The pipeline then runs the recognizer
   * (gate and find) only on the windows of the text around its digits, not on the whole text: on chat
   * traffic most text holds no digit or a few in one place, and the context-word scans of the numeric
   * classes were most of the redactor's cost (test/unit/redaction/digit-windows.test.ts checks that
   * windowed and whole-text runs agree).
   */
  readonly anchoredOnDigits?: boolean;
  /** Pushes every finding in `text` onto `out`. */
  find(text: string, out: Finding[], settings: RedactionSettings): void;
}

/** A half-open span [start, end) of the text that holds personal data of one class. */
export interface Finding {
  start: number;
  end: number;
  type: PiiType;
  priority: number;
}

export interface RedactionSettings {
  /** Classes that are not redacted (REDACT_DISABLED_TYPES). */
  readonly disabled: ReadonlySet<PiiType>;
  /** ISO 3166 regions whose national phone formats are recognised (REDACT_PHONE_REGIONS), in trial order. */
  readonly phoneRegions: readonly string[];
}

export function finding(type: PiiType, start: number, end: number): Finding {
  return { start, end, type, priority: PRIORITY[type] };
}

/**
 * Runs a global regex over the text once and calls `onMatch` for each match; `onMatch` pushes findings (or
 * not). Empty matches advance by one character so the loop always terminates.
 */
export function scan(re: RegExp, text: string, onMatch: (m: RegExpExecArray) => void): void {
  if (!re.global && !re.sticky) throw new TypeError(`scan needs a global regex: ${re.source.slice(0, 40)}`);
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (m[0].length === 0) re.lastIndex++;
    onMatch(m);
  }
}

/**
 * The `chars` characters before `start` (bounded, so context checks stay constant-cost per candidate).
 * Context regexes test this window, usually anchored with `$` or a bounded gap like `.{0,40}$`.
 */
export function before(text: string, start: number, chars: number): string {
  return text.slice(Math.max(0, start - chars), start);
}

/** The `chars` characters after `end`. */
export function after(text: string, end: number, chars: number): string {
  return text.slice(end, end + chars);
}

// One-entry caches for the shared gates: several recognizers gate on "any digit" (or the secret hint), and the
// pipeline hands them the same string one after the other, so each scan runs once per text instead of once
// per recognizer. The pipeline clears the caches after each text (clearGateCaches), so a verdict never
// outlives its run and no large text stays referenced.
let digitText: string | null = null;
let digitVerdict = false;

/** The digit runs that digitWindows() places its windows around. */
const DIGIT_RUN_RE = /\d+/g;
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/**
 * Whether the text holds an ASCII digit (a cheap gate shared by the numeric recognizers). Ten native
 * single-character searches (memchr) cost ~0.17 µs on 400 characters of text without digits, /\d/ ~0.4 µs.
 */
export function hasDigit(text: string): boolean {
  if (text !== digitText) {
    digitText = text;
    digitVerdict = false;
    for (let d = 0; d < 10; d++) {
      if (text.indexOf(DIGITS[d]) !== -1) {
        digitVerdict = true;
        break;
      }
    }
  }
  return digitVerdict;
}

let upperText: string | null = null;
let upperVerdict = false;

/**
 * Whether the text holds an ASCII capital or any non-ASCII character. Two native passes instead of one
 * regex: `Buffer.byteLength` (non-ASCII ⇔ more UTF-8 bytes than UTF-16 units) and, for ASCII text,
 * `toLowerCase`, which returns equal text unless A–Z occurs. On 400 characters of lower-case chat that is
 * ~0.3 µs against ~1 µs for /[A-Z\u0080-\uFFFF]/.
 */
export function upperOrNonAscii(text: string): boolean {
  if (text !== upperText) {
    upperText = text;
    upperVerdict = Buffer.byteLength(text, 'utf8') !== text.length || text.toLowerCase() !== text;
  }
  return upperVerdict;
}

let hintText: string | null = null;
let hintVerdict = false;
const SECRET_HINT_RE = /eyJ|PRIVATE KEY|AKIA|ASIA|gh[pousr]_|github_pat_|xox[abposr]-|[sr]k_(?:live|test)_|AIza|sk-/;

/**
 * Whether the text holds a literal that every JWT or vendor secret starts with (shared gate, cached). Each
 * literal holds a capital (eyJ, PRIVATE KEY, AKIA, ASIA, AIza), an underscore or a dash, so text with none
 * of those skips the alternation, which tests ten literals at every position (~1.8 µs per 400 characters).
 */
export function secretHint(text: string): boolean {
  if (text !== hintText) {
    hintText = text;
    hintVerdict =
      (upperOrNonAscii(text) || text.indexOf('_') !== -1 || text.indexOf('-') !== -1) && SECRET_HINT_RE.test(text);
  }
  return hintVerdict;
}

/** The regexes behind the shared gates (listed by the recognizers that use them, for the ReDoS check). */
export const SHARED_GATE_PATTERNS: readonly RegExp[] = [SECRET_HINT_RE, DIGIT_RUN_RE];

/** Forgets the shared gate verdicts (called by the pipeline after each text). */
export function clearGateCaches(): void {
  digitText = null;
  upperText = null;
  hintText = null;
}

/** Records that `text` holds a digit (a digit window does by construction), so hasDigit does not rescan it. */
export function knownToHoldDigits(text: string): void {
  digitText = text;
  digitVerdict = true;
}

/**
 * How far a digit-anchored recognizer may look from the nearest digit, counting both the extent of its
 * finding and the context it reads. The longest: a street name written before a continental house number
 * (bounded to 80 characters, "Avenida del Libertador General San Martín 1234" is 41) plus the 48-character
 * address sentence window before it; a date of birth reads 72 characters before a date that starts at most
 * ~25 characters before its first digit ("Wednesday, September 3"); a document number stands within 40
 * characters after its introducing word, which reads 24 characters before itself. Windows reach this far on
 * each side of their digits; the equivalence test (digit-windows.test.ts) still passes at 80.
 */
export const DIGIT_REACH = 128;

/**
 * The windows of the text around its digits, as [start, end) pairs pushed onto `out`: DIGIT_REACH characters
 * before the first digit of a cluster and after its last, widened to the nearest whitespace so that no
 * window starts or ends inside a word (a lookbehind at a window's start then sees what it would see in the
 * whole text: no letter or digit). Digits closer than two reaches share one window. Returns false (and
 * pushes nothing) when the windows would cover most of the text anyway: then the whole text is scanned once.
 */
export function digitWindows(text: string, out: number[]): boolean {
  const n = text.length;
  // A window is at least DIGIT_REACH long: on shorter text it would cover most of it anyway.
  if (n * 0.75 <= DIGIT_REACH) return false;
  DIGIT_RUN_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  let covered = 0;
  let start = -1;
  let end = -1;
  const close = () => {
    const a = widenLeft(text, Math.max(0, start - DIGIT_REACH));
    const b = widenRight(text, Math.min(n, end + DIGIT_REACH));
    out.push(a, b);
    covered += b - a;
  };
  while ((m = DIGIT_RUN_RE.exec(text)) !== null) {
    const runEnd = m.index + m[0].length;
    if (start === -1) {
      start = m.index;
    } else if (m.index - end > 2 * DIGIT_REACH) {
      close();
      start = m.index;
    }
    end = runEnd;
  }
  if (start !== -1) close();
  // Windows widened to whitespace may touch: merge them so no character is scanned twice.
  let w = 0;
  for (let i = 0; i < out.length; i += 2) {
    if (w > 0 && out[i] <= out[w - 1]) {
      out[w - 1] = Math.max(out[w - 1], out[i + 1]);
    } else {
      out[w++] = out[i];
      out[w++] = out[i + 1];
    }
  }
  out.length = w;
  if (covered > n * 0.75) {
    out.length = 0;
    return false;
  }
  return true;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 12 || code === 11;
}

/** Moves a window start left to just after a whitespace character, at most 64 characters (then it stops there). */
function widenLeft(text: string, a: number): number {
  const stop = Math.max(0, a - 64);
  for (let i = a; i > stop; i--) if (isSpace(text.charCodeAt(i - 1))) return i;
  return stop;
}

/** Moves a window end right to a whitespace character, at most 64 characters (then it stops there). */
function widenRight(text: string, b: number): number {
  const stop = Math.min(text.length, b + 64);
  for (let i = b; i < stop; i++) if (isSpace(text.charCodeAt(i))) return i;
  return stop;
}
