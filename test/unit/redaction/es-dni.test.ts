import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dniLetter, esDniRecognizer, isValidDni } from '../../../src/services/redaction/recognizers/es-dni.recognizer';
import { assertKept, assertRedacted, prng, randomDigits, redact } from './gov-id-kit';

const R = [esDniRecognizer];

test('es-dni validator: the letter is TRWAGMYFPDXBNJZSQVHLCKE[n mod 23]', () => {
  assert.equal(dniLetter(12345678), 'Z');
  assert.equal(dniLetter(0), 'T');
  assert.equal(dniLetter(22), 'E');
  for (const ok of ['12345678Z', '87654321X', '45127893F', '12.345.678-Z', '12345678z']) assert.ok(isValidDni(ok), ok);
  for (const bad of ['12345678A', '1234567Z', '87654321Z']) assert.ok(!isValidDni(bad), bad);
});

test('es-dni: compact, dashed and dotted forms are redacted in prose', () => {
  assertRedacted('Mi DNI es 12345678Z.', ['12345678Z'], R, 'Mi DNI es [GOV_ID].');
  assertRedacted('NIF: 87654321-X', ['87654321-X'], R);
  assertRedacted('con documento 12.345.678-Z y firma', ['12.345.678-Z'], R);
  assertRedacted('it is 45127893 F', ['45127893 F'], R);
  assertRedacted('dni 45127893f', ['45127893f'], R);
});

test('es-dni: wrong letters, lower-case spaced letters, references and glued tokens stay', () => {
  assertKept('DNI 12345678A', R);
  assertKept('costs 12345678 a year', R);
  assertKept('SKU 12345678Z', R);
  assertKept('pedido 12345678Z', R);
  assertKept('AB12345678Z', R);
  assertKept('12345678ZX', R);
});

test('es-dni: 1 in 23 random "8 digits + letter" tokens pass (23,000 measured)', () => {
  const rand = prng(23);
  let hits = 0;
  const n = 23_000;
  const letters = 'ABCDEFGHJKLMNPQRSTVWXYZ';
  for (let i = 0; i < n; i++) {
    const token = randomDigits(rand, 8) + letters[Math.floor(rand() * letters.length)];
    if (redact(`see ${token} here`, R).text.includes('[GOV_ID]')) hits++;
  }
  console.log(`es-dni: random 8-digit+letter tokens redacted ${hits}/${n}`);
  assert.ok(hits > n / 30 && hits < n / 18, `hits ${hits}`);
});
