import { before, finding, hasDigit, SHARED_GATE_PATTERNS, type Finding, type Recognizer } from '../recognizer';

/**
 * SSN (US Social Security number; keeps its own class and `[SSN]` placeholder): exactly ddd-dd-dddd or
 * ddd dd dddd, area not 000/666/9xx, group not 00, serial not 0000, and the token must stand alone: not glued
 * to letters or dashes, so `INV-123-45-6789` and `ORD-2024-001234` are references, not SSNs. The spaced form
 * must not be part of a longer spaced digit sequence.
 *
 * The compact form (nine digits, no separators: `SSN 123456789`, `SS#123456789`) obeys the same area/group/
 * serial rules but is an SSN only when an SSN word ends within 24 characters before it (COMPACT_CONTEXT_RE):
 * a bare nine-digit run is an order, tracking or row number far more often (about 1 in 3 random 9-digit runs
 * passes the area/group/serial rules, so the rules alone would redact most of them).
 */
const SSN_RE = new RegExp(
  String.raw`(?<![\w-])(?!000|666|9)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])` +
    String.raw`|(?<![\w-]|\d )(?!000|666|9)\d{3} (?!00)\d{2} (?!0000)\d{4}(?!\w| \d)` +
    // Compact: nine digits standing alone (not inside a longer run, a word, a decimal or a dashed reference);
    // one scan for all three forms, the context check below applies to this one only.
    String.raw`|(?<![\w.,-])(?!000|666|9)\d{3}(?!00)\d{2}(?!0000)\d{4}(?![\w-]|[.,]\d)`,
  'g',
);
/**
 * An SSN word just before the compact number: SSN, SS#, SSN# (also markdown-escaped `SSN\#`), social, social
 * security (number|no|#), soc. sec., Spanish número de seguro social / seguro social; between the word and
 * the digits only `security`/`number`/`no`/`#`, up to 4 spaces or punctuation and an optional `is`/`was`/`es`
 * (`my SSN number is 123456789`), so the word must be the one introducing this number (`social media
 * followers 123456789` stays); the window is 24 characters.
 */
const COMPACT_CONTEXT_RE =
  /(?:\bss(?:ns?)?\b|\bsocial\b|\bsoc\.?\s?sec\b\.?|\bseguro\s(?:social|soc\.)|\bseg\.?\s?soc\b\.?)(?:\s?(?:security|sec\.?))?(?:\s?(?:number|num|nr|no|n[º°]|#))?[^\w\n]{0,4}(?:(?:is|was|es|:)[^\w\n]{1,3})?$/i;
const GATE_RE = /\d{3}[ -]?\d\d[ -]?\d{4}/;

export const ssnRecognizer: Recognizer = {
  name: 'us-ssn',
  type: 'SSN',
  anchoredOnDigits: true,
  patterns: [SSN_RE, COMPACT_CONTEXT_RE, GATE_RE, ...SHARED_GATE_PATTERNS],
  gate: (text) => hasDigit(text) && GATE_RE.test(text),
  find(text: string, out: Finding[]): void {
    SSN_RE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = SSN_RE.exec(text)) !== null) {
      // A 9-character match has no separators: the compact form, an SSN only after an SSN word.
      if (m[0].length === 9 && !COMPACT_CONTEXT_RE.test(before(text, m.index, 24))) continue;
      out.push(finding('SSN', m.index, m.index + m[0].length));
    }
  },
};
