import assert from 'node:assert/strict';
import { redactText, type PiiType, type RedactionCounts } from '../../src/services/redaction/redactor';

/** Asserts each raw value is gone, each placeholder is present, and the per-type counts are exact. */
export function assertRedacted(input: string, raw: string[], counts: RedactionCounts): string {
  const r = redactText(input);
  for (const value of raw) {
    assert.ok(!r.text.includes(value), `raw value ${JSON.stringify(value)} survived in ${JSON.stringify(r.text)}`);
  }
  for (const type of Object.keys(counts) as PiiType[]) {
    assert.ok(r.text.includes(`[${type}]`), `placeholder [${type}] missing in ${JSON.stringify(r.text)}`);
  }
  assert.deepEqual(r.counts, counts, `counts for ${JSON.stringify(input)} -> ${JSON.stringify(r.text)}`);
  const sum = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  assert.equal(r.total, sum);
  return r.text;
}

/** Asserts the text comes back unchanged with no counts. */
export function assertKept(input: string): void {
  const r = redactText(input);
  assert.equal(r.text, input, `false positive: ${JSON.stringify(input)} -> ${JSON.stringify(r.text)}`);
  assert.equal(r.total, 0);
  assert.deepEqual(r.counts, {});
}
