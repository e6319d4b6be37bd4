import { finding, secretHint, SHARED_GATE_PATTERNS, type Finding, type Recognizer } from '../recognizer';

/**
 * JWT: three base64url segments where header and payload start with `eyJ` (base64 of `{"`); the signature
 * may be empty (alg "none"). Starts at a token boundary, so a long base64url run is scanned once. Segments
 * are bounded to 16,384 characters (HTTP servers cap a whole header at 8-16 KB, so no usable token is longer):
 * with only bounded repetitions the ReDoS checker can prove the pattern linear, which it cannot do through
 * the lookbehind that makes the unbounded tier-1 form linear in practice.
 */
const JWT_RE = /(?<![\w-])eyJ[\w-]{8,16384}\.eyJ[\w-]{8,16384}\.[\w-]{0,16384}/g;

export const jwtRecognizer: Recognizer = {
  name: 'jwt',
  type: 'JWT',
  patterns: [JWT_RE, ...SHARED_GATE_PATTERNS],
  gate: secretHint,
  find(text: string, out: Finding[]): void {
    JWT_RE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = JWT_RE.exec(text)) !== null) out.push(finding('JWT', m.index, m.index + m[0].length));
  },
};
