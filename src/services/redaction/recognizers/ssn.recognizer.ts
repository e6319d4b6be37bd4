import { finding, hasDigit, SHARED_GATE_PATTERNS, type Finding, type Recognizer } from '../recognizer';

/**
 * SSN (US Social Security number; keeps its own class and `[SSN]` placeholder): exactly ddd-dd-dddd or
 * ddd dd dddd, area not 000/666/9xx, group not 00, serial not 0000, and the token must stand alone: not glued
 * to letters or dashes, so `INV-123-45-6789` and `ORD-2024-001234` are references, not SSNs. The spaced form
 * must not be part of a longer spaced digit sequence.
 */
const SSN_RE = new RegExp(
  String.raw`(?<![\w-])(?!000|666|9)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])` +
    String.raw`|(?<![\w-]|\d )(?!000|666|9)\d{3} (?!00)\d{2} (?!0000)\d{4}(?!\w| \d)`,
  'g',
);
const GATE_RE = /\d{3}[ -]\d\d[ -]\d{4}/;

export const ssnRecognizer: Recognizer = {
  name: 'us-ssn',
  type: 'SSN',
  patterns: [SSN_RE, GATE_RE, ...SHARED_GATE_PATTERNS],
  gate: (text) => hasDigit(text) && GATE_RE.test(text),
  find(text: string, out: Finding[]): void {
    SSN_RE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = SSN_RE.exec(text)) !== null) out.push(finding('SSN', m.index, m.index + m[0].length));
  },
};
