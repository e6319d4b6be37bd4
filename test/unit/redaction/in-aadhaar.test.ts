import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  inAadhaarRecognizer,
  isValidAadhaar,
  verhoeffValid,
} from '../../../src/services/redaction/recognizers/in-aadhaar.recognizer';
import { assertKept, assertRedacted, completeDigit, prng, randomDigits, redact } from './gov-id-kit';

const R = [inAadhaarRecognizer];

test('in-aadhaar validator: 12 digits, first 2-9, Verhoeff check digit', () => {
  for (const ok of ['234567890124', '499187654323', '360421987659', '801234567898']) assert.ok(isValidAadhaar(ok), ok);
  assert.ok(!isValidAadhaar('234567890120')); // Verhoeff fails
  assert.ok(!isValidAadhaar('123456789010')); // first digit 1
  assert.ok(verhoeffValid('2363')); // the textbook example: 236 → check digit 3
  assert.ok(!verhoeffValid('2364'));
});

test('in-aadhaar validator: Verhoeff catches every single-digit error and adjacent transposition', () => {
  const rand = prng(7);
  for (let n = 0; n < 500; n++) {
    const valid = completeDigit(randomDigits(rand, 11, 2), verhoeffValid);
    for (let i = 0; i < valid.length; i++) {
      for (let d = 0; d < 10; d++) {
        if (String(d) === valid[i]) continue;
        const wrong = valid.slice(0, i) + d + valid.slice(i + 1);
        assert.ok(!verhoeffValid(wrong), `${valid} → ${wrong}`);
      }
      if (i + 1 < valid.length && valid[i] !== valid[i + 1]) {
        const swapped = valid.slice(0, i) + valid[i + 1] + valid[i] + valid.slice(i + 2);
        assert.ok(!verhoeffValid(swapped), `${valid} → ${swapped}`);
      }
    }
  }
});

test('in-aadhaar: the grouped 4-4-4 form is redacted in prose', () => {
  assertRedacted('My Aadhaar is 2345 6789 0124.', ['2345 6789 0124'], R, 'My Aadhaar is [GOV_ID].');
  assertRedacted('number 4991-8765-4323 please verify', ['4991-8765-4323'], R);
  assertRedacted('आधार: 3604 2198 7659', ['3604 2198 7659'], R);
});

test('in-aadhaar: a bare 12-digit run needs a context word', () => {
  assertRedacted('aadhar no 801234567898', ['801234567898'], R);
  assertRedacted('UID 499187654323 linked', ['499187654323'], R);
  assertKept('ts 801234567898 logged', R);
});

test('in-aadhaar: failing checks, first digit 0/1, card-like runs and references stay', () => {
  assertKept('Aadhaar 2345 6789 0120', R);
  assertKept('1345 6789 0120', R);
  assertKept('2345 6789 0124 4567', R); // four groups: a card-like run
  assertKept('order 2345 6789 0124', R);
  assertKept('tracking no. 4991-8765-4323', R);
});

test('in-aadhaar: 1 in 10 random grouped runs pass; no bare run without a context word (10,000 each)', () => {
  const rand = prng(12);
  let grouped = 0;
  let bare = 0;
  const n = 10_000;
  for (let i = 0; i < n; i++) {
    const d = randomDigits(rand, 12, 2);
    if (redact(`see ${d.slice(0, 4)} ${d.slice(4, 8)} ${d.slice(8)} here`, R).text.includes('[GOV_ID]')) grouped++;
    if (redact(`see ${d} here`, R).text.includes('[GOV_ID]')) bare++;
  }
  console.log(`in-aadhaar: random 4-4-4 groups redacted ${grouped}/${n}; bare ${bare}/${n}`);
  assert.equal(bare, 0);
  assert.ok(grouped > n * 0.08 && grouped < n * 0.12, `grouped ${grouped}`);
});

test('in-aadhaar: every valid grouped number is redacted (3,000 generated)', () => {
  const rand = prng(3);
  for (let i = 0; i < 3000; i++) {
    const a = completeDigit(randomDigits(rand, 11, 2), isValidAadhaar);
    const grouped = `${a.slice(0, 4)} ${a.slice(4, 8)} ${a.slice(8)}`;
    assertRedacted(`Aadhaar: ${grouped}`, [grouped], R);
  }
});
