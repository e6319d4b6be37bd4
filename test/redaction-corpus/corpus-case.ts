import type { PiiType } from '../../src/services/redaction/pii-types';

/**
 * The shape of the labelled redaction corpus (issue 13, point 8): text of the kind users paste into a support
 * bot, each with the exact substrings that must disappear and the class they belong to.
 *
 * Every person, address and number in the corpus is invented. Checksummed ids were made by a one-off generator
 * so that they pass their checksum (test/redaction-corpus.test.ts re-validates each one with the validators in
 * checksums.ts, so a case cannot be "fixed" by breaking its checksum). Phone numbers are valid for their region
 * in libphonenumber's full metadata, taken from fiction/drama ranges where the regulator has one (UK 020 7946 0xxx,
 * 0113/0161 496 0xxx; US/CA 555-01xx; AU 02/03 5550 xxxx and 0491 570 xxx).
 */

/** Which id format a GOV_ID/SSN label is, so the test knows which validator to run and which threshold applies. */
export type IdKind =
  | 'SSN'
  | 'ITIN'
  | 'NINO'
  | 'SIN'
  | 'AADHAAR'
  | 'PAN'
  | 'NIR'
  | 'DNI'
  | 'NIE'
  | 'CODICE_FISCALE'
  | 'BSN'
  | 'STEUER_ID'
  | 'PASSPORT'
  | 'DRIVING_LICENCE'
  | 'ID_CARD'
  | 'CARD'
  | 'IBAN';

export interface PiiLabel {
  /** The class the redactor should report (its placeholder is `[TYPE]`). */
  readonly type: PiiType;
  /** The exact substring of `text` that must no longer appear in the redacted output. */
  readonly value: string;
  /** For identifiers: the format, used to re-validate checksums and to pick the threshold. */
  readonly kind?: IdKind;
}

export interface CorpusCase {
  readonly text: string;
  readonly pii: readonly PiiLabel[];
  /** ISO 3166 alpha-2 country the format belongs to, `INTL` for international phone forms, `-` when none. */
  readonly country: string;
  /** Language of the surrounding words (en, de, fr, es, it, nl, ...). */
  readonly lang: string;
  /** The phrasing, e.g. `unit`, `po-box`, `postcode-alone`, `iso`, `weekday`, `self-intro`, `sign-off`. */
  readonly form: string;
  /** Extra properties for coverage checks: `diacritics`, `apostrophe`, `hyphen`, `particle`, `non-latin`, ... */
  readonly traits?: readonly string[];
  /** Substrings that are NOT personal data (order numbers, versions, prices, other dates) and must survive. */
  readonly keep?: readonly string[];
}

/** A hard negative: text that resembles a class but holds no personal data, so it must come back unchanged. */
export interface NegativeCase {
  readonly text: string;
  /** What it resembles: `product`, `version`, `order-number`, `price`, `non-birth-date`, `street-title`, ... */
  readonly resembles: string;
}

interface Opts {
  lang?: string;
  traits?: readonly string[];
}

/** An address case: every value is ADDRESS (street line with house number and unit; postcode separately). */
export function addr(country: string, form: string, text: string, values: readonly string[], o: Opts = {}): CorpusCase {
  return { text, country, form, lang: o.lang ?? 'en', traits: o.traits, pii: values.map((value) => ({ type: 'ADDRESS', value })) };
}

/** A government-id case: SSN is its own class, every other id kind is GOV_ID. */
export function gov(kind: IdKind, country: string, lang: string, form: string, text: string, value: string): CorpusCase {
  return { text, country, lang, form, pii: [{ type: kind === 'SSN' ? 'SSN' : 'GOV_ID', value, kind }] };
}

export function dob(lang: string, form: string, text: string, value: string, country = '-'): CorpusCase {
  return { text, country, lang, form, pii: [{ type: 'DOB', value }] };
}

export function person(form: string, text: string, values: readonly string[], o: Opts = {}): CorpusCase {
  return { text, country: '-', form, lang: o.lang ?? 'en', traits: o.traits, pii: values.map((value) => ({ type: 'PERSON', value })) };
}

export function phone(country: string, form: string, text: string, values: readonly string[], lang = 'en'): CorpusCase {
  return { text, country, lang, form, pii: values.map((value) => ({ type: 'PHONE', value })) };
}

export function email(form: string, text: string, values: readonly string[], lang = 'en'): CorpusCase {
  return { text, country: '-', lang, form, pii: values.map((value) => ({ type: 'EMAIL', value })) };
}

export function card(form: string, text: string, value: string, lang = 'en'): CorpusCase {
  return { text, country: '-', lang, form, pii: [{ type: 'CREDIT_CARD', value, kind: 'CARD' }] };
}

export function iban(country: string, form: string, text: string, value: string, lang = 'en'): CorpusCase {
  return { text, country, lang, form, pii: [{ type: 'IBAN', value, kind: 'IBAN' }] };
}

/** A case with labels of several classes (a signature block, a form paste), optionally with non-PII to keep. */
export function mixed(country: string, form: string, text: string, pii: readonly PiiLabel[], lang = 'en', keep?: readonly string[]): CorpusCase {
  return { text, country, lang, form, pii, keep };
}

export function neg(resembles: string, text: string): NegativeCase {
  return { text, resembles };
}
