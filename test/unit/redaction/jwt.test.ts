import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertKept, assertRedacted } from '../../helpers/redaction-asserts';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ' +
  '.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';

test('JWT: a bearer token is one [JWT], digits inside it are not phones or cards', () => {
  const text = assertRedacted(`Authorization: Bearer ${JWT}\nok`, [JWT.slice(0, 30), 'SflKx'], { JWT: 1 });
  assert.equal(text, 'Authorization: Bearer [JWT]\nok');
});

test('JWT: unsigned (alg none) tokens have an empty signature', () => {
  const unsigned = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhYmMxMjMifQ.';
  assert.equal(assertRedacted(`token=${unsigned} end`, ['eyJhbGci'], { JWT: 1 }), 'token=[JWT] end');
});

test('JWT: a lone eyJ segment or a token glued to a word stays', () => {
  assertKept('header eyJhbGciOiJIUzI1NiJ9 alone, and xeyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhYmMxMjMifQ.sig');
});
