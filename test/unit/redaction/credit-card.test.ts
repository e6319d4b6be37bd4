import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertKept, assertRedacted } from '../../helpers/redaction-asserts';

test('credit cards: spaced, dashed, contiguous and Amex, Luhn-valid only', () => {
  const text = assertRedacted(
    'Charge 4111 1111 1111 1111 or 4111-1111-1111-1111 or 4111111111111111; amex 3782 822463 10005. ' +
      'MC 5555555555554444, Discover 6011111111111117.',
    ['4111', '3782', '822463', '5555555555554444', '6011111111111117'],
    { CREDIT_CARD: 6 },
  );
  assert.equal(
    text,
    'Charge [CREDIT_CARD] or [CREDIT_CARD] or [CREDIT_CARD]; amex [CREDIT_CARD]. ' +
      'MC [CREDIT_CARD], Discover [CREDIT_CARD].',
  );
});
test('credit cards: a CVV after the card is not glued into the number', () => {
  const text = assertRedacted('card 4111 1111 1111 1111 123 exp 12/27', ['4111'], { CREDIT_CARD: 1 });
  assert.equal(text, 'card [CREDIT_CARD] 123 exp 12/27');
});
test('credit cards: CSV rows are still caught', () => {
  assertRedacted('id,card\n1,4111111111111111\n2,5555555555554444\n', ['4111111111111111', '5555555555554444'], {
    CREDIT_CARD: 2,
  });
});
test('credit cards: Luhn-invalid and implausible numbers stay', () => {
  assertKept('Card 4111 1111 1111 1112 was declined, try 4111111111111112 again.');
  assertKept('Tracking 1234567812345670 (Luhn-valid but no network starts with 1), ts 1710498600000.');
  assertKept('Price 1234567890123.45 and pi 3.14159265358979323846');
});
test('random 16-digit numbers that fail Luhn stay', () => {
  for (const n of ['4111111111111112', '5555555555554445', '6011111111111118', '4000 0000 0000 0001']) {
    assertKept(`reference ${n} in the export`);
  }
});

test('credit cards: a card glued after another digit group is found as the run\'s tail (a tier-1 miss)', () => {
  const text = assertRedacted('ref 1234 4111 1111 1111 1111 done', ['4111 1111'], { CREDIT_CARD: 1 });
  assert.equal(text, 'ref 1234 [CREDIT_CARD] done');
  // Two cards typed one after the other in one spaced run: both.
  assertRedacted('cards 4111 1111 1111 1111 5555 5555 5555 4444', ['4111', '5555'], { CREDIT_CARD: 2 });
  // Tail card followed by a CVV.
  assertRedacted('tel 020 7946 0958 4111 1111 1111 1111 123', ['4111'], { CREDIT_CARD: 1, PHONE: 1 });
});

test('credit cards: dashed and Amex 4-6-5 forms, 19-digit Visa', () => {
  assertRedacted('amex 3782-822463-10005 and visa 4111111111111111110', ['822463', '4111111111111111110'], {
    CREDIT_CARD: 2,
  });
});
