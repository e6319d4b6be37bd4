import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isValidNino, ukNinoRecognizer } from '../../../src/services/redaction/recognizers/uk-nino.recognizer';
import { assertKept, assertRedacted } from './gov-id-kit';

const R = [ukNinoRecognizer];

test('uk-nino validator: prefix letters, excluded pairs, suffix A-D', () => {
  for (const ok of ['AB123456C', 'JG103759A', 'ZY987654D', 'CE000001B']) assert.ok(isValidNino(ok), ok);
  for (const bad of [
    'DA123456A', // first letter D
    'FA123456A',
    'IA123456A',
    'QA123456A',
    'UA123456A',
    'VA123456A',
    'AO123456A', // second letter O
    'AD123456A',
    'BG123456A', // excluded pairs
    'GB123456A',
    'KN123456A',
    'NK123456A',
    'NT123456A',
    'TN123456A',
    'ZZ123456A',
    'AB123456E', // suffix
    'AB12345C',
  ]) {
    assert.ok(!isValidNino(bad), bad);
  }
});

test('uk-nino: compact and spaced forms are redacted in prose', () => {
  assertRedacted('My NI number is AB 12 34 56 C.', ['AB 12 34 56 C'], R, 'My NI number is [GOV_ID].');
  assertRedacted('national insurance: JG103759A', ['JG103759A'], R);
  assertRedacted('it is ZY 987654 D I think', ['ZY 987654 D'], R);
  assertRedacted('Please update CE000001B and AB123456C', ['CE000001B', 'AB123456C'], R);
});

test('uk-nino: lower case needs a context word', () => {
  assertRedacted('my national insurance number is ab123456c', ['ab123456c'], R);
  assertKept('commit ab123456c fixed it', R);
});

test('uk-nino: invalid prefixes, product codes and glued tokens stay', () => {
  assertKept('GB123456A', R);
  assertKept('QQ123456C', R);
  assertKept('AB123456E', R);
  assertKept('SKU AB123456C', R);
  assertKept('part no. AB123456C', R);
  assertKept('XAB123456C', R);
  assertKept('AB123456C7', R);
  assertKept('AB-123456C', R);
});
