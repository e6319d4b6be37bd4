import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  PII_TYPES,
  configureRedaction,
  mergeCounts,
  redactJson,
  redactText,
  redactionSettings,
  type RedactionCounts,
} from '../../../src/services/redaction/redactor';
import { assertKept, assertRedacted } from '../../helpers/redaction-asserts';

test('MAC addresses, JWTs and vendor API secrets', () => {
  const jwt =
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ' +
    '.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
  const text = assertRedacted(
    `eth0 ether 00:1A:2B:3C:4D:5E, wifi 00-1a-2b-3c-4d-5f. Authorization: Bearer ${jwt}\n` +
      'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE GITHUB_TOKEN=ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8 ' +
      'OPENAI_API_KEY=sk-proj-Ab3dEfGh1jKlMnOpQrStUvWx',
    ['00:1A:2B', '00-1a-2b', jwt.slice(0, 40), 'AKIAIOSFODNN7EXAMPLE', 'ghp_a1B2', 'sk-proj-Ab3d'],
    { MAC_ADDRESS: 2, JWT: 1, API_SECRET: 3 },
  );
  assert.ok(text.startsWith('eth0 ether [MAC_ADDRESS], wifi [MAC_ADDRESS]. Authorization: Bearer [JWT]\n'));
});

test('support ticket with several PII types gets exact per-type counts', () => {
  const ticket =
    'Hello, my name is Jane. My account email is jane.doe@example.com and my phone is (415) 555-2671. ' +
    'I was charged twice on card 4111 1111 1111 1111 for order ORD-2024-001234 ($1,299.99 on 2024-03-15). ' +
    'Please refund to DE89 3704 0044 0532 0130 00. My SSN 123-45-6789 was also shown on the invoice page! ' +
    'Login came from 203.0.113.7 at 10:30:00.';
  const text = assertRedacted(
    ticket,
    ['jane.doe@example.com', '555-2671', '4111 1111', 'DE89', '123-45-6789', '203.0.113.7'],
    { EMAIL: 1, PHONE: 1, CREDIT_CARD: 1, IBAN: 1, SSN: 1, IP: 1 },
  );
  assert.ok(text.includes('order ORD-2024-001234 ($1,299.99 on 2024-03-15)'));
  assert.ok(text.endsWith('at 10:30:00.'));
});

test('log lines: addresses redacted, timestamps, ids and durations kept', () => {
  const log =
    '2024-03-15T10:30:00Z INFO req=550e8400-e29b-41d4-a716-446655440000 user=bob@corp.example ' +
    'ip=192.168.1.20 took=12.5ms status=200 sha=9fceb02d0ae598e95dc970b74767f19372d61af8';
  const text = assertRedacted(log, ['bob@corp.example', '192.168.1.20'], { EMAIL: 1, IP: 1 });
  assert.equal(
    text,
    '2024-03-15T10:30:00Z INFO req=550e8400-e29b-41d4-a716-446655440000 user=[EMAIL] ' +
      'ip=[IP] took=12.5ms status=200 sha=9fceb02d0ae598e95dc970b74767f19372d61af8',
  );
});

test('version numbers stay', () => {
  assertKept('We run node 20.19.2 and python3.11, semver 2.0.0-rc.4, library v1.2.3 and type-graphql 2.0.0-rc.4.');
});

test('dates and times stay', () => {
  assertKept('Due 2024-03-15, logged 2024-03-15T10:30:00Z, EU date 15/03/2024, US 03.15.2024, at 10:30:00 or 12:45.');
  assertKept('Timestamp 2024-03-15 10:30:00,123 and 10:30:00.123, ratio 16:9, range 09:00-17:30.');
});

test('order ids, references and invoice numbers stay', () => {
  assertKept('Order ORD-2024-001234, ticket #123456, order 98765432, invoice INV-123-45-678, PO 4500012345.');
  assertKept('ISBN 978-3-16-148410-0 and 9783161484100, zip 94105-1234.');
});

test('prices and amounts stay', () => {
  assertKept('It costs $1,299.99 or € 45,00 or 1 234 567.89 total, a 12.5% increase, -3.75 net.');
});

