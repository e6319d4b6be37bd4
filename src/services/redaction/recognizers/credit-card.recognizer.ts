import { finding, hasDigit, SHARED_GATE_PATTERNS, type Finding, type Recognizer } from '../recognizer';

/**
 * CREDIT_CARD: 13-19 contiguous digits, or 4-4-4-(1-4)[-(1-3)] / 4-6-(4|5) groups with a consistent space or
 * dash separator; Luhn-valid AND an issuer prefix with a length that network actually issues (Visa 4:
 * 13/16/19, Mastercard 2/5: 16, Amex 34/37: 15, Diners 30/36/38/39: 14-16, JCB 35 and 6x: 16-19). About 10%
 * of random digit runs pass Luhn; the prefix/length rule rejects most of them (trace ids, account numbers)
 * and all millisecond epoch timestamps (they start with 1). Not glued to '.' or '-' so decimals and dashed
 * references are safe; ',' is allowed so CSV rows of card numbers are still caught. If a 5-group candidate
 * fails, the first four groups are retried (a card followed by a CVV). Rare 12-19 digit Maestro numbers are
 * only caught in their 16-digit form.
 *
 * Grouped numbers are read as a whole run of digit groups (one separator kind, at most 15 groups) and the card
 * shapes are tried at the start of the run (the tier-1 rule), then as the run's tail: the tail window must end
 * the run or be followed by one short group (a CVV). The tail rule replaces tier 1's re-scan of what a phone
 * left over (`+44 20 7946 0958 4111 1111 1111 1111`: the phone ends where the card begins, and the card is
 * now found by its own recognizer) and also catches a card glued after another digit group
 * (`1234 4111 1111 1111 1111`, a known miss of tier 1).
 */
const CARD_RE = /(?<![\w.-])(?:\d{13,19}|\d{1,6}(?: \d{1,6}){2,14}|\d{1,6}(?:-\d{1,6}){2,14})(?!\w|\.\d)/g;

/** Luhn check plus issuer prefix/length plausibility over text[start, end), skipping separators. */
export function cardValid(s: string, start = 0, end = s.length): boolean {
  let sum = 0;
  let double = false;
  let digits = 0;
  let first = -1;
  let second = -1;
  for (let i = end - 1; i >= start; i--) {
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

// Group boundaries of the current grouped candidate (at most 15 groups), reused across calls.
const groupStart = new Int32Array(16);
const groupEnd = new Int32Array(16);

/** Card shapes starting at group s: returns the number of groups of the valid card there, or 0. */
function cardAt(text: string, s: number, n: number, mustEndBy: number): number {
  const len = (g: number): number => groupEnd[g] - groupStart[g];
  if (s + 3 < n && len(s) === 4 && len(s + 1) === 4 && len(s + 2) === 4 && len(s + 3) <= 4) {
    if (s + 4 < n && len(s + 4) <= 3 && s + 5 >= mustEndBy && cardValid(text, groupStart[s], groupEnd[s + 4])) return 5;
    if (s + 4 >= mustEndBy && cardValid(text, groupStart[s], groupEnd[s + 3])) return 4;
  }
  if (s + 2 < n && len(s) === 4 && len(s + 1) === 6 && (len(s + 2) === 4 || len(s + 2) === 5)) {
    if (s + 3 >= mustEndBy && cardValid(text, groupStart[s], groupEnd[s + 2])) return 3;
  }
  return 0;
}

function findGrouped(text: string, from: number, to: number, out: Finding[]): void {
  let n = 0;
  let inGroup = false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    if (digit && !inGroup) groupStart[n] = i;
    if (!digit && inGroup) groupEnd[n++] = i;
    inGroup = digit;
  }
  if (inGroup) groupEnd[n++] = to;
  // 1. At the start of the run (tier 1): anything may follow.
  let next = 0;
  const head = cardAt(text, 0, n, 0);
  if (head > 0) {
    out.push(finding('CREDIT_CARD', groupStart[0], groupEnd[head - 1]));
    next = head;
  }
  // 2. As the run's tail: the card ends the run, or one short group (a CVV) follows it.
  for (let s = Math.max(next, 1); s + 2 < n; s++) {
    const trailer = groupEnd[n - 1] - groupStart[n - 1] <= 4 ? n - 1 : n;
    const g = cardAt(text, s, n, trailer);
    if (g > 0) {
      out.push(finding('CREDIT_CARD', groupStart[s], groupEnd[s + g - 1]));
      return;
    }
  }
}

export const creditCardRecognizer: Recognizer = {
  name: 'credit-card',
  type: 'CREDIT_CARD',
  anchoredOnDigits: true,
  patterns: [CARD_RE, ...SHARED_GATE_PATTERNS],
  gate: hasDigit,
  find(text: string, out: Finding[]): void {
    CARD_RE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = CARD_RE.exec(text)) !== null) {
      const start = m.index;
      const end = start + m[0].length;
      const grouped = m[0].indexOf(' ') !== -1 || m[0].indexOf('-') !== -1;
      if (!grouped) {
        if (cardValid(text, start, end)) out.push(finding('CREDIT_CARD', start, end));
      } else {
        findGrouped(text, start, end, out);
      }
    }
  },
};
