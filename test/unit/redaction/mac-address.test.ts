import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertKept, assertRedacted } from '../../helpers/redaction-asserts';

test('MAC addresses with colons or dashes, any case', () => {
  const text = assertRedacted(
    'eth0 ether 00:1A:2B:3C:4D:5E, wifi 00-1a-2b-3c-4d-5f, bt AA:BB:CC:DD:EE:FF.',
    ['00:1A:2B', '00-1a-2b', 'AA:BB'],
    { MAC_ADDRESS: 3 },
  );
  assert.equal(text, 'eth0 ether [MAC_ADDRESS], wifi [MAC_ADDRESS], bt [MAC_ADDRESS].');
});

test('MAC: mixed separators, 5 or 7 groups and times stay', () => {
  assertKept('00:1A-2B:3C-4D:5E and 00:1A:2B:3C:4D and 10:30:00:12:45:59:01 and 12:34:56');
});
