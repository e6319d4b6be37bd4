/**
 * `node dist/bench/person-nlp.bench.js` — the NLP trial for the PERSON class (issue 13, point 4): does an NLP
 * library raise recall on the dev set, and what does it cost on the ingest hot path?
 *
 * Detectors compared on test/unit/redaction/person-name.dev-set.ts (recall over marked names, precision over
 * findings) and on mixed support-bot text (MB/s, same run, best of ROUNDS):
 *   - rules:            the PERSON recognizer alone;
 *   - rules+compromise: plus compromise's `people()` over the whole text;
 *   - rules+compromise(windows): plus `people()` only on the 80 characters after each trigger;
 *   - rules+wink:       plus runs of PROPN tokens from wink-nlp's English lite model (it has no PERSON
 *                       entity: its NER knows dates, numbers, emails, urls — the POS tag is the closest).
 * For reference: the tier-1 redactor (`redactText`) and the DOB recognizer on the same text.
 *
 * Env: BENCH_NLP_KB (size of the text the NLP detectors get, default 32 — compromise runs at ~10 KB/s, a
 * megabyte would take minutes), BENCH_MB (size for the rule-based detectors, default 2), BENCH_ROUNDS (3).
 */
import nlp from 'compromise';
import winkNLP from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import { redactWith } from '../src/services/redaction/pipeline';
import { redactText } from '../src/services/redaction/redactor';
import { personNameRecognizer } from '../src/services/redaction/recognizers/person-name.recognizer';
import { dateOfBirthRecognizer } from '../src/services/redaction/recognizers/date-of-birth.recognizer';
import type { Finding, RedactionSettings } from '../src/services/redaction/recognizer';
import { NO_NAME, WITH_TRIGGER, WITHOUT_TRIGGER, label } from '../test/unit/redaction/person-name.dev-set';

const NLP_KB = Number(process.env.BENCH_NLP_KB ?? 32);
const RULE_MB = Number(process.env.BENCH_MB ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SETTINGS: RedactionSettings = { disabled: new Set(), phoneRegions: [] };

type Span = { start: number; end: number };
type Detector = (text: string) => Span[];

const wink = winkNLP(model);
const its = wink.its;

function rules(text: string): Span[] {
  const out: Finding[] = [];
  if (personNameRecognizer.gate!(text)) personNameRecognizer.find(text, out, SETTINGS);
  return out;
}

function compromisePeople(text: string, offset = 0): Span[] {
  const people = nlp(text).people().json({ offset: true }) as Array<{ offset: { start: number; length: number } }>;
  return people.map((p) => ({ start: offset + p.offset.start, end: offset + p.offset.start + p.offset.length }));
}

// The recognizer's trigger regex (the trie of trigger phrases, "hello"/"hey" inside): the windows the
// "windows" variant hands to compromise.
const TRIGGER = personNameRecognizer.patterns.find((re) => re.global && re.source.includes('e(?:llo|y)'))!;

function compromiseWindows(text: string): Span[] {
  const spans: Span[] = [];
  TRIGGER.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = TRIGGER.exec(text)) !== null) {
    const start = m.index;
    spans.push(...compromisePeople(text.slice(start, start + m[0].length + 80), start));
  }
  return spans;
}

function winkPropn(text: string): Span[] {
  const doc = wink.readDoc(text);
  const spans: Span[] = [];
  // Token offsets are not exposed directly: find each PROPN run's text from a moving cursor.
  const tokens = doc.tokens().out() as string[];
  const pos = doc.tokens().out(its.pos) as string[];
  let cursor = 0;
  let runStart = -1;
  let runEnd = -1;
  for (let i = 0; i < tokens.length; i++) {
    const at = text.indexOf(tokens[i]!, cursor);
    if (at < 0) continue;
    cursor = at + tokens[i]!.length;
    if (pos[i] === 'PROPN') {
      if (runStart < 0) runStart = at;
      runEnd = cursor;
    } else if (runStart >= 0) {
      spans.push({ start: runStart, end: runEnd });
      runStart = -1;
    }
  }
  if (runStart >= 0) spans.push({ start: runStart, end: runEnd });
  return spans;
}

const DETECTORS: Record<string, Detector> = {
  rules,
  'rules+compromise': (t) => [...rules(t), ...compromisePeople(t)],
  'rules+compromise(windows)': (t) => [...rules(t), ...compromiseWindows(t)],
  'rules+wink(PROPN)': (t) => [...rules(t), ...winkPropn(t)],
};

function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

