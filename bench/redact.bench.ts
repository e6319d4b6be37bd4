/**
 * `npm run bench:redact` — redaction throughput (MB/s of input) of the recognizer pipeline next to the
 * tier-1 redactor it replaced (bench/baseline/tier1-redactor.ts, a verbatim copy), in the same run:
 *   - mixed realistic text: support-chat prose with some PII (emails, international and national phones,
 *     cards, IBANs, IPs, SSNs) in about one sentence of eight, and the same prose without PII;
 *   - every adversarial input of bench/adversarial-inputs.ts (the ones the ReDoS test uses);
 * each at 10 KB, 100 KB and 1 MB, so super-linear growth shows as falling MB/s. The pipeline runs whatever
 * the registry holds, so recognizers added later are measured automatically. Per cell: best of repeated runs
 * (at least BENCH_MIN_RUNS, until BENCH_MIN_MS of CPU time), timed with process.cpuUsage. The new/old ratios are printed last (> 1: new is
 * faster).
 *
 * Env: BENCH_MIN_MS (default 300), BENCH_MIN_RUNS (default 3).
 */
import { redactText as redactNew } from '../src/services/redaction/redactor';
import { RECOGNIZERS } from '../src/services/redaction/registry';
import { redactText as redactOld } from './baseline/tier1-redactor';
import { ADVERSARIAL_INPUTS } from './adversarial-inputs';

const MIN_MS = Number(process.env.BENCH_MIN_MS ?? 300);
const MIN_RUNS = Number(process.env.BENCH_MIN_RUNS ?? 3);
const SIZES = [10_000, 100_000, 1_000_000];

const PROSE = [
  'Hi, I have a problem with my last order and the app keeps crashing when I open the settings page.',
  'I tried reinstalling version 2.4.1 but it still fails after about 30 seconds.',
  'The invoice says $1,299.99 but I was told the price would be 45.00 per month.',
  'Can you check what happened on 2024-03-15 at 10:30? The ticket number is 4821 and order ORD-2024-001234.',
  'Thanks for the quick answer yesterday, it helped a lot, but the export is still empty.',
  'My colleague said the API returns 500 errors on port 8080 since the update to build 20240315.1.',
  'Is there a way to change the delivery address without calling support again?',
  'We use the Chrome/120.0.0.0 browser on Windows 11 and the page freezes at 90%.',
  'I would like to cancel my subscription at the end of the month, please confirm.',
  'Here is the stack trace: TypeError at line 42 in main.js (see section 3.2.1 of the docs).',
];
const PII = [
  'You can reach me at jane.doe@example.com or on +44 20 7946 0958.',
  'My mobile is 07700 900123 and my office line is 030 1234567.',
  'Please charge my card 4111 1111 1111 1111 instead, exp 12/27.',
  'Refund to DE89 3704 0044 0532 0130 00 please.',
  'The login came from 203.0.113.7 and my SSN 123-45-6789 was shown on screen!',
  'Call me on (415) 555-2671 or 06 12 34 56 78 after 6pm.',
];

function mixed(n: number, withPii: boolean): string {
  let s = '';
  let i = 0;
  while (s.length < n) {
    s += (withPii && i % 8 === 7 ? PII[(i >> 3) % PII.length] : PROSE[i % PROSE.length]) + ' ';
    i++;
  }
  return s.slice(0, n);
}

const INPUTS = [
  { name: 'mixed support chat with PII', make: (n: number) => mixed(n, true) },
  { name: 'mixed support chat, no PII', make: (n: number) => mixed(n, false) },
  ...ADVERSARIAL_INPUTS,
];

/** Best time per run (ms) of `fn` on `text`. */
function best(fn: (t: string) => unknown, text: string): number {
  fn(text); // warm-up
  let bestMs = Infinity;
  let spent = 0;
  for (let run = 0; run < MIN_RUNS || spent < MIN_MS; run++) {
    // CPU time of this process, not wall time: the machine is shared, and a 1 MB run spans many time slices.
    const t0 = process.cpuUsage();
    fn(text);
    const used = process.cpuUsage(t0);
    const ms = (used.user + used.system) / 1000;
    bestMs = Math.min(bestMs, ms);
    spent += ms;
    if (run > 200) break;
  }
  return bestMs;
}

function main(): void {
  const mbps = (bytes: number, ms: number): number => bytes / 1e6 / (ms / 1000);
  console.log(`recognizers in the registry: ${RECOGNIZERS.map((r) => r.name).join(', ')}`);
  console.log('');
  console.log(`${'input'.padEnd(30)} ${'size'.padStart(7)} ${'new MB/s'.padStart(10)} ${'old MB/s'.padStart(10)} ${'new/old'.padStart(8)}`);
  const ratios: { name: string; size: number; ratio: number }[] = [];
  for (const input of INPUTS) {
    for (const size of SIZES) {
      const text = input.make(size);
      const bytes = Buffer.byteLength(text);
      const tNew = best(redactNew, text);
      const tOld = best(redactOld, text);
      const ratio = mbps(bytes, tNew) / mbps(bytes, tOld);
      ratios.push({ name: input.name, size, ratio });
      console.log(
        `${input.name.padEnd(30)} ${(size >= 1e6 ? `${size / 1e6} MB` : `${size / 1e3} KB`).padStart(7)} ` +
          `${mbps(bytes, tNew).toFixed(1).padStart(10)} ${mbps(bytes, tOld).toFixed(1).padStart(10)} ${ratio.toFixed(2).padStart(7)}×`,
      );
    }
  }
  const geo = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
  const of = (name: string) => ratios.filter((r) => r.name === name).map((r) => r.ratio);
  console.log('');
  console.log(`ratio new/old MB/s, mixed text with PII (geometric mean of 3 sizes): ${geo(of(INPUTS[0].name)).toFixed(2)}×`);
  console.log(`ratio new/old MB/s, mixed text without PII:                        ${geo(of(INPUTS[1].name)).toFixed(2)}×`);
  console.log(`ratio new/old MB/s, adversarial inputs (geometric mean):           ${geo(ratios.slice(6).map((r) => r.ratio)).toFixed(2)}×`);
}

main();
