import { test } from 'node:test';
import { idDocumentRecognizer } from '../../../src/services/redaction/recognizers/id-document.recognizer';
import { assertKept, assertRedacted } from './gov-id-kit';

const R = [idDocumentRecognizer];

test('id-document: passport numbers after an introducing word, in several languages', () => {
  assertRedacted('My passport number is X1234567.', ['X1234567'], R, 'My passport number is [GOV_ID].');
  assertRedacted('Passport No.: 533380006', ['533380006'], R);
  assertRedacted('passport 123456789, issued in Ottawa', ['123456789'], R);
  assertRedacted('Reisepass-Nr. C01X00T47', ['C01X00T47'], R);
  assertRedacted('Pass-Nr.: C8HJ2K4V1', ['C8HJ2K4V1'], R);
  assertRedacted('meine Passnummer ist C01X00T47', ['C01X00T47'], R);
  assertRedacted('numéro de passeport : 12AB34567', ['12AB34567'], R);
  assertRedacted('mi pasaporte es PAA123456', ['PAA123456'], R);
  assertRedacted('il passaporto YA1234567 è scaduto', ['YA1234567'], R);
  assertRedacted('paspoortnummer NP1234567', ['NP1234567'], R);
});

test('id-document: driving licences and identity cards', () => {
  assertRedacted("driver's license: D123-4567-8901", ['D123-4567-8901'], R);
  assertRedacted('Driving licence MORGA753116SM9IJ', ['MORGA753116SM9IJ'], R);
  assertRedacted('DL# D1234567', ['D1234567'], R);
  assertRedacted('DL 123456789 (Ontario)', ['123456789'], R);
  assertRedacted('DL: 1234 5678 9012', ['1234 5678 9012'], R);
  assertRedacted('ID-Nr. T220001293', ['T220001293'], R);
  assertRedacted('Führerschein-Nr. B072RRE2I55', ['B072RRE2I55'], R);
  assertRedacted('Personalausweis L01X00T47', ['L01X00T47'], R);
  assertRedacted('permis de conduire n° 123456789012', ['123456789012'], R);
  assertRedacted("carte d'identité 880692310285", ['880692310285'], R);
  assertRedacted('permiso de conducir: 12345678Z', ['12345678Z'], R);
  assertRedacted('patente di guida U1X123456Y', ['U1X123456Y'], R);
  assertRedacted("carta d'identità CA00000AA", ['CA00000AA'], R);
  assertRedacted('rijbewijs 5123456789', ['5123456789'], R);
  assertRedacted('identiteitskaart IR1234567', ['IR1234567'], R);
  assertRedacted('ID number: T22000129', ['T22000129'], R);
  assertRedacted('my ID card is AB1234567', ['AB1234567'], R);
});

test('id-document: numbers without an introducing word, or after a non-document word, stay', () => {
  assertKept('Order X1234567 shipped', R);
  assertKept('The RTX 4090 and GPT-4 launched', R);
  assertKept('SKU AB123456C', R);
  assertKept('order ID number 12345678', R);
  assertKept('user ID card AB1234567', R);
  assertKept('license key ABCD1234EFGH', R);
  assertKept('license plate AB123CD', R);
  assertKept('MIT license 20240101', R);
  assertKept('Apache License 2.0', R);
  assertKept('passport expires 2030-05-12', R);
  assertKept('passport photo 35x45mm', R);
  assertKept('passport fees rose to 120 EUR', R);
  assertKept('passport. Then ticket AB123456 arrived', R);
  assertKept('passport! X1234567', R);
  assertKept('passport and then after quite some time and many words X1234567', R);
  assertKept('dl 12345678', R);
  assertKept('pass 12345678 to the next step', R);
  assertKept('passport 12345', R); // too short
  assertKept('passport 1234567890123', R); // too long for a passport
});
