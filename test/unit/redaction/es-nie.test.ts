import { test } from 'node:test';
import assert from 'node:assert/strict';
import { esNieRecognizer, isValidNie } from '../../../src/services/redaction/recognizers/es-nie.recognizer';
import { assertKept, assertRedacted } from './gov-id-kit';

const R = [esNieRecognizer];

test('es-nie validator: X/Y/Z read as 0/1/2, then the DNI letter', () => {
  for (const ok of ['X1234567L', 'Y7654321G', 'Z0012345E', 'X-1234567-L', 'x1234567l']) assert.ok(isValidNie(ok), ok);
  for (const bad of ['X1234567A', 'W1234567L', 'X123456L']) assert.ok(!isValidNie(bad), bad);
});

test('es-nie: redacted in prose, compact or dashed', () => {
  assertRedacted('Mi NIE es X1234567L.', ['X1234567L'], R, 'Mi NIE es [GOV_ID].');
  assertRedacted('tarjeta Y-7654321-G, caduca pronto', ['Y-7654321-G'], R);
  assertRedacted('Z 0012345 E', ['Z 0012345 E'], R);
  assertRedacted('nie: x1234567l', ['x1234567l'], R);
});

test('es-nie: wrong letters, references and glued tokens stay', () => {
  assertKept('NIE X1234567A', R);
  assertKept('SKU X1234567L', R);
  assertKept('AX1234567L', R);
  assertKept('X1234567LL', R);
});
