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
  /** Cheap pre-check on the whole text; false skips `find`. */
  gate?(text: string): boolean;
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

// One-entry cache for hasDigit: several recognizers gate on "any digit", and the pipeline hands them the same
// string one after the other, so the scan runs once per text instead of once per recognizer. The pipeline
// clears the gate caches after each text (clearGateCaches), so a verdict never outlives its run and no large
// text stays referenced.
let digitText: string | null = null;
let digitVerdict = false;
const DIGIT_RE = /\d/;

/** Whether the text holds an ASCII digit (a cheap gate shared by the numeric recognizers). */
export function hasDigit(text: string): boolean {
  if (text !== digitText) {
    digitText = text;
    digitVerdict = DIGIT_RE.test(text);
  }
  return digitVerdict;
}

// One-entry cache for secretHint: the JWT and API-secret recognizers gate on the same literals, so the text is
// scanned for them once (tier 1 had the same single hint regex in front of its secret pass).
let hintText: string | null = null;
let hintVerdict = false;
const SECRET_HINT_RE = /eyJ|PRIVATE KEY|AKIA|ASIA|gh[pousr]_|github_pat_|xox[abposr]-|[sr]k_(?:live|test)_|AIza|sk-/;

/** Whether the text holds a literal that every JWT or vendor secret starts with (shared gate, cached). */
export function secretHint(text: string): boolean {
  if (text !== hintText) {
    hintText = text;
    hintVerdict = SECRET_HINT_RE.test(text);
  }
  return hintVerdict;
}

/** The regexes behind the shared gates (listed by the recognizers that use them, for the ReDoS check). */
export const SHARED_GATE_PATTERNS: readonly RegExp[] = [DIGIT_RE, SECRET_HINT_RE];

/** Forgets the shared gate verdicts (called by the pipeline after each text). */
export function clearGateCaches(): void {
  digitText = null;
  hintText = null;
}
