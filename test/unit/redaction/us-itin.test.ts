import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isItinShape, usItinRecognizer } from '../../../src/services/redaction/recognizers/us-itin.recognizer';
import { assertKept, assertRedacted } from './gov-id-kit';

const R = [usItinRecognizer];

test('us-itin validator: 9xx area, group 50-65, 70-88, 90-92 or 94-99', () => {
  for (const ok of ['912501234', '965651234', '900701234', '988881234', '990901234', '999921234', '912941234', '912991234']) {
    assert.ok(isItinShape(ok), ok);
  }
  for (const bad of ['912491234', '912661234', '912691234', '912891234', '912931234', '812701234', '91270123']) {
    assert.ok(!isItinShape(bad), bad);
  }
});

test('us-itin: dashed and spaced forms are redacted in prose', () => {
  assertRedacted('My ITIN is 912-70-1234.', ['912-70-1234'], R, 'My ITIN is [GOV_ID].');
  assertRedacted('filed under 987 65 4321 last year', ['987 65 4321'], R);
  assertRedacted('taxpayer id: 900-94-0000', ['900-94-0000'], R);
});

test('us-itin: a bare 9-digit run needs ITIN or taxpayer identification near it', () => {
  assertRedacted('ITIN 912701234', ['912701234'], R);
  assertRedacted('Individual Taxpayer Identification Number 987654321', ['987654321'], R);
  assertKept('tracking 912701234', R);
  assertKept('It says 987654321 on the screen.', R);
});

test('us-itin: groups out of range, SSN-shaped numbers and references stay', () => {
  assertKept('ITIN 912-93-1234', R);
  assertKept('ITIN 912-66-1234', R);
  assertKept('SSN 123-45-6789', R);
  assertKept('invoice 912-70-1234', R);
  assertKept('ORD-912-70-1234', R);
  assertKept('912-70-12345', R);
});
