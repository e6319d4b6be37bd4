import { finding, type Finding, type Recognizer } from '../recognizer';

/**
 * JWT: three base64url segments where header and payload start with `eyJ` (base64 of `{"`); the signature
 * may be empty (alg "none"). Starts at a token boundary, so a long base64url run is scanned once.
 */
const JWT_RE = /(?<![\w-])eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*/g;

export const jwtRecognizer: Recognizer = {
  name: 'jwt',
  type: 'JWT',
  patterns: [JWT_RE],
  gate: (text) => text.indexOf('eyJ') !== -1,
  find(text: string, out: Finding[]): void {
    JWT_RE.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = JWT_RE.exec(text)) !== null) out.push(finding('JWT', m.index, m.index + m[0].length));
  },
};
