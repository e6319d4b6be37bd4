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

/** Gate of every digit-bearing id: text without a digit costs one scan. */
const DIGIT = /\d/;
export function hasDigit(text: string): boolean {
  return DIGIT.test(text);
}

/**
 * A reference word right before a candidate says it is a product, order or document number, not a person's
 * id: `SKU AB123456C` (a valid NINO shape), `order 046 454 286` (a Luhn-valid 3-3-3 run), `ticket #12345678Z`.
 * Tested on the 40 characters before the candidate, anchored at its end, so it costs a constant per candidate.
 */
export const REFERENCE_BEFORE = new RegExp(
  String.raw`(?:(?<![\p{L}\p{N}])(?:orders?|tickets?|invoices?|inv|tracking|track|shipment|parcel|package|sku|part|items?|products?|models?|article|art|ref|reference|serial|s/n|sn|p/n|pn|case|booking|confirmation|transaction|txn|receipt|request|account|acct|customer|client|isbn|ean|upc|gtin|asin|batch|lot|bestellung|bestellnummer|rechnung|rechnungsnummer|auftrag|sendung|artikel|commande|facture|colis|pedido|factura|ordine|fattura|bestelling|factuur|articolo|artículo|articulo|prodotto|producto|produit|modello|modelo|modèle|référence|referencia|riferimento|codice articolo|numéro de commande|numero d'ordine)\.?[\s:#=]{0,3}(?:(?:no|nr|num|number|nummer|numéro|número|numero|id|code|n°|nº)\.?[\s:#=]{0,3})?(?:(?:is|was|ist|est|es|è)\s{1,2})?|#\s{0,2})$`,
  'iu',
);

export function afterReferenceWord(text: string, start: number): boolean {
  return REFERENCE_BEFORE.test(before(text, start, 40));
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
export const SHARED_PATTERNS: readonly RegExp[] = [DIGIT, REFERENCE_BEFORE, SEPARATORS];
