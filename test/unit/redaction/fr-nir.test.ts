import { test } from 'node:test';
import assert from 'node:assert/strict';
import { frNirRecognizer, isValidNir } from '../../../src/services/redaction/recognizers/fr-nir.recognizer';
import { assertKept, assertRedacted, prng, randomDigits, redact } from './gov-id-kit';

const R = [frNirRecognizer];

test('fr-nir validator: key = 97 − (13 digits mod 97), Corsica 2A = 19 and 2B = 18', () => {
  for (const ok of ['185057800608491', '269059935011295', '178027512345677', '293102A00124550', '155122B00215445']) {
    assert.ok(isValidNir(ok), ok);
  }
  for (const bad of [
    '185057800608436', // wrong key
    '585057800608491', // sex digit 5
    '185007800608491', // month 00
    '293102C00124550',
    '18505780060849',
  ]) {
    assert.ok(!isValidNir(bad), bad);
  }
});

test('fr-nir: compact and spaced forms are redacted in prose', () => {
  assertRedacted('Mon numéro de sécu : 1 85 05 78 006 084 91.', ['1 85 05 78 006 084 91'], R, 'Mon numéro de sécu : [GOV_ID].');
  assertRedacted('NIR 269059935011295', ['269059935011295'], R);
  assertRedacted('carte vitale 2 93 10 2A 001 245 50 ok', ['2 93 10 2A 001 245 50'], R);
  assertRedacted('1 55 12 2B 002 154 45 and 1.78.02.75.123.456.77', ['1 55 12 2B 002 154 45', '1.78.02.75.123.456.77'], R);
});

test('fr-nir: wrong keys, references and longer runs stay', () => {
  assertKept('1 85 05 78 006 084 36', R);
  assertKept('tracking 185057800608491', R);
  assertKept('1850578006084910', R);
  assertKept('IMEI-185057800608491', R);
});

test('fr-nir: under 1 in 100 random 15-digit runs pass (20,000 measured)', () => {
  const rand = prng(15);
  let hits = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) if (redact(`see ${randomDigits(rand, 15)} here`, R).text.includes('[GOV_ID]')) hits++;
  console.log(`fr-nir: random 15-digit runs redacted ${hits}/${n}`);
  assert.ok(hits < n / 100, `hits ${hits}`);
});
