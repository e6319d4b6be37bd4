import { finding, secretHint, SHARED_GATE_PATTERNS, type Finding, type Recognizer } from '../recognizer';

/**
 * API_SECRET: only vendor formats with a distinctive prefix: AWS access key ids (AKIA/ASIA), GitHub tokens
 * (ghp_/gho_/ghu_/ghs_/ghr_, github_pat_), Slack (xox?-), Stripe secret/restricted keys (sk_/rk_ live|test),
 * Google API keys (AIza), OpenAI/Anthropic-style `sk-...` keys (must mix upper case, lower case and digits
 * so kebab-case words like `sk-learn-...` stay), and PEM private-key blocks (to the END line, or to the end
 * of the base64 body if the paste is truncated). Generic "high-entropy string" detection is deliberately
 * absent: it cannot tell secrets from hashes, UUIDs and base64 payloads, which must stay.
 *
 * PEM blocks are found in linear time. The tier-1 regex scanned up to 20,000 characters lazily from EVERY
 * `-----BEGIN … PRIVATE KEY-----` header looking for the END line, so 64k characters of repeated headers cost
 * ~95 ms per field (quadratic). Now the END line after a header is looked up with one regex search whose
 * result is cached: the first END at or after position s is also the first END after any later position up
 * to it, so consecutive headers reuse it, and a new search starts only past the previous END — the searches
 * cover disjoint stretches of the text. The 20,000-character bound is kept as a rule (a block ends at an END
 * line at most 20,000 characters after its header; farther away, the paste counts as truncated and the block
 * is the header plus its base64 body).
 */
const VENDOR_RE = new RegExp(
  String.raw`(?<![\w-])(?:(?:AKIA|ASIA)[A-Z0-9]{16}|gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_\w{22,255}` +
    String.raw`|xox[abposr]-[A-Za-z0-9-]{10,250}|[sr]k_(?:live|test)_[A-Za-z0-9]{10,250}|AIza[\w-]{35}` +
    String.raw`|sk-[\w-]{20,250})(?![\w-])`,
  'g',
);
const PEM_HEADER_RE = /-----BEGIN[A-Z ]{0,24}PRIVATE KEY-----/g;
const PEM_END_RE = /-----END[A-Z ]{0,24}PRIVATE KEY-----/g;
/** The base64 body of a truncated paste (sticky: matched once, right after the header). */
const PEM_BODY_RE = /[A-Za-z0-9+/=\\\r\n]*/y;
/** Farthest END line (characters after the header) that still closes a block, as in tier 1. */
const PEM_MAX_BODY = 20_000;

const HAS_UPPER_RE = /[A-Z]/;
const HAS_LOWER_RE = /[a-z]/;
const HAS_DIGIT_RE = /\d/;

function findPem(text: string, out: Finding[]): void {
  if (text.indexOf('PRIVATE KEY-----') === -1) return;
  // Cache of the last END search: the first END at or after `searchedFrom` starts at `endAt` (-1: none).
  let searchedFrom = -1;
  let endAt = -1;
  let endLength = 0;
  PEM_HEADER_RE.lastIndex = 0;
  let h: RegExpExecArray | null;
  while ((h = PEM_HEADER_RE.exec(text)) !== null) {
    const start = h.index;
    const bodyFrom = start + h[0].length;
    if (searchedFrom < 0 || (endAt !== -1 && bodyFrom > endAt)) {
      PEM_END_RE.lastIndex = bodyFrom;
      const e = PEM_END_RE.exec(text);
      searchedFrom = bodyFrom;
      endAt = e === null ? -1 : e.index;
      endLength = e === null ? 0 : e[0].length;
    }
    let end: number;
    if (endAt !== -1 && endAt - bodyFrom <= PEM_MAX_BODY) {
      end = endAt + endLength;
    } else {
      PEM_BODY_RE.lastIndex = bodyFrom;
      PEM_BODY_RE.exec(text);
      end = PEM_BODY_RE.lastIndex;
    }
    out.push(finding('API_SECRET', start, end));
    PEM_HEADER_RE.lastIndex = end;
  }
}

export const apiSecretRecognizer: Recognizer = {
  name: 'api-secret',
  type: 'API_SECRET',
  patterns: [VENDOR_RE, PEM_HEADER_RE, PEM_END_RE, PEM_BODY_RE, ...SHARED_GATE_PATTERNS],
  // Every pattern above starts with a literal of the shared secret hint (computed once per text with JWT's).
  gate: secretHint,
  find(text: string, out: Finding[]): void {
    findPem(text, out);
    VENDOR_RE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = VENDOR_RE.exec(text)) !== null) {
      const key = m[0];
      // `sk-` is also the start of ordinary kebab-case words; real keys mix cases and digits.
      if (key.charCodeAt(0) === 0x73 /* s */ && key.charCodeAt(2) === 0x2d /* - */) {
        if (!(HAS_UPPER_RE.test(key) && HAS_LOWER_RE.test(key) && HAS_DIGIT_RE.test(key))) continue;
      }
      out.push(finding('API_SECRET', m.index, m.index + key.length));
    }
  },
};
