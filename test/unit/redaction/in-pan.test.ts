import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inPanRecognizer, isValidPan } from '../../../src/services/redaction/recognizers/in-pan.recognizer';
import { assertKept, assertRedacted } from './gov-id-kit';

const R = [inPanRecognizer];

test('in-pan validator: 5 letters (4th the holder type), 4 digits, a letter', () => {
  for (const ok of ['ABCPE1234F', 'AAACB1234C', 'BNZPM2501F', 'AAATT0001Z', 'AAAGA1234A']) assert.ok(isValidPan(ok), ok);
  for (const bad of ['ABCDE1234F', 'ABCXE1234F', 'ABCPE123F', 'abcpe1234f', 'ABCPE12345']) assert.ok(!isValidPan(bad), bad);
});

test('in-pan: redacted in prose with or without a context word', () => {
  assertRedacted('My PAN is ABCPE1234F.', ['ABCPE1234F'], R, 'My PAN is [GOV_ID].');
  assertRedacted('PAN card: BNZPM2501F, Aadhaar to follow', ['BNZPM2501F'], R);
  assertRedacted('company AAACB1234C files returns', ['AAACB1234C'], R);
});

test('in-pan: other holder types, lower case, product codes and glued tokens stay', () => {
  assertKept('ABCDE1234F', R);
  assertKept('abcpe1234f', R);
  assertRedacted('PAN: abcpe1234f', ['abcpe1234f'], R);
  assertKept('SKU ABCPE1234F', R);
  assertKept('model ABCPE1234F', R);
  assertKept('XABCPE1234F', R);
  assertKept('ABCPE1234F9', R);
  assertKept('ABCPE-1234F', R);
});
