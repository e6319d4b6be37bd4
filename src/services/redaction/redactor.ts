/**
 * PII redaction for free text and JSON, run on the ingestion hot path BEFORE anything is stored.
 *
 * This module is the public API over the recognizer pipeline: each class of personal data lives in its own
 * module under `recognizers/` (patterns, context words, validator, deliberate rules), `registry.ts` lists
 * them, and `pipeline.ts` runs the enabled ones and resolves overlapping findings by the priority documented
 * in `pii-types.ts`. Every detected value is replaced by a typed placeholder (`[EMAIL]`, `[PHONE]`, `[SSN]`,
 * ...) and counted per type.
 *
 * Not redacted on purpose: UUIDs, hex hashes, base64 blobs, dates, times, prices, percentages, order ids,
 * version strings, ports, `localhost`, bare digit runs. Placeholders contain no digits, '@', ':' or
 * lower-case letters, so running the redactor twice is a no-op.
 *
 * Settings are module-level and set once at boot (`configureRedaction`): which classes are off
 * (REDACT_DISABLED_TYPES) and the regions whose national phone formats are recognised (REDACT_PHONE_REGIONS).
 */
import { isSupportedCountry, type CountryCode } from 'libphonenumber-js/max';
import { PII_TYPES, type PiiType, type RedactionCounts } from './pii-types';
import { redactWith } from './pipeline';
import type { RedactionSettings } from './recognizer';
import { RECOGNIZERS } from './registry';

export { PII_TYPES };
export type { PiiType, RedactionCounts };

export interface RedactionResult {
  text: string;
  counts: RedactionCounts;
  total: number;
}

/**
 * Default national-phone regions, in trial order: the countries the other recognizers cover (US, CA, GB, IE,
 * FR, DE, ES, IT, NL, IN, AU) first, then the rest of western/northern Europe and the large markets whose
 * users write national numbers (BR, MX, JP, ZA, SG, NZ, PL, PT, ...). 26 regions; a candidate that no region
 * accepts costs up to 26 libphonenumber parses (~0.3 ms), which is why the phone recognizer filters shapes first.
 */
export const DEFAULT_PHONE_REGIONS: readonly string[] = Object.freeze([
  'US', 'CA', 'GB', 'IE', 'FR', 'DE', 'ES', 'IT', 'NL', 'IN', 'AU',
  'AT', 'CH', 'BE', 'PT', 'SE', 'NO', 'DK', 'FI', 'PL', 'NZ', 'BR', 'MX', 'JP', 'ZA', 'SG',
]);

// The shortest thing we can redact is an email like `a@b.co` (6 chars); skip shorter strings outright.
const MIN_LENGTH = 6;

let settings: RedactionSettings = Object.freeze({
  disabled: new Set<PiiType>(),
  phoneRegions: DEFAULT_PHONE_REGIONS,
});

/** Region codes libphonenumber does not know (for config validation: REDACT_PHONE_REGIONS). */
export function unsupportedPhoneRegions(regions: readonly string[]): string[] {
  return regions.filter((r) => !isSupportedCountry(r as CountryCode));
}

/**
 * Sets the module-level redaction settings (once, at boot). Omitted fields keep their defaults: nothing
 * disabled, DEFAULT_PHONE_REGIONS. Throws a RangeError on an unknown class or region: this is a deployment
 * mistake caught at startup (config.ts turns it into its own config problem), never a user-facing failure.
 */
export function configureRedaction(options: { disabled?: readonly PiiType[]; phoneRegions?: readonly string[] }): void {
  const disabled = options.disabled ?? [];
  const unknownTypes = disabled.filter((t) => !(PII_TYPES as readonly string[]).includes(t));
  if (unknownTypes.length > 0) throw new RangeError(`unknown PII type(s): ${unknownTypes.join(', ')}`);
  const regions = (options.phoneRegions ?? DEFAULT_PHONE_REGIONS).map((r) => r.trim().toUpperCase());
  const unknownRegions = unsupportedPhoneRegions(regions);
  if (unknownRegions.length > 0) throw new RangeError(`unknown phone region(s): ${unknownRegions.join(', ')}`);
  settings = Object.freeze({ disabled: new Set(disabled), phoneRegions: Object.freeze([...new Set(regions)]) });
}

/** The settings in force. */
export function redactionSettings(): RedactionSettings {
  return settings;
}

// Hits of the call in progress (the pipeline is synchronous, so one module-level counter is safe).
let activeHits = 0;

function redactInto(text: string, counts: RedactionCounts): string {
  if (text.length < MIN_LENGTH) return text;
  const r = redactWith(text, RECOGNIZERS, settings, counts);
  activeHits += r.hits;
  return r.text;
}

export function redactText(text: string): RedactionResult {
  const counts: RedactionCounts = {};
  activeHits = 0;
  const out = redactInto(text, counts);
  return { text: out, counts, total: activeHits };
}

/**
 * Redacts every string in a JSON value, adding the per-type counts into `counts`. Returns a new value; the
 * input is not mutated. Objects with a toJSON() method (e.g. Date) are redacted in their serialised form, as
 * JSON.stringify would store them.
 *
 * Keys are redacted too (`{"bob@example.com": "note"}` -> `{"[EMAIL]": "note"}`). When two keys redact to the
 * same string, or a redacted key meets a literal one, the later one gets a `#2`, `#3`, ... suffix: no accepted
 * value is dropped.
 *
 * Numbers are redacted in their `String(n)` form, the form JSON.stringify stores: if anything is found the
 * redacted string replaces the number (`4111111111111111` -> `"[CREDIT_CARD]"`), otherwise the number stays
 * a number. A number above 2^53 has already lost digits when JSON.parse read it; we redact the digits that
 * are left (the value that would be stored), since the original digits are gone before the redactor runs.
 * Booleans and null stay as they are.
 */
export function redactJson(value: unknown, counts: RedactionCounts): unknown {
  return walk(value, counts);
}

function walk(value: unknown, counts: RedactionCounts): unknown {
  if (typeof value === 'string') return redactInto(value, counts);
  if (typeof value === 'number' || typeof value === 'bigint') {
    const s = String(value);
    if (s.length < MIN_LENGTH) return value;
    const before = activeHits;
    const r = redactInto(s, counts);
    return activeHits === before ? value : r;
  }
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = walk(value[i], counts);
    return out;
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return walk(toJSON.call(value), counts);
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(src)) {
    const v = walk(src[key], counts);
    let k = redactInto(key, counts);
    if (Object.prototype.hasOwnProperty.call(out, k)) {
      let n = 2;
      while (Object.prototype.hasOwnProperty.call(out, `${k}#${n}`)) n++;
      k = `${k}#${n}`;
    }
    // JSON.parse creates an own "__proto__" key; plain assignment would instead replace out's prototype.
    if (k === '__proto__') {
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    } else {
      out[k] = v;
    }
  }
  return out;
}

export function mergeCounts(into: RedactionCounts, from: RedactionCounts): RedactionCounts {
  // Over the keys present (usually none), not all 13 types: counts objects take many shapes, so each lookup
  // of an absent type was a megamorphic miss (~0.7 µs per call on bench:ingest, two calls per row).
  for (const type in from) {
    const n = from[type as PiiType];
    if (n) into[type as PiiType] = (into[type as PiiType] ?? 0) + n;
  }
  return into;
}
