import { finding, hasDigit, SHARED_GATE_PATTERNS, type Finding, type Recognizer } from '../recognizer';

/**
 * MAC_ADDRESS: six 2-hex-digit groups separated consistently by ':' or '-', standing alone (a colon form
 * inside a longer colon run is an IPv6 address or something else; see ip.recognizer.ts).
 */
const MAC_RE =
  /(?<![\w:])[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}(?![\w:]|\.\d)|(?<![\w-])[0-9A-Fa-f]{2}(?:-[0-9A-Fa-f]{2}){5}(?![\w-])/g;
// Starts with a separator literal (fast scan) rather than a hex class (which matches at most prose letters).
const GATE_RE = /[:-][0-9A-Fa-f]{2}[:-]/;

export const macAddressRecognizer: Recognizer = {
  name: 'mac-address',
  type: 'MAC_ADDRESS',
  patterns: [MAC_RE, GATE_RE, ...SHARED_GATE_PATTERNS],
  // Like tier 1, a text without any digit is skipped: a MAC made only of a-f pairs (~1 in 100,000) in a text
  // with no digit anywhere is not worth a scan of every text.
  gate: (text) => hasDigit(text) && GATE_RE.test(text),
  find(text: string, out: Finding[]): void {
    MAC_RE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = MAC_RE.exec(text)) !== null) out.push(finding('MAC_ADDRESS', m.index, m.index + m[0].length));
  },
};
