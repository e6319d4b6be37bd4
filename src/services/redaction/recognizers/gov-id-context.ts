import { PRIORITY } from '../pii-types';
import { after, before, finding, type Finding } from '../recognizer';

/**
 * Shared boundaries and context rules of the government-id recognizers (`*.recognizer.ts` beside this file,
 * type GOV_ID). Each id module keeps its own pattern, context words and checksum; this file holds what they
 * all agree on.
 *
 * A government id is a token of its own: not glued to letters, digits, '_', '-' or '/' (`INV-046454286`,
 * `/users/123456782`), not the tail of a decimal or version (`1.046454286`) and not one group of a longer
 * digit-group run (`046 454 286 123` is four groups, not a SIN): LEFT/RIGHT below, written into every
 * pattern, so a long run of digits fails after a constant number of steps per position.
 */
export const LEFT = String.raw`(?<![\p{L}\p{N}_\-/]|\p{N}[.,]|\p{N}[ .\-])`;
export const RIGHT = String.raw`(?![\p{L}\p{N}_\-/]|[.,]\p{N}|[ .\-]\p{N})`;
/**
 * The boundaries of an id that starts (LEFT_WORD) or ends (RIGHT_WORD) with a letter (`AB123456C`,
 * `12345678Z`): only glued characters refuse it. A letter is not part of a decimal or a digit group, so a
 * neighbouring digit group must not refuse it either: if it did, `ABCPE1234F 046 454 286` would keep the PAN
 * until the SIN became `[GOV_ID]`, and a second run would change the text.
 */
export const LEFT_WORD = String.raw`(?<![\p{L}\p{N}_\-/])`;
export const RIGHT_WORD = String.raw`(?![\p{L}\p{N}_\-/])`;

/** Gate of every digit-bearing id: the shared, cached digit gate, so text without a digit costs one scan for all ids. */
export { hasDigit } from '../recognizer';
import { SHARED_GATE_PATTERNS } from '../recognizer';

/**
 * A reference word right before a candidate says it is a product, order or document number, not a person's
 * id: `SKU AB123456C` (a valid NINO shape), `order 046 454 286` (a Luhn-valid 3-3-3 run), `ticket #12345678Z`,
 * `Bestellnummer: 86095742719`, `order number is 123 456 782`.
 *
 * Read from the 40 characters before the candidate, last word first: an optional "is"/"was"/"ist"/"est", an
 * optional number word ("no", "nr", "number", "id", "code", …), then a reference word; or a '#' that follows
 * no word. Only 1-4 separators (spaces, ':', '#', '=', '.') may stand between them.
 */
const REFERENCE_WORDS = new Set(
  (
    'order orders ticket tickets invoice invoices inv tracking track shipment parcel package sku part item items ' +
    'product products model models article art ref reference serial s/n sn p/n pn case booking confirmation ' +
    'transaction txn receipt request account acct customer client isbn ean upc gtin asin batch lot ' +
    // German, French, Spanish, Italian, Dutch
    'bestellung bestellnummer rechnung rechnungsnummer auftrag auftragsnummer sendung sendungsnummer artikel ' +
    'artikelnummer kundennummer commande facture colis référence produit modèle pedido factura referencia ' +
    'producto modelo artículo articulo ordine fattura articolo prodotto modello riferimento bestelling factuur ' +
    'bestelnummer ordernummer'
  ).split(' '),
);
const NUMBER_WORDS = new Set(['no', 'nr', 'num', 'number', 'nummer', 'numéro', 'número', 'numero', 'id', 'code', 'n°', 'nº']);
const VERBS = new Set(['is', 'was', 'ist', 'est', 'es', 'è']);
const NON_ASCII_LETTER = /\p{L}/u;

function isWordChar(c: number, text: string, i: number): boolean {
  if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 47 || c === 0xb0 || c === 0xba) {
    return true;
  }
  return c >= 0xc0 && NON_ASCII_LETTER.test(text[i]);
}

function isSeparator(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 58 || c === 35 || c === 61 || c === 46 || c === 0xa0;
}

/**
 * Walks back from `start` at most 40 characters with a character loop: a `…$`-anchored regex over the window
 * cost ~1.9 µs per candidate and a word regex ~1 µs (V8's per-exec overhead), this loop ~0.1 µs.
 */
export function afterReferenceWord(text: string, start: number): boolean {
  const limit = Math.max(0, start - 40);
  let i = start - 1;
  // The separators right before the candidate: "#" alone ("#123456782", "order #…") is a reference.
  let gap = 0;
  let hash = false;
  while (i >= limit && isSeparator(text.charCodeAt(i)) && gap <= 4) {
    if (text.charCodeAt(i) === 35) hash = true;
    i--;
    gap++;
  }
  if (gap > 4) return false;
  if (hash && (i < limit || !isWordChar(text.charCodeAt(i), text, i))) return true;
  for (let step = 0; step < 3; step++) {
    const end = i + 1;
    while (i >= limit && isWordChar(text.charCodeAt(i), text, i)) i--;
    if (i + 1 === end) return false;
    // A word cut by the window's edge is not read.
    if (i < limit && limit > 0) return false;
    const word = text.slice(i + 1, end).toLowerCase();
    if (REFERENCE_WORDS.has(word)) return true;
    if (step === 0 && VERBS.has(word)) {
      // "order number is …": go on to the number word
    } else if (step <= 1 && NUMBER_WORDS.has(word)) {
      step = 1; // only a reference word may come before a number word
    } else {
      return false;
    }
    gap = 0;
    while (i >= limit && isSeparator(text.charCodeAt(i)) && gap <= 4) {
      i--;
      gap++;
    }
    if (gap === 0 || gap > 4) return false;
  }
  return false;
}

/**
 * Whether a context word of the id stands near the candidate: in the 48 characters before it ("my SIN is
 * 046454286", "BSN: 123456782") or the 32 after it ("046454286 (SIN)"). Windows are bounded, so the check
 * costs a constant per candidate.
 */
export function nearContext(text: string, start: number, end: number, words: RegExp): boolean {
  return words.test(before(text, start, 48)) || words.test(after(text, end, 32));
}

/**
 * A finding of a digits-only id (SIN, BSN, Aadhaar, Steuer-ID, ITIN) that rests on its shape and checksum
 * alone, without a context word, yields to a phone number over the same characters: `612 345 678` is a Spanish
 * mobile number and passes Luhn 1 time in 10. Its priority is then one below PHONE's (49 < 50) instead of
 * GOV_ID's 70, so where the phone recognizer validates the same span the text is `[PHONE]`; where it does not,
 * it is still `[GOV_ID]`. With a context word near it ("SIN", "BSN", ...) the finding keeps GOV_ID's priority.
 */
export function digitsIdFinding(start: number, end: number, context: boolean): Finding {
  const f = finding('GOV_ID', start, end);
  if (!context) f.priority = PRIORITY.PHONE - 1;
  return f;
}

/** The digits of a candidate with its separators (spaces, dots, dashes) removed. */
const SEPARATORS = /[ .\-]/g;
export function digitsOf(s: string): string {
  return s.replace(SEPARATORS, '');
}

/** The regexes of this file; every recognizer lists them with its own (the ReDoS test reads `patterns`). */
export const SHARED_PATTERNS: readonly RegExp[] = [...SHARED_GATE_PATTERNS, NON_ASCII_LETTER, SEPARATORS];
