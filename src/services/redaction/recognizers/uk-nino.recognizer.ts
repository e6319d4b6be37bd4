import { finding, scan, type Finding, type Recognizer } from '../recognizer';
import { LEFT_WORD, RIGHT_WORD, SHARED_PATTERNS, afterReferenceWord, hasDigit, nearContext } from './gov-id-context';

/**
 * UK National Insurance number: two prefix letters, six digits, suffix A-D (`AB123456C`, `AB 12 34 56 C`,
 * `AB 123456 C`). HMRC's prefix rules: the first letter is not D, F, I, Q, U or V; the second is not D, F, I,
 * O, Q, U or V; the pairs BG, GB, KN, NK, NT, TN and ZZ are never issued. No checksum.
 *
 * Kept: the same shape right after a reference word (`SKU AB123456C`, `part no. AB123456C`). Written in lower
 * case it also needs a context word (NI number, national insurance, NINO): a lower-case 9-character token of
 * this shape is more often a short hex hash or a code than a NINO.
 */
const CANDIDATE = new RegExp(
  String.raw`${LEFT_WORD}([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])(?: ?\d{2}){3} ?[A-D]${RIGHT_WORD}`,
  'giu',
);
const INVALID_PREFIXES = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);
const LOWER = /[a-z]/;
// `NI` only in capitals ("ni" is a word in several languages).
const CONTEXT = /(?<![\p{L}\p{N}])(?:NINO|NI|N\.I)(?![\p{L}\p{N}])|[Nn]ational [Ii]nsurance|\bnino\b/u;
const SHAPE = /^[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$/;
const SPACES = / /g;

/** Whether a compact, upper-case candidate (`AB123456C`) follows the prefix and suffix rules. */
export function isValidNino(compact: string): boolean {
  return SHAPE.test(compact) && !INVALID_PREFIXES.has(compact.slice(0, 2));
}

export const ukNinoRecognizer: Recognizer = {
  name: 'uk-nino',
  type: 'GOV_ID',
  anchoredOnDigits: true,
  patterns: [CANDIDATE, LOWER, CONTEXT, SHAPE, SPACES, ...SHARED_PATTERNS],
  gate: hasDigit,
  find(text: string, out: Finding[]): void {
    scan(CANDIDATE, text, (m) => {
      const start = m.index;
      const end = start + m[0].length;
      if (!isValidNino(m[0].replace(SPACES, '').toUpperCase())) return;
      const context = nearContext(text, start, end, CONTEXT);
      const lower = LOWER.test(m[0]);
      if (context || (!lower && !afterReferenceWord(text, start))) out.push(finding('GOV_ID', start, end));
    });
  },
};
