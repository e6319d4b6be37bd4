import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertKept, assertRedacted } from '../../helpers/redaction-asserts';

test('SSN: dashed and spaced forms', () => {
  const text = assertRedacted(
    'My SSN is 123-45-6789, my wife\'s is 078 05 1120.',
    ['123-45-6789', '078 05 1120'],
    { SSN: 2 },
  );
  assert.equal(text, "My SSN is [SSN], my wife's is [SSN].");
});
test('SSN: invalid area/group/serial and SSN-like references stay', () => {
  assertKept('Bad SSNs: 000-12-3456, 666-12-3456, 912-34-5678, 123-00-4567, 123-45-0000.');
  assertKept('Invoices INV-123-45-678 and INV-123-45-6789, ref 123-45-67890, part 12-345-6789.');
});
