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

// ------------------------------------------------------------------ nine digits without separators (compact)

test('SSN: nine digits without separators count when an SSN word introduces them', () => {
  const cases: Array<[string, string]> = [
    ['my social is 123456789 if you need it', 'my social is [SSN] if you need it'],
    ['SSN 078051120', 'SSN [SSN]'],
    ['SSN: 123456789', 'SSN: [SSN]'],
    ['ssn#123456789', 'ssn#[SSN]'],
    ['SSN\\#123456789', 'SSN\\#[SSN]'], // markdown-escaped '#'
    ['SS# 123456789', 'SS# [SSN]'],
    ['my SSN number is 123456789.', 'my SSN number is [SSN].'],
    ['Social Security Number: 123456789', 'Social Security Number: [SSN]'],
    ['social security no. 123456789', 'social security no. [SSN]'],
    ['soc. sec. 123456789', 'soc. sec. [SSN]'],
    ['mi número de seguro social es 123456789', 'mi número de seguro social es [SSN]'],
    ['Número de Seguro Social: 123456789', 'Número de Seguro Social: [SSN]'],
  ];
  for (const [input, expected] of cases) {
    assert.equal(assertRedacted(input, ['123456789', '078051120'], { SSN: 1 }), expected);
  }
});

test('SSN: compact nine digits without an SSN word, or breaking the issuing rules, stay', () => {
  // Order, tracking and row numbers are nine-digit runs far more often than SSNs.
  assertKept('Order 123456789 shipped; tracking 123456789; row 123456789 of the export');
  assertKept('123456789 is the case number');
  // A word that is not the SSN word, or an SSN word too far before the number.
  assertKept('social media followers 123456789');
  assertKept('SSN was checked on Monday; parcel 123456789 arrived today');
  // Issuing rules: area 000/666/9xx, group 00, serial 0000.
  assertKept('SSN 000123456, SSN 666123456, SSN 123004567, SSN 123450000');
  // Not exactly nine digits standing alone.
  assertKept('SSN 12345678, SSN 1234567890, SSN 123456789012, SSN 123.456789, SSN 1,23456789');
  assertKept('SSN ABC123456789 and SSN 123456789X1 and SSN 123456789-01');
});

test('SSN: compact and dashed forms in one message are both found; a bare run next to them stays', () => {
  const text = assertRedacted('SSN 123-45-6789 (old), new SSN: 234567890, order 345678901', ['123-45-6789', '234567890'], {
    SSN: 2,
  });
  assert.equal(text, 'SSN [SSN] (old), new SSN: [SSN], order 345678901');
});