function quality(detect: Detector): { recallTrigger: number; recallAll: number; precision: number; falseOnNoName: number } {
  let names = 0;
  let found = 0;
  let triggerNames = 0;
  let triggerFound = 0;
  let findings = 0;
  let correct = 0;
  let noNameHits = 0;
  for (const [group, marked] of [
    ...WITH_TRIGGER.map((m) => ['trigger', m] as const),
    ...WITHOUT_TRIGGER.map((m) => ['none', m] as const),
    ...NO_NAME.map((m) => ['noname', m] as const),
  ]) {
    const { text, names: truth } = label(marked);
    const spans = detect(text);
    for (const n of truth) {
      names++;
      const hit = spans.some((s) => overlaps(s, n));
      if (hit) found++;
      if (group === 'trigger') {
        triggerNames++;
        if (hit) triggerFound++;
      }
    }
    for (const s of spans) {
      findings++;
      if (truth.some((n) => overlaps(s, n))) correct++;
    }
    if (group === 'noname' && spans.length > 0) noNameHits++;
  }
  return {
    recallTrigger: triggerFound / triggerNames,
    recallAll: found / names,
    precision: findings === 0 ? 1 : correct / findings,
    falseOnNoName: noNameHits,
  };
}

/**
 * Support-bot traffic as separate messages of ~300–500 characters (the redactor is called per field): three
 * prose sentences, and in two messages of three one dev-set sentence (a trigger, a name or a near miss).
 */
function messages(bytes: number): string[] {
  const prose = [
    'the export failed again after the upgrade, can you check the logs for the job that ran at noon?',
    'we see a timeout when the batch has more than five hundred rows and the retry does not help.',
    'Our team in Berlin uses the EU region and the dashboard shows no data since Monday.',
    'The API returns 429 for every request, even with a new key and a lower rate.',
    'Please let us know whether the refund for order 44120 went through.',
    'It works on staging but not in production; the config is the same as far as I can tell.',
  ];
  const all = [...WITH_TRIGGER, ...WITHOUT_TRIGGER, ...NO_NAME].map((m) => label(m).text);
  const out: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    let m = `${prose[i % 6]} ${prose[(i * 7 + 3) % 6]} ${prose[(i * 5 + 1) % 6]}`;
    if (i % 3 !== 2) m = i % 2 === 0 ? `${all[i % all.length]}\n${m}` : `${m}\n${all[i % all.length]}`;
    out.push(m);
    size += Buffer.byteLength(m);
  }
  return out;
}

/** All-lower-case word salad as bench:ingest sends it (src: bench/ingest.bench.ts). */
function ingestLike(bytes: number): string[] {
  const words = 'the a to of and in is it you that for on with as are this be at have or from by not can your what all were when we there use an each which do how their if will up other about out many then them these so some'.split(' ');
  let seed = 42;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const out: string[] = [];
  let size = 0;
  while (size < bytes) {
    let t = '';
    const len = 300 + Math.floor(rand() * 400);
    while (t.length < len) t += words[Math.floor(rand() * words.length)] + ' ';
    out.push(t.trim());
    size += t.length;
  }
  return out;
}

function mbPerSecond(fn: (t: string) => unknown, texts: string[]): number {
  let bytes = 0;
  for (const t of texts) bytes += Buffer.byteLength(t);
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const t0 = process.hrtime.bigint();
    for (const t of texts) fn(t);
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return bytes / 1e6 / (best / 1000);
}

function main(): void {
  console.log('PERSON dev set: %d sentences with a trigger, %d names without a trigger, %d without a name',
    WITH_TRIGGER.length, WITHOUT_TRIGGER.length, NO_NAME.length);
  const bigText = messages(RULE_MB * 1e6);
  const smallText = messages(NLP_KB * 1e3);
  const ingestText = ingestLike(RULE_MB * 1e6);
  const counts = {};
  const rows: Array<Record<string, string>> = [];
  for (const [name, detect] of Object.entries(DETECTORS)) {
    const q = quality(detect);
    const text = name === 'rules' ? bigText : smallText;
    const speed = mbPerSecond(detect, text);
    rows.push({
      detector: name,
      'recall (trigger names)': (100 * q.recallTrigger).toFixed(1) + '%',
      'recall (all names)': (100 * q.recallAll).toFixed(1) + '%',
      precision: (100 * q.precision).toFixed(1) + '%',
      'no-name sentences hit': `${q.falseOnNoName}/${NO_NAME.length}`,
      'MB/s': speed.toFixed(speed < 1 ? 3 : 1),
    });
  }
  console.table(rows);
  console.log('speed on %s MB of support-bot messages / of bench:ingest-like lower-case text (MB/s, best of %d):', RULE_MB, ROUNDS);
  const passes: Array<[string, (t: string) => unknown]> = [
    ['tier-1 redactText', (t) => redactText(t)],
    ['DOB recognizer', (t) => redactWith(t, [dateOfBirthRecognizer], SETTINGS, counts)],
    ['PERSON recognizer', (t) => redactWith(t, [personNameRecognizer], SETTINGS, counts)],
    ['DOB + PERSON', (t) => redactWith(t, [dateOfBirthRecognizer, personNameRecognizer], SETTINGS, counts)],
    ['tier-1 + DOB + PERSON', (t) => redactWith(redactText(t).text, [dateOfBirthRecognizer, personNameRecognizer], SETTINGS, counts)],
  ];
  console.table(
    passes.map(([pass, fn]) => ({
      pass,
      'support-bot MB/s': mbPerSecond(fn, bigText).toFixed(1),
      'ingest-like MB/s': mbPerSecond(fn, ingestText).toFixed(1),
    })),
  );
}

main();
