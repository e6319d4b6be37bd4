import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSync } from 'recheck';
import { PII_TYPES, redactText } from '../../../src/services/redaction/redactor';
import { RECOGNIZERS } from '../../../src/services/redaction/registry';
import { ADVERSARIAL_INPUTS } from '../../../bench/adversarial-inputs';

/**
 * Catastrophic backtracking, two ways:
 *   1. every regex every registered recognizer lists in `patterns` goes through recheck (static automaton
 *      analysis; the hybrid automaton/fuzz check where that does not apply, see `check`). The test iterates the registry, so a recognizer is
 *      covered as soon as it is registered. Verdicts: `vulnerable` fails; `unknown` (recheck gave up or timed
 *      out) fails too, because a pattern nobody could prove safe is exactly the one to rewrite — bound its
 *      repetitions or split it until recheck says `safe`;
 *   2. the whole redactor runs on adversarial inputs of 100 KB and 1 MB; the 1 MB cost must stay within 25×
 *      the 100 KB cost (10× is linear; the slack absorbs GC and a shared machine). CPU time of this process,
 *      min of 3 runs; costs under 2 ms count as 2 ms (below that, timer and scheduling noise dominate). This
 *      is a complexity bound, not a speed assertion (speed lives in `npm run bench:redact`).
 */

test('registry: unique names, known classes, every recognizer lists its patterns', () => {
  const names = new Set<string>();
  for (const r of RECOGNIZERS) {
    assert.ok(!names.has(r.name), `duplicate recognizer name ${r.name}`);
    names.add(r.name);
    assert.ok((PII_TYPES as readonly string[]).includes(r.type), `${r.name}: unknown type ${r.type}`);
    assert.ok(r.patterns.length > 0, `${r.name}: no patterns listed`);
  }
});

/**
 * recheck's automaton checker first, with room for our bounded repetitions (`\\d{1,8}` inside `{0,4}` blows
 * past the default NFA size, and the default "hybrid" mode then falls back to fuzzing, which is a heuristic:
 * on NATIONAL_RE it answered safe, vulnerable or timeout from run to run). The automaton analysis is exact
 * for what it supports: a pattern whose repetitions are all bounded is linear whatever its lookarounds, and
 * lookbehind-free patterns are analysed as automata. It cannot analyse a lookbehind next to an unbounded
 * repetition, nor back-references: those go to the default hybrid check, whose fuzzing is heuristic (and
 * slow), so write bounded repetitions (`{0,N}`) in new recognizers and every verdict stays exact. Today
 * every registry pattern gets an exact `safe`.
 */
function check(re: RegExp): ReturnType<typeof checkSync> {
  const exact = checkSync(re.source, re.flags, { checker: 'automaton', maxNFASize: 100_000, maxPatternSize: 100_000, maxRepeatCount: 100, timeout: 20_000 });
  if (exact.status !== 'unknown') return exact;
  return checkSync(re.source, re.flags, { timeout: 20_000 });
}

test('no recognizer pattern is flagged by the ReDoS checker (recheck)', (t) => {
  const problems: string[] = [];
  const rows: string[] = [];
  for (const r of RECOGNIZERS) {
    for (const re of r.patterns) {
      const d = check(re);
      rows.push(`${d.status.padEnd(10)} ${(d.checker ?? "-").padEnd(9)} ${r.name.padEnd(16)} /${re.source.slice(0, 70)}${re.source.length > 70 ? '…' : ''}/${re.flags}`);
      if (d.status === 'vulnerable') {
        problems.push(`${r.name}: /${re.source}/${re.flags} is vulnerable (${d.complexity.summary}); attack: ${d.attack.pattern}`);
      } else if (d.status === 'unknown') {
        problems.push(`${r.name}: /${re.source}/${re.flags}: recheck could not decide (${d.error.kind}); rewrite it`);
      }
    }
  }
  t.diagnostic('recheck verdicts:');
  for (const row of rows) t.diagnostic(row);
  assert.deepEqual(problems, []);
});

function cpuMs(fn: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

test('redaction cost grows linearly on adversarial inputs (1 MB within 25x of 100 KB)', (t) => {
  const lines: string[] = [];
  const failures: string[] = [];
  for (const { name, make } of ADVERSARIAL_INPUTS) {
    const small = make(100_000);
    const large = make(1_000_000);
    redactText(small); // warm up (JIT, libphonenumber metadata)
    const a = Math.max(2, cpuMs(() => redactText(small)));
    const b = cpuMs(() => redactText(large));
    const ratio = b / a;
    lines.push(`${name.padEnd(28)} 100KB ${a.toFixed(1).padStart(7)} ms   1MB ${b.toFixed(1).padStart(8)} ms   ×${ratio.toFixed(1)}`);
    if (ratio > 25) failures.push(`${name}: 1 MB cost ${b.toFixed(1)} ms is ${ratio.toFixed(1)}× the 100 KB cost ${a.toFixed(1)} ms`);
  }
  t.diagnostic('cost by input (CPU ms, min of 3):');
  for (const line of lines) t.diagnostic(line);
  assert.deepEqual(failures, []);
});
