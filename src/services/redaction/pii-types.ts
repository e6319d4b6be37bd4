/**
 * The classes of personal data the redactor replaces, their placeholders and their overlap priority.
 *
 * A placeholder is the class name in brackets (`[EMAIL]`, `[GOV_ID]`, ...): no digit, '@', ':' or lower-case
 * letter, so no recognizer matches a placeholder and running the redactor twice is a no-op.
 */
export const PII_TYPES = Object.freeze([
  'EMAIL',
  'PHONE',
  'SSN',
  'GOV_ID',
  'CREDIT_CARD',
  'IBAN',
  'IP',
  'MAC_ADDRESS',
  'JWT',
  'API_SECRET',
  'ADDRESS',
  'DOB',
  'PERSON',
] as const);

export type PiiType = (typeof PII_TYPES)[number];

export type RedactionCounts = Partial<Record<PiiType, number>>;

export function placeholder(type: PiiType): string {
  return `[${type}]`;
}

/**
 * Overlap priority: when findings of two recognizers overlap, the higher priority wins; on a tie the longer
 * span, then the earlier one. The order follows how certain and how dangerous a finding is:
 *   - secrets first: a JWT or a PEM block contains digit runs that look like phones or cards;
 *   - emails before anything numeric: `jane.1987@x.org` is one `[EMAIL]`, not an email with a `[DOB]` inside;
 *   - checksummed identifiers (IBAN, card, SSN and the other government ids) before phones and dates: a
 *     checksum that passes is stronger evidence than a plausible phone shape;
 *   - a date of birth before a phone (`born 12.04.1987` is also a dotted digit run);
 *   - addresses before names: "Mr Baker, 12 Baker Street" — the street line is the address;
 *   - names last: they are the least certain class.
 */
export const PRIORITY: Readonly<Record<PiiType, number>> = Object.freeze({
  JWT: 100,
  API_SECRET: 100,
  EMAIL: 90,
  IBAN: 80,
  CREDIT_CARD: 75,
  SSN: 70,
  GOV_ID: 70,
  IP: 60,
  MAC_ADDRESS: 60,
  DOB: 55,
  PHONE: 50,
  ADDRESS: 40,
  PERSON: 30,
});
