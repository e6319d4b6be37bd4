import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertKept, assertRedacted } from '../../helpers/redaction-asserts';

test('IBAN: grouped, compact, with letters in the BBAN', () => {
  const text = assertRedacted(
    'Pay to DE89 3704 0044 0532 0130 00 or GB82WEST12345698765432 or FR14 2004 1010 0505 0001 3M02 606 please.',
    ['DE89', '3704', 'GB82WEST12345698765432', 'FR14', '3M02'],
    { IBAN: 3 },
  );
  assert.equal(text, 'Pay to [IBAN] or [IBAN] or [IBAN] please.');
});
test('IBAN: a following short all-caps word is not swallowed', () => {
  const text = assertRedacted('IBAN BE68 5390 0754 7034 EUR only', ['5390'], { IBAN: 1 });
  assert.equal(text, 'IBAN [IBAN] EUR only');
});
test('IBAN: wrong check digits, wrong length or unknown country stay', () => {
  assertKept('Typo: DE89 3704 0044 0532 0130 01 and GB82WEST12345698765433.');
  assertKept('Codes DE89 3704 0044 0532 0130 and ZZ12 3456 7890 1234 56 and SKU AB12CD34EF56GH78.');
});
