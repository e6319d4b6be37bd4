import { redactWith } from '../src/services/redaction/pipeline';
import type { PiiType, RedactionCounts } from '../src/services/redaction/pii-types';
import { RECOGNIZERS } from '../src/services/redaction/registry';

/**
 * Throughput of the government-id recognizers alone (every registered GOV_ID recognizer through the
 * pipeline), on mixed prose and on adversarial inputs at 10 KB, 100 KB and 1 MB: MB/s that stays flat as the
 * size grows means linear cost; super-linear growth shows as MB/s falling with size.
 *
 *   npx tsc -p . && node dist/bench/gov-id.bench.js
 */
const GOV_ID = RECOGNIZERS.filter((r) => r.type === 'GOV_ID');
const SETTINGS = { disabled: new Set<PiiType>(), phoneRegions: [] };

const MIXED =
  'Hi, my SIN is 046 454 286 and my order #123456782 shipped on 2024-05-01 (v2.14.3). ' +
  'Passport number X1234567, NI number AB 12 34 56 C, ISBN 978-3-16-148410-0, RTX 4090, SKU AB123456C. ' +
  'The quick brown fox jumps over the lazy dog while the build 10.0.19045 runs on port 8080. ';

const INPUTS: Record<string, string> = {
  'mixed prose': MIXED,
  'plain prose (no digit)': 'The quick brown fox jumps over the lazy dog. ',
  'digits': '1',
  'digit groups "123 "': '123 ',
  'dotted groups "1234."': '1234.',
  'intro words "passport "': 'passport ',
  'intro + short token "DL# 12 "': 'DL# 12 ',
  'NINO-like "AB12 "': 'AB12 ',
  'valid SINs "046 454 286 "': '046 454 286 ',
  'context words "SIN BSN "': 'SIN BSN ',
};

function sized(unit: string, bytes: number): string {
  return unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
}

function mbPerSecond(text: string): number {
  const counts: RedactionCounts = {};
  redactWith(text, GOV_ID, SETTINGS, counts); // warm-up
  let runs = 0;
  const started = process.hrtime.bigint();
  let elapsed = 0;
  // At least 3 runs and 300 ms, so small inputs are timed over many repetitions.
  while (runs < 3 || elapsed < 0.3) {
    redactWith(text, GOV_ID, SETTINGS, counts);
    runs++;
    elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  }
  return (text.length * runs) / elapsed / 1e6;
}

const sizes = [10_000, 100_000, 1_000_000];
console.log(`GOV_ID recognizers: ${GOV_ID.map((r) => r.name).join(', ')}`);
console.log(['input'.padEnd(36), ...sizes.map((s) => `${s / 1000} KB MB/s`.padStart(14))].join(''));
for (const [name, unit] of Object.entries(INPUTS)) {
  const row = sizes.map((s) => mbPerSecond(sized(unit, s)).toFixed(1).padStart(14));
  console.log([name.padEnd(36), ...row].join(''));
}
