import { test } from 'node:test';
import assert from 'node:assert/strict';
import { redactWith } from '../../../src/services/redaction/pipeline';
import { DIGIT_REACH, digitWindows } from '../../../src/services/redaction/recognizer';
import { redactionSettings } from '../../../src/services/redaction/redactor';
import { RECOGNIZERS } from '../../../src/services/redaction/registry';
import { ADDRESS_CASES } from '../../redaction-corpus/addresses';
import { DOB_CASES } from '../../redaction-corpus/dates-of-birth';
import { CARD_CASES, EMAIL_CASES, IBAN_CASES } from '../../redaction-corpus/emails-cards';
import { GOV_ID_CASES } from '../../redaction-corpus/gov-ids';
import { HARD_NEGATIVES } from '../../redaction-corpus/hard-negatives';
import { MIXED_CASES } from '../../redaction-corpus/mixed';
import { PERSON_CASES } from '../../redaction-corpus/names';
import { PHONE_CASES } from '../../redaction-corpus/phones';

/**
 * The pipeline runs digit-anchored recognizers only on windows around the digits of a long text
 * (recognizer.ts, digitWindows). That is a speed-up, never a change of result: every corpus case and hard
 * negative, buried in long prose at random offsets (so windows start and end everywhere around it, and a
 * second case or a stray number sometimes shares or splits the window), must redact exactly as a
 * whole-text run of the same recognizers does.
 */

const CASES: readonly string[] = [
  ...[...ADDRESS_CASES, ...GOV_ID_CASES, ...DOB_CASES, ...PERSON_CASES, ...PHONE_CASES, ...EMAIL_CASES, ...CARD_CASES, ...IBAN_CASES, ...MIXED_CASES].map(
    (c) => c.text,
  ),
  ...HARD_NEGATIVES.map((n) => n.text),
];

// Prose without digits: capitals, punctuation, line breaks and context-like words ("address", "born",
// "passport", "street") so that context far from a number is present and must stay without effect.
const FILLER_WORDS = (
  'the order was late and I asked support about it . Thanks for the quick reply , my address book is full ' +
  'She was born lucky . Passport photos look odd . Main Street is busy today ; the Avenue too . Dear team ,\n' +
  'Regards , we live in hope that the parcel arrives . Mr Smith said hello . Postal code rules changed ! ' +
  'call me later , my name is on the list . Date of birth fields are optional . ID card readers broke'
).split(' ');

function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}

function filler(rand: () => number, chars: number): string {
  let s = '';
  while (s.length < chars) s += FILLER_WORDS[Math.floor(rand() * FILLER_WORDS.length)] + ' ';
  return s;
}

test('windowed and whole-text runs redact every corpus case identically inside long prose', () => {
  const settings = redactionSettings();
  const rand = rng(20261202);
  let windowed = 0;
  let compared = 0;
  const windows: number[] = [];
  for (const text of CASES) {
    for (let trial = 0; trial < 6; trial++) {
      // 0–1,400 characters before and after; sometimes a second case or a lone number nearby or far away.
      let long = filler(rand, Math.floor(rand() * 1400)) + text + ' ' + filler(rand, Math.floor(rand() * 1400));
      const extra = rand();
      if (extra < 0.25) long += CASES[Math.floor(rand() * CASES.length)] + ' ' + filler(rand, Math.floor(rand() * 900));
      else if (extra < 0.4) long += ` order ${Math.floor(rand() * 99999)} ` + filler(rand, Math.floor(rand() * 900));
      windows.length = 0;
      if (digitWindows(long, windows)) windowed++;
      const whole = redactWith(long, RECOGNIZERS, settings, {}, { digitWindows: false }).text;
      const fast = redactWith(long, RECOGNIZERS, settings, {}).text;
      compared++;
      if (fast !== whole) assert.equal(fast, whole, `windowed run differs on: ${JSON.stringify(long)}`);
    }
  }
  // The comparison means something only if most long texts did take the windowed path.
  assert.ok(windowed > compared * 0.5, `only ${windowed} of ${compared} texts were windowed`);
});

test('digitWindows: DIGIT_REACH on each side, widened to whitespace, merged when close, none when they would cover the text', () => {
  const words = (n: number) => 'word '.repeat(n / 5);
  const out: number[] = [];

  const R = DIGIT_REACH;
  // Short text: no windows, the whole text is scanned.
  assert.equal(digitWindows(`call 555 0100 ${words(R / 2)}`, out), false);
  assert.deepEqual(out, []);

  // One number in the middle of a long text: one window around it, on word boundaries.
  const text = words(10 * R) + 'call 555 0100 ' + words(10 * R);
  assert.equal(digitWindows(text, out), true);
  assert.equal(out.length, 2);
  const a = out[0]!;
  const b = out[1]!;
  const digit = text.indexOf('555');
  assert.ok(a <= digit - DIGIT_REACH && a > digit - DIGIT_REACH - 64, `start ${a}`);
  assert.ok(b >= digit + 8 + DIGIT_REACH && b < digit + 8 + DIGIT_REACH + 64, `end ${b}`);
  assert.equal(text[a - 1], ' ');
  assert.equal(text[b], ' ');

  // Two numbers one reach apart share a window; ten reaches apart they get one each.
  out.length = 0;
  assert.equal(digitWindows(words(10 * R) + '12 ' + words(R) + '34 ' + words(10 * R), out), true);
  assert.equal(out.length, 2);
  out.length = 0;
  assert.equal(digitWindows(words(10 * R) + '12 ' + words(10 * R) + '34 ' + words(10 * R), out), true);
  assert.equal(out.length, 4);

  // Digits spread over the whole text: the windows would cover it, so it is scanned whole.
  out.length = 0;
  assert.equal(digitWindows(`${words(1.5 * R)}1 ${words(1.5 * R)}2 ${words(1.5 * R)}3 ${words(1.5 * R)}`, out), false);
});
