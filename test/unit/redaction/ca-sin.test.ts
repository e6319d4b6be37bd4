import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finding, scan, type Recognizer } from '../../../src/services/redaction/recognizer';
import { caSinRecognizer, isValidSin, luhnValid } from '../../../src/services/redaction/recognizers/ca-sin.recognizer';
import { GOV_ID_RECOGNIZERS, assertKept, assertRedacted, completeDigit, prng, randomDigits, redact } from './gov-id-kit';

const R = [caSinRecognizer];

test('ca-sin validator: Luhn over 9 digits, the all-zero run refused', () => {
  assert.ok(isValidSin('046454286'));
  assert.ok(isValidSin('123456782'));
  assert.ok(!isValidSin('123456789'));
  assert.ok(!isValidSin('000000000'));
  assert.ok(!isValidSin('04645428'));
  assert.ok(luhnValid('4111111111111111'));
});

test('ca-sin: the grouped forms are redacted in prose, with or without a context word', () => {
  assertRedacted('My SIN is 046 454 286, thanks.', ['046 454 286'], R, 'My SIN is [GOV_ID], thanks.');
  assertRedacted('Social insurance number: 046-454-286', ['046-454-286'], R);
  assertRedacted('you can use 130 204 563 for the form', ['130 204 563'], R);
  assertRedacted('NAS : 293-847-562 (numéro d’assurance sociale)', ['293-847-562'], R);
  assertRedacted('two of them: 046 454 286 and 130-204-563.', ['046 454 286', '130-204-563'], R);
});

test('ca-sin: a bare 9-digit run needs a context word near it', () => {
  assertRedacted('my SIN is 046454286', ['046454286'], R);
  assertRedacted('Social Insurance Number 130204563 on file', ['130204563'], R);
  assertRedacted('046454286 is my SIN', ['046454286'], R);
  assertRedacted('sin number 046454286', ['046454286'], R);
  assertRedacted('S.I.N.: 130204563', ['130204563'], R);
  assertKept('Your reference is 046454286.', R);
  assertKept('order 130204563 shipped', R);
  // "sin" in lower case is a word and a function, not a context word.
  assertKept('sin(x) = 046454286', R);
});

test('ca-sin: invalid checksums, reference words, glued and longer runs stay', () => {
  assertKept('SIN 046 454 287', R); // Luhn fails
  assertKept('order 046 454 286 is on its way', R);
  assertKept('Ticket #046-454-286', R);
  assertKept('INV-046-454-286', R);
  assertKept('x046 454 286', R);
  assertKept('046 454 286 123', R); // four groups: not a SIN
  assertKept('call 416 555 0123 today', R); // phone shape 3-3-4
  assertKept('1.046454286', R);
});

test('ca-sin: of 20,000 random bare 9-digit runs in a sentence none is redacted; of grouped ones about 1 in 10', () => {
  const rand = prng(9);
  let bare = 0;
  let grouped = 0;
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const d = randomDigits(rand, 9);
    if (redact(`It says ${d} on the screen.`, GOV_ID_RECOGNIZERS).text.includes('[GOV_ID]')) bare++;
    if (redact(`Use ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)} please`, R).text.includes('[GOV_ID]')) grouped++;
  }
  console.log(`ca-sin: random bare 9-digit runs redacted ${bare}/${n}; random 3-3-3 groups ${grouped}/${n}`);
  assert.equal(bare, 0);
  assert.ok(grouped > n * 0.08 && grouped < n * 0.12, `grouped ${grouped}`);
});

test('ca-sin: every Luhn-valid grouped SIN is redacted (5,000 generated)', () => {
  const rand = prng(4);
  for (let i = 0; i < 5000; i++) {
    const sin = completeDigit(randomDigits(rand, 8, 1), isValidSin);
    const spaced = `${sin.slice(0, 3)} ${sin.slice(3, 6)} ${sin.slice(6)}`;
    assertRedacted(`Hi, my SIN is ${spaced}.`, [spaced], R);
  }
});

test('ca-sin: without a context word a grouped SIN yields to a phone number over the same digits', () => {
  // A stand-in for the phone recognizer that validates `612 345 678` as a Spanish mobile number.
  const phone: Recognizer = {
    name: 'test-phone',
    type: 'PHONE',
    patterns: [PHONE],
    find(text, out) {
      scan(PHONE, text, (m) => out.push(finding('PHONE', m.index, m.index + m[0].length)));
    },
  };
  assert.ok(isValidSin('612345678'));
  assert.equal(redact('Llámame al 612 345 678', [caSinRecognizer, phone]).text, 'Llámame al [PHONE]');
  assert.equal(redact('My SIN is 612 345 678', [caSinRecognizer, phone]).text, 'My SIN is [GOV_ID]');
  assert.equal(redact('Use 612 345 678', [caSinRecognizer]).text, 'Use [GOV_ID]');
});
const PHONE = /612 345 678/g;
