import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactText } from '../src/services/redaction/redactor';
import { ADDRESS_CASES } from './redaction-corpus/addresses';
import { CHECKSUMMED_KINDS, luhn, validId, verhoeff } from './redaction-corpus/checksums';
import type { CorpusCase, IdKind, PiiLabel } from './redaction-corpus/corpus-case';
import { DOB_CASES } from './redaction-corpus/dates-of-birth';
import { CARD_CASES, EMAIL_CASES, IBAN_CASES } from './redaction-corpus/emails-cards';
import { GOV_ID_CASES } from './redaction-corpus/gov-ids';
import { HARD_NEGATIVES } from './redaction-corpus/hard-negatives';
import { MIXED_CASES } from './redaction-corpus/mixed';
import { PERSON_CASES } from './redaction-corpus/names';
import { PHONE_CASES } from './redaction-corpus/phones';

/**
 * Recall of the redactor on the labelled corpus in test/redaction-corpus/ (issue 13, point 8), and its keep
 * rate on hard negatives. Every case goes through `redactText`; a labelled value is CAUGHT when it no longer
 * appears in the output, TYPED RIGHT when, in addition, its class's placeholder (`[ADDRESS]`, ...) is there.
 * The test prints the table and the first misses per class, then fails any class under its threshold:
 *   - 97 % for ids validated by a checksum (SIN, Aadhaar, NIR, DNI/NIE, codice fiscale, BSN, Steuer-ID), SSN,
 *     EMAIL, CREDIT_CARD, IBAN and PHONE: their formats are exact, so a miss is a recognizer bug;
 *   - 95 % for ADDRESS, DOB, PERSON and the government ids that only a format or an introducing word tells
 *     apart (NINO, PAN, ITIN, passport, licence, id card): they depend on context words;
 *   - hard negatives: at least 99 % must come back byte for byte unchanged.
 * "non-PII in messages" (printed, not enforced) counts the order numbers, prices, versions and other dates that
 * the long messages in mixed.ts list as `keep`: what a recognizer takes from them is over-redaction in context.
 * "Partial" (printed, not enforced) counts caught values of which a word or digit group still survives in the
 * output, e.g. a surname left after the first name was redacted, or a house number left before `[ADDRESS]`.
 */

const POSITIVES: readonly CorpusCase[] = [
  ...ADDRESS_CASES,
  ...GOV_ID_CASES,
  ...DOB_CASES,
  ...PERSON_CASES,
  ...PHONE_CASES,
  ...EMAIL_CASES,
  ...CARD_CASES,
  ...IBAN_CASES,
  ...MIXED_CASES,
];

const STRICT = 0.97;
const CONTEXT = 0.95;
const KEEP = 0.99;

/** The row a label is scored in; GOV_ID splits by whether a checksum backs the format. */
function groupOf(label: PiiLabel): string {
  if (label.type !== 'GOV_ID') return label.type;
  return label.kind !== undefined && CHECKSUMMED_KINDS.has(label.kind) ? 'GOV_ID checksum' : 'GOV_ID format/context';
}

const THRESHOLDS: Readonly<Record<string, number>> = {
  EMAIL: STRICT,
  PHONE: STRICT,
  SSN: STRICT,
  'GOV_ID checksum': STRICT,
  CREDIT_CARD: STRICT,
  IBAN: STRICT,
  'GOV_ID format/context': CONTEXT,
  ADDRESS: CONTEXT,
  DOB: CONTEXT,
  PERSON: CONTEXT,
};

// ------------------------------------------------------------------------------------------- measurement

