import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isValidCodiceFiscale,
  itCodiceFiscaleRecognizer,
} from '../../../src/services/redaction/recognizers/it-codice-fiscale.recognizer';
import { assertKept, assertRedacted } from './gov-id-kit';

const R = [itCodiceFiscaleRecognizer];

test('it-codice-fiscale validator: shape, birth day, odd/even check letter, omocodia', () => {
  for (const ok of ['RSSMRA85T10A562S', 'BNCGLI72E45F205A', 'VRDLCU90A01H501I', 'DLLMRC88P21L219K', 'RSSMRA85T10A5M2Y']) {
    assert.ok(isValidCodiceFiscale(ok), ok);
  }
  for (const bad of [
    'RSSMRA85T10A562T', // check letter
    'RSSMRA85T35A562S', // day 35
    'RSSMRA85Z10A562S', // month letter Z
    'RSSMRA85T10A562', // 15 characters
  ]) {
    assert.ok(!isValidCodiceFiscale(bad), bad);
  }
});

test('it-codice-fiscale: redacted in prose, upper or lower case, with omocodia', () => {
  assertRedacted('Il mio codice fiscale è RSSMRA85T10A562S.', ['RSSMRA85T10A562S'], R, 'Il mio codice fiscale è [GOV_ID].');
  assertRedacted('CF: bncgli72e45f205a grazie', ['bncgli72e45f205a'], R);
  assertRedacted('VRDLCU90A01H501I and RSSMRA85T10A5M2Y', ['VRDLCU90A01H501I', 'RSSMRA85T10A5M2Y'], R);
});

test('it-codice-fiscale: wrong check letters, references and glued tokens stay', () => {
  assertKept('RSSMRA85T10A562T', R);
  assertKept('articolo RSSMRA85T10A562S', R);
  assertKept('XRSSMRA85T10A562S', R);
  assertKept('RSSMRA85T10A562S1', R);
});
