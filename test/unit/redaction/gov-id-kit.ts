import assert from 'node:assert/strict';
import { redactWith } from '../../../src/services/redaction/pipeline';
import type { PiiType, RedactionCounts } from '../../../src/services/redaction/pii-types';
import type { Recognizer, RedactionSettings } from '../../../src/services/redaction/recognizer';
import { RECOGNIZERS } from '../../../src/services/redaction/registry';

/** Helpers shared by the government-id recognizer tests (no tests of its own). */

export const SETTINGS: RedactionSettings = { disabled: new Set<PiiType>(), phoneRegions: [] };

/** Every registered GOV_ID recognizer: hard negatives must survive all of them, not only the one under test. */
export const GOV_ID_RECOGNIZERS: readonly Recognizer[] = RECOGNIZERS.filter((r) => r.type === 'GOV_ID');

export function redact(text: string, recognizers: readonly Recognizer[]): { text: string; counts: RedactionCounts } {
  const counts: RedactionCounts = {};
  const r = redactWith(text, recognizers, SETTINGS, counts);
  return { text: r.text, counts };
}

/** Each raw value is gone, `[GOV_ID]` appears `n` times, and the rest of the text is untouched. */
export function assertRedacted(
  text: string,
  raw: readonly string[],
  recognizers: readonly Recognizer[],
  expected?: string,
): string {
  const r = redact(text, recognizers);
  for (const value of raw) {
    assert.ok(!r.text.includes(value), `${JSON.stringify(value)} survived in ${JSON.stringify(r.text)}`);
  }
  assert.equal(r.counts.GOV_ID, raw.length, `count for ${JSON.stringify(text)} -> ${JSON.stringify(r.text)}`);
  if (expected !== undefined) assert.equal(r.text, expected);
  return r.text;
}

export function assertKept(text: string, recognizers: readonly Recognizer[]): void {
  const r = redact(text, recognizers);
  assert.equal(r.text, text, `false positive: ${JSON.stringify(text)} -> ${JSON.stringify(r.text)}`);
}

/** A small deterministic PRNG (mulberry32), so the false-positive measurements are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomDigits(rand: () => number, n: number, firstMin = 0): string {
  let s = String(firstMin + Math.floor(rand() * (10 - firstMin)));
  for (let i = 1; i < n; i++) s += String(Math.floor(rand() * 10));
  return s;
}

/** Completes a prefix with the one last digit that makes `valid` true (or throws). */
export function completeDigit(prefix: string, valid: (s: string) => boolean): string {
  for (let d = 0; d < 10; d++) if (valid(prefix + d)) return prefix + d;
  throw new Error(`no check digit completes ${prefix}`);
}