interface Outcome {
  readonly c: CorpusCase;
  readonly label: PiiLabel;
  readonly output: string;
  readonly caught: boolean;
  readonly typedRight: boolean;
  readonly partial: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;

function countWord(text: string, word: string): number {
  // Tokens are letters/digits only, so no escaping is needed; bounded by non-word characters on both sides.
  const re = new RegExp(`(?<![\\p{L}\\p{N}])${word}(?![\\p{L}\\p{N}])`, 'gu');
  return (text.match(re) ?? []).length;
}

/**
 * Whether any word of a caught value (2+ characters) survives in the output more often than it occurs in the
 * input outside the labelled values, i.e. the redactor replaced only part of the value.
 */
function isPartial(c: CorpusCase, label: PiiLabel, output: string): boolean {
  let rest = c.text;
  for (const l of c.pii) rest = rest.split(l.value).join(' ');
  for (const word of label.value.match(WORD) ?? []) {
    if (word.length < 2) continue;
    if (countWord(output, word) > countWord(rest, word)) return true;
  }
  return false;
}

function occurrences(text: string, needle: string): number {
  let n = 0;
  for (let at = text.indexOf(needle); at !== -1; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}

function measure(redact: (text: string) => string): Outcome[] {
  const outcomes: Outcome[] = [];
  for (const c of POSITIVES) {
    const output = redact(c.text);
    // A case can hold several values of one class: each placeholder in the output types at most one of them.
    const placeholdersLeft = new Map<string, number>();
    for (const label of c.pii) {
      const caught = !output.includes(label.value);
      const ph = `[${label.type}]`;
      if (!placeholdersLeft.has(ph)) placeholdersLeft.set(ph, occurrences(output, ph));
      const left = placeholdersLeft.get(ph) ?? 0;
      const typedRight = caught && left > 0;
      if (typedRight) placeholdersLeft.set(ph, left - 1);
      outcomes.push({ c, label, output, caught, typedRight, partial: caught && isPartial(c, label, output) });
    }
  }
  return outcomes;
}

/** Inputs on which the redactor threw: scored as nothing redacted (a negative as changed) and failed below. */
const THREW: string[] = [];

function safeRedact(text: string): string {
  try {
    return redactText(text).text;
  } catch (err) {
    THREW.push(`${JSON.stringify(text.slice(0, 80))}: ${(err as Error).message}`);
    return text;
  }
}

const OUTCOMES = measure(safeRedact);
const NEGATIVE_OUTPUTS = HARD_NEGATIVES.map((n) => {
  const before = THREW.length;
  const output = safeRedact(n.text);
  return { n, output: THREW.length > before ? `${output} (redactor threw)` : output };
});

/** Non-personal values inside positive messages (`keep`): whether each survived the redactor. */
const IN_MESSAGE_KEEPS = POSITIVES.flatMap((c) => {
  if (c.keep === undefined) return [];
  const output = OUTCOMES.find((o) => o.c === c)!.output;
  return c.keep.map((value) => ({ c, value, output, kept: output.includes(value) }));
});

interface Row {
  group: string;
  cases: number;
  labels: number;
  caught: number;
  typedRight: number;
  partial: number;
  misses: Outcome[];
}

function rows(outcomes: readonly Outcome[]): Row[] {
  const byGroup = new Map<string, Row>();
  const casesSeen = new Map<string, Set<CorpusCase>>();
  for (const o of outcomes) {
    const group = groupOf(o.label);
    let row = byGroup.get(group);
    if (row === undefined) {
      row = { group, cases: 0, labels: 0, caught: 0, typedRight: 0, partial: 0, misses: [] };
      byGroup.set(group, row);
      casesSeen.set(group, new Set());
    }
    const seen = casesSeen.get(group)!;
    if (!seen.has(o.c)) {
      seen.add(o.c);
      row.cases++;
    }
    row.labels++;
    if (o.caught) row.caught++;
    else row.misses.push(o);
    if (o.typedRight) row.typedRight++;
    if (o.partial) row.partial++;
  }
  const order = Object.keys(THRESHOLDS);
  return [...byGroup.values()].sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group));
}

const ROWS = rows(OUTCOMES);

// ------------------------------------------------------------------------------------------- printing

