import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidBsn, nlBsnRecognizer } from '../../../src/services/redaction/recognizers/nl-bsn.recognizer';
import { assertKept, assertRedacted, completeDigit, prng, randomDigits, redact } from './gov-id-kit';

const R = [nlBsnRecognizer];

test('nl-bsn validator: the 11-check (9·d1 + … + 2·d8 − d9 ≡ 0 mod 11)', () => {
  for (const ok of ['111222333', '123456782', '987654329', '234567892', '100000009']) assert.ok(isValidBsn(ok), ok);
  for (const bad of ['123456789', '111222334', '000000000', '12345678', 'abcdefghi']) assert.ok(!isValidBsn(bad), bad);
});

test('nl-bsn: the printed 4-2-3 form is redacted without a context word', () => {
  assertRedacted('Mijn nummer is 1234.56.782, groet', ['1234.56.782'], R, 'Mijn nummer is [GOV_ID], groet');
  assertRedacted('please use 9876 54 329 for that', ['9876 54 329'], R);
});

test('nl-bsn: a bare or 3-3-3 run is redacted only near BSN, burgerservicenummer or sofinummer', () => {
  assertRedacted('BSN: 123456782', ['123456782'], R);
  assertRedacted('mijn burgerservicenummer is 111222333.', ['111222333'], R);
  assertRedacted('Sofinummer 234 567 892', ['234 567 892'], R);
  assertRedacted('my citizen service number (BSN) is 987654329', ['987654329'], R);
  assertRedacted('123456782 (BSN)', ['123456782'], R);
  assertRedacted('burgerservicenummer: 123 45 6782', ['123 45 6782'], R);
  assertRedacted('mijn BSN is 12 34 56 782', ['12 34 56 782'], R);
  assertKept('BSN bekend, bestelling 12 34 56 782', R);
  assertKept('Bestelling 123456782 is verzonden', R);
  assertKept('It says 111222333 on the screen.', R);
  assertKept('call 234 567 892', R);
});

test('nl-bsn: failing checks, reference words and glued runs stay', () => {
  assertKept('BSN 123456789', R);
  assertKept('factuur 1234.56.782', R);
  assertKept('v1234.56.782', R);
  assertKept('1234.56.7820', R);
});

test('nl-bsn: 1 in 11 random 4-2-3 runs pass; none of 20,000 bare runs without a context word', () => {
  const rand = prng(11);
  let dotted = 0;
  let bare = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const d = randomDigits(rand, 9);
    if (redact(`see ${d.slice(0, 4)}.${d.slice(4, 6)}.${d.slice(6)} here`, R).text.includes('[GOV_ID]')) dotted++;
    if (redact(`see ${d} here`, R).text.includes('[GOV_ID]')) bare++;
  }
  console.log(`nl-bsn: random 4-2-3 dotted runs redacted ${dotted}/${n}; bare ${bare}/${n}`);
  assert.equal(bare, 0);
  assert.ok(dotted > n * 0.07 && dotted < n * 0.11, `dotted ${dotted}`);
});

test('nl-bsn: every valid BSN next to "BSN" is redacted (5,000 generated)', () => {
  const rand = prng(5);
  for (let i = 0; i < 5000; i++) {
    const prefix = randomDigits(rand, 8, 1);
    let bsn: string;
    try {
      bsn = completeDigit(prefix, isValidBsn);
    } catch {
      continue; // about 1 prefix in 11 has no valid last digit (the remainder would need d9 = 10)
    }
    assertRedacted(`BSN ${bsn}`, [bsn], R);
  }
});
