import { hasDigit, scan, type Finding, type Recognizer } from '../recognizer';
import { ADDRESS_CONTEXT_PATTERNS, type AddressSpan, extendTail, pushMerged, strongContextBefore, wordAfter, wordBefore } from './address-context';

/**
 * Post-office boxes, with the postcode (and city) that follows them: "PO Box 1234", "P.O. Box 77, Springfield,
 * IL 62704", "GPO Box 1234, Sydney NSW 2001", "Postfach 12 34, 10115 Berlin", "BP 123, 75001 Paris",
 * "Apartado de Correos 45", "Casella Postale 12", "Postbus 1000". One `[ADDRESS]` per box.
 *
 * The box words are specific enough to stand alone, except "BP", which is also blood pressure ("BP 120/80",
 * "BP 140 over 90") and a company name ("BP 2010 oil spill"): a BP number followed by '/', "over", "mm", a
 * lower-case word, or preceded by a medical word, is kept, and a year-like BP number needs a postcode or an
 * address context.
 */
const PO_BOX_RE =
  /(?<![\p{L}\p{N}])(?:[Pp]\.?[ \t]?[Oo]\.?[ \t]?(?:[Bb]ox|BOX)|POB|P\.O\.B\.|[Pp]ost[ \t][Oo]ffice[ \t](?:[Bb]ox|BOX)|GPO[ \t](?:[Bb]ox|BOX)|[Ll]ocked[ \t][Bb]ag|PMB|[Pp]ostfach|[Pp]ostbus|B\.[ \t]?P\.|BP|[Bb]o[îi]te[ \t][Pp]ostale|[Aa]partado(?:[ \t]de[ \t][Cc]orreos)?|[Aa]pdo\.|[Cc]asella[ \t][Pp]ostale|[Cc]aixa[ \t][Pp]ostal)[ \t]{0,2}(?:[Nn][or]\.?[ \t]?|#[ \t]?)?(\d{1,6})(?![\p{L}\p{N}])/gu;
/** "Postfach 12 34": German box numbers are often written in pairs of digits. */
const DIGIT_PAIRS_RE = /[ \t]\d{2}(?:[ \t]\d{2})?(?![\p{L}\p{N}])/uy;
const BP_MEDICAL_RE = /^[ \t]{0,2}(?:\/|over\b|mm|sur\b|\d)/u;
const MEDICAL_WORDS: ReadonlySet<string> = new Set([
  'my', 'blood', 'pressure', 'systolic', 'diastolic', 'high', 'low', 'his', 'her', 'tension', 'patient', 'measured',
]);

export const poBoxRecognizer: Recognizer = {
  name: 'po-box',
  type: 'ADDRESS',
  anchoredOnDigits: true,
  patterns: [PO_BOX_RE, DIGIT_PAIRS_RE, BP_MEDICAL_RE, ...ADDRESS_CONTEXT_PATTERNS],
  gate: hasDigit,
  find(text: string, out: Finding[]): void {
    const spans: AddressSpan[] = [];
    scan(PO_BOX_RE, text, (m) => {
      const start = m.index;
      let end = start + m[0].length;
      const isBp = m[0].startsWith('BP') || m[0].startsWith('B.');
      if (m[0].startsWith('Postfach') || m[0].startsWith('postfach')) {
        DIGIT_PAIRS_RE.lastIndex = end;
        const pairs = DIGIT_PAIRS_RE.exec(text);
        if (pairs !== null) end += pairs[0].length;
      }
      const tail = extendTail(text, end, {});
      if (isBp && !tail.strong) {
        if (BP_MEDICAL_RE.test(text.slice(end, end + 8))) return;
        if (MEDICAL_WORDS.has(wordBefore(text, start))) return;
        const next = wordAfter(text, end);
        if (next !== null && next.charAt(0) === next.charAt(0).toLowerCase() && next.charAt(0) !== next.charAt(0).toUpperCase()) return;
        const n = Number(m[1]);
        if (m[1].length === 4 && n >= 1900 && n <= 2100 && !strongContextBefore(text, start)) return;
      }
      spans.push({ start, end: tail.end, core: tail.coreEnd });
    });
    pushMerged(spans, out);
  },
};