const pct = (n: number, d: number): string => (d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`);
const clip = (s: string, n = 110): string => {
  const one = JSON.stringify(s);
  return one.length > n ? `${one.slice(0, n - 1)}…` : one;
};
const MISSES_SHOWN = 5;

function table(): string {
  const head = ['class', 'cases', 'values', 'caught', 'recall', 'typed-right', 'partial', 'threshold', 'verdict'];
  const body = ROWS.map((r) => {
    const recall = r.labels === 0 ? 0 : r.caught / r.labels;
    const threshold = THRESHOLDS[r.group] ?? CONTEXT;
    return [
      r.group,
      String(r.cases),
      String(r.labels),
      String(r.caught),
      pct(r.caught, r.labels),
      `${r.typedRight} (${pct(r.typedRight, r.labels)})`,
      String(r.partial),
      `${(threshold * 100).toFixed(0)}%`,
      recall >= threshold ? 'ok' : 'FAIL',
    ];
  });
  const totalLabels = ROWS.reduce((a, r) => a + r.labels, 0);
  const totalCaught = ROWS.reduce((a, r) => a + r.caught, 0);
  const totalTyped = ROWS.reduce((a, r) => a + r.typedRight, 0);
  const totalPartial = ROWS.reduce((a, r) => a + r.partial, 0);
  body.push([
    'all',
    String(POSITIVES.length),
    String(totalLabels),
    String(totalCaught),
    pct(totalCaught, totalLabels),
    `${totalTyped} (${pct(totalTyped, totalLabels)})`,
    String(totalPartial),
    '',
    '',
  ]);
  const kept = NEGATIVE_OUTPUTS.filter((x) => x.output === x.n.text).length;
  body.push([
    'hard negatives',
    String(HARD_NEGATIVES.length),
    '',
    `kept ${kept}`,
    pct(kept, HARD_NEGATIVES.length),
    '',
    '',
    `${KEEP * 100}%`,
    kept / HARD_NEGATIVES.length >= KEEP ? 'ok' : 'FAIL',
  ]);
  const keptInside = IN_MESSAGE_KEEPS.filter((k) => k.kept).length;
  body.push([
    'non-PII in messages',
    String(new Set(IN_MESSAGE_KEEPS.map((k) => k.c)).size),
    String(IN_MESSAGE_KEEPS.length),
    `kept ${keptInside}`,
    pct(keptInside, IN_MESSAGE_KEEPS.length),
    '',
    '',
    'info',
    '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Where a case sits inside its class: ids by kind and language, located classes by country, the rest by language. */
function placeOf(o: Outcome): string {
  if (o.label.type === 'GOV_ID' || o.label.type === 'SSN') return `${o.label.kind ?? '?'}/${o.c.lang}`;
  if (o.label.type === 'ADDRESS' || o.label.type === 'PHONE' || o.label.type === 'IBAN') return o.c.country;
  return o.c.lang;
}

/** Recall by place and by form inside each class, so a weak country or phrasing shows even when the class passes. */
function breakdown(): string {
  const out: string[] = [];
  const line = (title: string, key: (o: Outcome) => string, group: string): string => {
    const by = new Map<string, { n: number; caught: number }>();
    for (const o of OUTCOMES) {
      if (groupOf(o.label) !== group) continue;
      const e = by.get(key(o)) ?? { n: 0, caught: 0 };
      e.n++;
      if (o.caught) e.caught++;
      by.set(key(o), e);
    }
    const cells = [...by.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, e]) => `${k} ${e.caught}/${e.n}`);
    // Six cells per line keeps the widest rows (ids by kind and language) readable in a terminal.
    const lines: string[] = [];
    for (let i = 0; i < cells.length; i += 6) lines.push(`  ${(i === 0 ? title : '').padEnd(31)} ${cells.slice(i, i + 6).join(', ')}`);
    return lines.join('\n');
  };
  for (const r of ROWS) {
    out.push(line(`${r.group}, by place`, placeOf, r.group));
    out.push(line(`${r.group}, by form`, (o) => o.c.form, r.group));
  }
  return out.join('\n');
}

function missesReport(): string {
  const out: string[] = [];
  for (const r of ROWS) {
    if (r.misses.length === 0) continue;
    out.push(`  ${r.group}: ${r.misses.length} missed${r.misses.length > MISSES_SHOWN ? ` (first ${MISSES_SHOWN})` : ''}`);
    for (const o of r.misses.slice(0, MISSES_SHOWN)) {
      const where = [o.c.country, o.c.lang, o.label.kind, o.c.form].filter((x) => x !== undefined && x !== '-').join('/');
      out.push(`    - [${where}] ${clip(o.label.value, 40)} in ${clip(o.c.text)}`);
      out.push(`        -> ${clip(o.output)}`);
    }
  }
  return out.length === 0 ? '  (none)' : out.join('\n');
}

function partialsReport(): string {
  const out: string[] = [];
  for (const r of ROWS) {
    const partials = OUTCOMES.filter((o) => o.partial && groupOf(o.label) === r.group);
    if (partials.length === 0) continue;
    out.push(`  ${r.group}: ${partials.length} partly redacted${partials.length > 3 ? ' (first 3)' : ''}`);
    for (const o of partials.slice(0, 3)) out.push(`    - ${clip(o.label.value, 40)} -> ${clip(o.output)}`);
  }
  return out.length === 0 ? '  (none)' : out.join('\n');
}

function negativesReport(): string {
  const changed = NEGATIVE_OUTPUTS.filter((x) => x.output !== x.n.text);
  const lost = IN_MESSAGE_KEEPS.filter((k) => !k.kept);
  if (changed.length === 0 && lost.length === 0) return '  (none)';
  return [
    ...changed.map((x) => `  - [${x.n.resembles}] ${clip(x.n.text)}\n      -> ${clip(x.output)}`),
    ...lost.map((k) => `  - [inside a message] ${clip(k.value, 40)} lost in ${clip(k.output)}`),
  ].join('\n');
}

function report(): string {
  return [
    '',
    '=== Redaction corpus: recall per class (test/redaction-corpus/) ===',
    table(),
    '',
    'Caught/values by place (country, or id kind/language, or language) and by form:',
    breakdown(),
    '',
    'Misses (value still in the output):',
    missesReport(),
    '',
    'Partly redacted (caught, but a word or digit group of the value survives; informational):',
    partialsReport(),
    '',
    'Hard negatives changed, and non-PII lost inside messages (false positives):',
    negativesReport(),
    '',
  ].join('\n');
}

// ------------------------------------------------------------------------------------------- coverage

function casesWhere(pred: (c: CorpusCase) => boolean): CorpusCase[] {
  return POSITIVES.filter(pred);
}

const hasType = (c: CorpusCase, type: PiiLabel['type']): boolean => c.pii.some((l) => l.type === type);
const hasKind = (c: CorpusCase, kind: IdKind): boolean => c.pii.some((l) => l.kind === kind);

const LANGS = ['en', 'de', 'fr', 'es', 'it', 'nl'];

/** Every class x country (x form) the issue lists, with the minimum number of cases for each. */
function coverageGaps(): string[] {
  const gaps: string[] = [];
  const need = (what: string, n: number, min: number): void => {
    if (n < min) gaps.push(`${what}: ${n} case(s), need ${min}`);
  };
  for (const country of ['US', 'GB', 'CA', 'AU', 'DE', 'FR', 'ES', 'IT', 'NL']) {
    need(`ADDRESS ${country}`, casesWhere((c) => hasType(c, 'ADDRESS') && c.country === country).length, 5);
  }
  for (const form of ['street', 'unit', 'po-box', 'postcode-alone', 'multiline']) {
    need(`ADDRESS form ${form}`, casesWhere((c) => hasType(c, 'ADDRESS') && c.form === form).length, 5);
  }
  for (const country of ['GB', 'CA', 'US']) {
    need(`ADDRESS postcode-alone ${country}`, casesWhere((c) => hasType(c, 'ADDRESS') && c.form === 'postcode-alone' && c.country === country).length, 1);
  }
  const kinds: IdKind[] = ['SSN', 'ITIN', 'NINO', 'SIN', 'AADHAAR', 'PAN', 'NIR', 'DNI', 'NIE', 'CODICE_FISCALE', 'BSN', 'STEUER_ID', 'PASSPORT', 'DRIVING_LICENCE', 'ID_CARD'];
  for (const kind of kinds) need(`GOV_ID ${kind}`, casesWhere((c) => hasKind(c, kind)).length, 4);
  for (const kind of ['PASSPORT', 'DRIVING_LICENCE'] as const) {
    for (const lang of LANGS) need(`${kind} in ${lang}`, casesWhere((c) => hasKind(c, kind) && c.lang === lang).length, 2);
  }
  for (const form of ['iso', 'dmy', 'mdy', 'day-month-name', 'month-name-day', 'weekday']) {
    need(`DOB form ${form}`, casesWhere((c) => hasType(c, 'DOB') && c.form === form).length, 3);
  }
  for (const lang of LANGS) need(`DOB in ${lang}`, casesWhere((c) => hasType(c, 'DOB') && c.lang === lang).length, 5);
  for (const form of ['self-intro', 'salutation', 'sign-off', 'title', 'field']) {
    need(`PERSON form ${form}`, casesWhere((c) => hasType(c, 'PERSON') && c.form === form).length, 8);
  }
  for (const trait of ['diacritics', 'apostrophe', 'hyphen', 'particle', 'non-latin']) {
    need(`PERSON trait ${trait}`, casesWhere((c) => hasType(c, 'PERSON') && (c.traits ?? []).includes(trait)).length, 5);
  }
  for (const country of ['GB', 'FR', 'DE', 'US']) {
    need(`PHONE national ${country}`, casesWhere((c) => hasType(c, 'PHONE') && c.form === 'national' && c.country === country).length, 6);
  }
  const otherNational = new Set(casesWhere((c) => hasType(c, 'PHONE') && c.form === 'national' && !['GB', 'FR', 'DE', 'US'].includes(c.country)).map((c) => c.country));
  need('PHONE national, other countries', otherNational.size, 8);
  need('PHONE international', casesWhere((c) => hasType(c, 'PHONE') && c.country === 'INTL').length, 10);
  need('EMAIL', casesWhere((c) => hasType(c, 'EMAIL')).length, 10);
  need('CREDIT_CARD', casesWhere((c) => hasType(c, 'CREDIT_CARD')).length, 10);
  for (const r of ['product', 'version', 'order-number', 'sku', 'price', 'time', 'duration', 'non-birth-date', 'street-title', 'greeting', 'code', 'maths', 'hash', 'uuid', 'isbn', 'coordinates', 'http-status', 'port', 'percentage', 'score']) {
    need(`hard negatives resembling ${r}`, HARD_NEGATIVES.filter((n) => n.resembles === r).length, 3);
  }
  return gaps;
}

function coverageSummary(): string {
  const byClass = new Map<string, Map<string, number>>();
  for (const c of POSITIVES) {
    for (const type of new Set(c.pii.map((l) => l.type))) {
      const m = byClass.get(type) ?? new Map<string, number>();
      const key = type === 'ADDRESS' || type === 'PHONE' || type === 'IBAN' || type === 'GOV_ID' || type === 'SSN' ? c.country : c.lang;
      m.set(key, (m.get(key) ?? 0) + 1);
      byClass.set(type, m);
    }
  }
  const lines = [...byClass.entries()].map(
    ([type, m]) => `  ${type.padEnd(12)} ${[...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ')}`,
  );
  return ['', `Corpus: ${POSITIVES.length} positive cases, ${OUTCOMES.length} labelled values, ${HARD_NEGATIVES.length} hard negatives. Cases per class and country (ADDRESS, PHONE, ids) or language (the rest):`, ...lines, ''].join('\n');
}

// ------------------------------------------------------------------------------------------- tests

test('corpus: sizes and coverage of every class, country, form and language the issue lists', () => {
  console.log(coverageSummary());
  assert.ok(POSITIVES.length >= 400, `only ${POSITIVES.length} positive cases, need 400`);
  assert.ok(HARD_NEGATIVES.length >= 200, `only ${HARD_NEGATIVES.length} hard negatives, need 200`);
  assert.deepEqual(coverageGaps(), [], 'coverage gaps');
});

test('corpus: every case is well-formed (labels are substrings of their text, no duplicates)', () => {
  const problems: string[] = [];
  const texts = new Set<string>();
  for (const c of POSITIVES) {
    if (c.pii.length === 0) problems.push(`no label: ${clip(c.text)}`);
    for (const l of c.pii) {
      if (l.value.trim() !== l.value || l.value.length === 0) problems.push(`label has outer spaces: ${clip(l.value)}`);
      if (!c.text.includes(l.value)) problems.push(`label ${clip(l.value)} not in ${clip(c.text)}`);
    }
    for (const k of c.keep ?? []) {
      if (!c.text.includes(k)) problems.push(`keep ${clip(k)} not in ${clip(c.text)}`);
      if (c.pii.some((l) => l.value.includes(k) || k.includes(l.value))) problems.push(`keep ${clip(k)} overlaps a label`);
    }
    if (texts.has(c.text)) problems.push(`duplicate case: ${clip(c.text)}`);
    texts.add(c.text);
  }
  const negTexts = new Set<string>();
  for (const n of HARD_NEGATIVES) {
    if (negTexts.has(n.text)) problems.push(`duplicate negative: ${clip(n.text)}`);
    negTexts.add(n.text);
  }
  assert.deepEqual(problems, []);
});

test('corpus: every labelled checksummed id passes its checksum (and SSN/ITIN/NINO/PAN their issuing rules)', () => {
  const invalid: string[] = [];
  let checked = 0;
  for (const c of POSITIVES) {
    for (const l of c.pii) {
      if (l.kind === undefined) continue;
      const ok = validId(l.kind, l.value);
      if (ok === undefined) continue;
      checked++;
      if (!ok) invalid.push(`${l.kind} ${l.value}`);
    }
  }
  assert.ok(checked >= 100, `only ${checked} ids validated`);
  assert.deepEqual(invalid, [], 'ids that fail their checksum: fix the generator output, not the checksum');
});

test('validators accept the published example numbers and reject a corrupted id, so the check above is not vacuous', () => {
  // Example numbers widely published for these formats, independent of the generator that made the corpus ids.
  assert.ok(luhn('046454286'), 'SIN specimen 046 454 286 (Service Canada)');
  assert.ok(verhoeff('2363'), 'Verhoeff worked example 236 -> 3');
  assert.ok(validId('BSN', '111222333'), 'BSN test number 111222333');
  assert.ok(validId('STEUER_ID', '86095742719'), 'Steuer-ID example 86095742719 (BZSt)');
  assert.ok(validId('DNI', '12345678Z') && validId('NIE', 'X1234567L'), 'DNI 12345678Z, NIE X1234567L');
  assert.ok(validId('NIR', '2 55 08 14 168 025 38'), 'NIR example 2 55 08 14 168 025 38');
  assert.ok(validId('IBAN', 'DE89 3704 0044 0532 0130 00'), 'IBAN example DE89 3704 0044 0532 0130 00');
  const samples: [IdKind, string][] = [
    ['SIN', '644925901'],
    ['AADHAAR', '485744433477'],
    ['NIR', '298036628321384'],
    ['DNI', '23041937P'],
    ['NIE', 'Y2700112H'],
    ['CODICE_FISCALE', 'RSSMRA85T10A562S'],
    ['BSN', '595064358'],
    ['STEUER_ID', '67915928349'],
    ['CARD', '4111111111111111'],
    ['IBAN', 'GB82WEST12345698765432'],
  ];
  for (const [kind, value] of samples) {
    assert.equal(validId(kind, value), true, `${kind} ${value} should be valid`);
    // Change the last digit (Verhoeff, Luhn, mod 97, 11-check and MOD 11,10 all catch single-digit errors).
    const i = value.search(/\d(?=\D*$)/);
    const corrupted = value.slice(0, i) + String((Number(value[i]) + 1) % 10) + value.slice(i + 1);
    assert.equal(validId(kind, corrupted), false, `${kind} ${corrupted} should be invalid`);
  }
});

test('an oracle that replaces exactly the labelled values scores 100% (the labels are consistent and reachable)', () => {
  // Longest values first, so a value containing another is replaced whole.
  const oracle = (text: string): string => {
    const c = POSITIVES.find((x) => x.text === text)!;
    let out = text;
    for (const l of [...c.pii].sort((a, b) => b.value.length - a.value.length)) out = out.split(l.value).join(`[${l.type}]`);
    return out;
  };
  const outcomes = measure(oracle);
  const imperfect = rows(outcomes).filter((r) => r.caught !== r.labels || r.typedRight !== r.labels || r.partial !== 0);
  assert.deepEqual(imperfect.map((r) => `${r.group}: ${r.caught}/${r.typedRight}/${r.partial} of ${r.labels}`), []);
  // And one that leaves the last word of every multi-word value behind is reported as partial, not as clean.
  const sloppy = (text: string): string => {
    const c = POSITIVES.find((x) => x.text === text)!;
    let out = text;
    for (const l of c.pii) {
      const cut = l.value.lastIndexOf(' ');
      out = out.split(l.value).join(cut > 0 ? `[${l.type}]${l.value.slice(cut)}` : `[${l.type}]`);
    }
    return out;
  };
  const sloppyPartial = measure(sloppy).filter((o) => o.partial).length;
  const multiWord = OUTCOMES.filter((o) => /\s/.test(o.label.value) && (o.label.value.slice(o.label.value.lastIndexOf(' ') + 1).match(WORD)?.[0].length ?? 0) >= 2).length;
  assert.ok(sloppyPartial >= multiWord * 0.9, `partial detection flagged ${sloppyPartial} of ~${multiWord} half-redacted values`);
});

test('the redactor does not throw on any corpus text', () => {
  assert.deepEqual(THREW, []);
});

test('recall per class on the labelled corpus meets the thresholds (prints the table)', async (t) => {
  console.log(report());
  for (const r of ROWS) {
    const threshold = THRESHOLDS[r.group] ?? CONTEXT;
    await t.test(`${r.group}: recall ≥ ${(threshold * 100).toFixed(0)}%`, () => {
      const recall = r.caught / r.labels;
      assert.ok(
        recall >= threshold,
        `${r.group}: ${r.caught}/${r.labels} caught = ${pct(r.caught, r.labels)} < ${(threshold * 100).toFixed(0)}%; ` +
          `first misses: ${r.misses.slice(0, 3).map((o) => JSON.stringify(o.label.value)).join(', ')}`,
      );
    });
  }
  // Every class the corpus labels got a row (a class with no row would silently escape its threshold).
  assert.deepEqual(ROWS.map((r) => r.group).filter((g) => !(g in THRESHOLDS)), []);
});

test('hard negatives come back unchanged (keep rate ≥ 99%)', () => {
  const changed = NEGATIVE_OUTPUTS.filter((x) => x.output !== x.n.text);
  const keep = 1 - changed.length / HARD_NEGATIVES.length;
  assert.ok(
    keep >= KEEP,
    `keep rate ${pct(HARD_NEGATIVES.length - changed.length, HARD_NEGATIVES.length)} < 99%: ` +
      changed.slice(0, 5).map((x) => `${JSON.stringify(x.n.text)} -> ${JSON.stringify(x.output)}`).join('; '),
  );
});
