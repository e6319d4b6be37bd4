import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  deSteuerIdRecognizer,
  isValidSteuerId,
  mod11_10CheckDigit,
} from '../../../src/services/redaction/recognizers/de-steuer-id.recognizer';
import { assertKept, assertRedacted, prng, randomDigits, redact } from './gov-id-kit';

const R = [deSteuerIdRecognizer];

test('de-steuer-id validator: first digit 1-9, one digit repeated 2-3 times, MOD 11,10 check digit', () => {
  for (const ok of ['86095742719', '65929970489', '54928170560', '31089642157', '11234567816']) assert.ok(isValidSteuerId(ok), ok);
  assert.equal(mod11_10CheckDigit('8609574271'), 9);
  for (const bad of [
    '86095742718', // check digit
    '06095742719', // leading 0
    '12345678903', // no repeated digit (and the check)
    '11123456788', // three equal digits side by side
    '11223456789', // two repeated digits
    '8609574271',
  ]) {
    assert.ok(!isValidSteuerId(bad), bad);
  }
});

test('de-steuer-id: compact and grouped forms are redacted in prose', () => {
  assertRedacted('Meine Steuer-ID ist 86095742719.', ['86095742719'], R, 'Meine Steuer-ID ist [GOV_ID].');
  assertRedacted('IdNr: 65 929 970 489', ['65 929 970 489'], R);
  assertRedacted('please use 54928170560 for the form', ['54928170560'], R);
});

test('de-steuer-id: failing checks, phone numbers with a trunk 0, references and longer runs stay', () => {
  assertKept('Steuer-ID 86095742718', R);
  assertKept('01512345678', R);
  assertKept('Bestellnummer 86095742719', R);
  assertKept('tracking 86095742719', R);
  assertKept('860957427190', R);
  assertKept('+49 86095742719x', R);
});

test('de-steuer-id: about 0.4% of random 11-digit runs starting 1-9 pass (40,000 measured)', () => {
  const rand = prng(31);
  let hits = 0;
  const n = 40_000;
  for (let i = 0; i < n; i++) if (redact(`see ${randomDigits(rand, 11, 1)} here`, R).text.includes('[GOV_ID]')) hits++;
  console.log(`de-steuer-id: random 11-digit runs redacted ${hits}/${n}`);
  assert.ok(hits < n * 0.006, `hits ${hits}`);
});