test('UUIDs, hex hashes and base64 blobs stay', () => {
  assertKept('uuid 550e8400-e29b-41d4-a716-446655440000 and 12345678-1234-1234-1234-123456789012');
  assertKept(
    'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855, git a1b2c3d and ' +
      '9fceb02d0ae598e95dc970b74767f19372d61af8',
  );
  assertKept(
    'blob pKvURIxJVi2CgRXROh/M6pJ/UrTVRZKX+LQ+QtqJI4vBNibkPcs43bCCSIkn7JBPtCBXRDmD6IWFF51QVRr+Yg== and ' +
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  );
});

test('code snippets stay', () => {
  assertKept('for (let i = 0; i < 10; i++) { total += arr[1234]; }\nconst x = 1234567890;');
  assertKept('std::vector<int> v; a::b(); Foo::Bar::baz(); xs = a[10::200]; ys = a[1::2]; let m = 0xdeadbeef;');
  assertKept('Server listening on http://localhost:8080/ and port 3000, redis://127_0_0_1:6379');
});

test('already-redacted text is a fixed point', () => {
  const once = redactText('mail jane@example.com, call +44 20 7946 0958, ip 10.1.2.3, card 4111111111111111').text;
  assertKept(once);
});

test('empty and tiny strings', () => {
  assertKept('');
  assertKept('a@b');
  assertKept('12:45');
});

test('redactJson walks nested objects and arrays, redacts keys too, keeps non-PII non-strings, does not mutate input', () => {
  // Changed on purpose (issue 13 point 7): keys were kept verbatim before; an email in a key is now redacted.
  const input = {
    user: { email: 'a@b.com', tags: ['call +44 20 7946 0958', 'vip'] },
    n: 5,
    ok: true,
    none: null,
    'contact@keys.example': 'key redacted too, value ip 8.8.8.8',
  };
  const snapshot = JSON.parse(JSON.stringify(input));
  const counts: RedactionCounts = { EMAIL: 2 };
  const out = redactJson(input, counts);
  assert.deepEqual(out, {
    user: { email: '[EMAIL]', tags: ['call [PHONE]', 'vip'] },
    n: 5,
    ok: true,
    none: null,
    '[EMAIL]': 'key redacted too, value ip [IP]',
  });
  assert.deepEqual(counts, { EMAIL: 4, PHONE: 1, IP: 1 });
  assert.deepEqual(input, snapshot);
  assert.notEqual(out, input);
});

test('redactJson: PII in keys and in numbers is redacted and counted (the issue 13 example)', () => {
  const counts: RedactionCounts = {};
  const out = redactJson(JSON.parse('{"bob@example.com": "note", "ssn 123-45-6789": 1}'), counts);
  assert.deepEqual(out, { '[EMAIL]': 'note', 'ssn [SSN]': 1 });
  assert.deepEqual(counts, { EMAIL: 1, SSN: 1 });
  const stored = JSON.stringify(out);
  assert.ok(!stored.includes('bob@') && !stored.includes('6789'), stored);
});

test('redactJson: a number that holds PII becomes the redacted string; other numbers stay numbers', () => {
  const counts: RedactionCounts = {};
  const out = redactJson(
    { card: 4111111111111111, list: [5555555555554444, 42, 3.14159, 1710498600000], price: 1299.99, flag: false },
    counts,
  );
  assert.deepEqual(out, {
    card: '[CREDIT_CARD]',
    list: ['[CREDIT_CARD]', 42, 3.14159, 1710498600000],
    price: 1299.99,
    flag: false,
  });
  assert.deepEqual(counts, { CREDIT_CARD: 2 });
});

test('redactJson: keys that redact to the same string keep every value (#2, #3 suffixes)', () => {
  const counts: RedactionCounts = {};
  const out = redactJson({ 'a@example.com': 1, 'b@example.com': 2, '[EMAIL]': 3, 'c@example.com': { x: 'y' } }, counts);
  assert.deepEqual(out, { '[EMAIL]': 1, '[EMAIL]#2': 2, '[EMAIL]#3': 3, '[EMAIL]#4': { x: 'y' } });
  assert.deepEqual(counts, { EMAIL: 3 });
  // Every accepted value survives.
  assert.deepEqual(Object.values(out as object).length, 4);
});

test('redactJson handles scalars and a JSON "__proto__" key safely', () => {
  const counts: RedactionCounts = {};
  assert.equal(redactJson('jane@example.com', counts), '[EMAIL]');
  assert.equal(redactJson(42, counts), 42);
  assert.equal(redactJson(null, counts), null);
  const parsed = JSON.parse('{"__proto__": {"x": "a@b.com"}}');
  const out = redactJson(parsed, counts) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(out), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(out, '__proto__')?.value, { x: '[EMAIL]' });
  assert.deepEqual(counts, { EMAIL: 2 });
});

