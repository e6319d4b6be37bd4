import type { InputProblem } from '../../errors';
import { redactionSettings } from './redactor';
import { redactWith } from './pipeline';
import { RECOGNIZERS } from './registry';
import type { PiiType, RedactionCounts } from './pii-types';

/**
 * Identifiers (modelVersion, requestId, clientFeedbackId) are stored and shown verbatim: they are keys,
 * cursors and export fields, so a placeholder inside one would merge distinct keys. One that holds
 * personal data is therefore refused (PII_IN_IDENTIFIER), never redacted. The same recognizers decide as
 * for free text, with the classes turned off by REDACT_DISABLED_TYPES skipped here too.
 */
const ALL_DIGITS_RE = /^\d+$/;

/**
 * The classes an identifier is checked for: those whose shape alone says what they are. Addresses, dates of
 * birth, names and government ids are recognised by the words around them in prose; inside a random id
 * those words occur by chance (1 in ~50,000 nanoids holds `DL_` + an id-like tail, 1 in ~50,000 ISO-time
 * ids a `PMB` box), and refusing such an id would drop real traffic.
 */
const SELF_EVIDENT: ReadonlySet<PiiType> = new Set<PiiType>(['EMAIL', 'PHONE', 'SSN', 'CREDIT_CARD', 'IBAN', 'IP', 'MAC_ADDRESS', 'JWT', 'API_SECRET']);
/** Only those recognizers run (two calls per ingested row): the context classes are neither run nor able to shadow a phone. */
const IDENTIFIER_RECOGNIZERS = RECOGNIZERS.filter((r) => SELF_EVIDENT.has(r.type));

export function identifierPiiProblem(field: string, value: string | null | undefined, index?: number): InputProblem | null {
  if (value == null || value.length === 0) return null;
  // Digits only: counters, snowflake and epoch ids. Free text redacts a bare checksummed run (a card, a
  // SIN), but as an id it is almost surely a counter: 1 in ~100 random 14–16-digit runs passes Luhn and an
  // issuer prefix, 1 in 10 nine-digit runs passes Luhn. Refusing those would drop real traffic.
  if (ALL_DIGITS_RE.test(value)) return null;
  const counts: RedactionCounts = {};
  if (redactWith(value, IDENTIFIER_RECOGNIZERS, redactionSettings(), counts).hits === 0) return null;
  const types = Object.keys(counts) as PiiType[];
  return {
    ...(index === undefined ? {} : { index }),
    field,
    message: `looks like personal data (${types.join(', ')}); identifiers are stored unredacted, so send an opaque id instead`,
    piiTypes: types,
  };
}