test('mergeCounts adds per type and returns the target', () => {
  const into: RedactionCounts = { EMAIL: 1 };
  const result = mergeCounts(into, { EMAIL: 2, IP: 1 });
  assert.equal(result, into);
  assert.deepEqual(into, { EMAIL: 3, IP: 1 });
});

test('PII_TYPES lists every placeholder type once', () => {
  // Changed on purpose: the second tier adds GOV_ID, ADDRESS, DOB and PERSON.
  assert.deepEqual(
    [...PII_TYPES].sort(),
    ['ADDRESS', 'API_SECRET', 'CREDIT_CARD', 'DOB', 'EMAIL', 'GOV_ID', 'IBAN', 'IP', 'JWT', 'MAC_ADDRESS', 'PERSON', 'PHONE', 'SSN'],
  );
});

test('configureRedaction: a disabled class is left in the text and not counted; defaults come back', () => {
  const text = 'mail jane@example.com or call 020 7946 0958';
  assert.equal(redactText(text).text, 'mail [EMAIL] or call [PHONE]');
  try {
    configureRedaction({ disabled: ['EMAIL'] });
    assert.deepEqual([...redactionSettings().disabled], ['EMAIL']);
    const r = redactText(text);
    assert.equal(r.text, 'mail jane@example.com or call [PHONE]');
    assert.deepEqual(r.counts, { PHONE: 1 });
    // National phone formats follow the region list: with only FR, a UK national number is not recognised.
    configureRedaction({ phoneRegions: ['fr'] });
    assert.deepEqual(redactionSettings().phoneRegions, ['FR']);
    assert.equal(redactText(text).text, 'mail [EMAIL] or call 020 7946 0958');
    assert.equal(redactText('appelez le 06 12 34 56 78').text, 'appelez le [PHONE]');
  } finally {
    configureRedaction({});
  }
  assert.equal(redactionSettings().disabled.size, 0);
  assert.ok(redactionSettings().phoneRegions.length >= 20);
  assert.equal(redactText(text).text, 'mail [EMAIL] or call [PHONE]');
});

test('configureRedaction refuses unknown classes and regions', () => {
  assert.throws(() => configureRedaction({ disabled: ['NAME' as never] }), /unknown PII type/);
  assert.throws(() => configureRedaction({ phoneRegions: ['GB', 'XX'] }), /unknown phone region\(s\): XX/);
  assert.equal(redactionSettings().disabled.size, 0);
});

test('pathological inputs complete (guards against catastrophic backtracking)', () => {
  const n = 100_000;
  const fill = (unit: string): string => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
  const inputs = [
    fill('1'),
    fill('1.'),
    fill('1:'),
    fill('ab:'),
    fill('1::'),
    fill('12.34:56-78 9'),
    fill('1 '),
    fill('+1 '),
    fill('1-'),
    fill('(1) '),
    fill('a.') + '@',
    fill('a@b.'),
    fill('%40a'),
    fill('DE89 '),
    fill('AB12CD'),
    fill('eyJ') + '.eyJ',
    '-----BEGIN PRIVATE KEY-----' + fill('A'),
    fill('4111 '),
    fill('255.'),
    fill('415-555-'),
    fill('2001:db8:'),
    fill('1.2.3.4 ') + 'x@y.com',
  ];
  for (const input of inputs) {
    const r = redactText(input);
    assert.equal(typeof r.text, 'string');
  }
});

test('redaction is a fixed point on random mixes of PII fragments (fast-check, fixed seed)', () => {
  const pieces = [
    ...'0123456789 .-+@:()/aAeEfxX,#$\n'.split(''),
    'DE89', '4111', 'eyJ', '020 ', 'ab', 'com', 'call ', 'order ',
    '-----BEGIN PRIVATE KEY-----', '-----END PRIVATE KEY-----',
  ];
  const text = fc.array(fc.constantFrom(...pieces), { maxLength: 60 }).map((a) => a.join(''));
  fc.assert(
    fc.property(text, (s) => {
      const once = redactText(s).text;
      const twice = redactText(once);
      return twice.text === once && twice.total === 0;
    }),
    { numRuns: 3000, seed: 13 },
  );
});
