import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PII_TYPES,
  mergeCounts,
  redactJson,
  redactText,
  type PiiType,
  type RedactionCounts,
} from '../../src/services/redaction/redactor';

/** Asserts each raw value is gone, each placeholder is present, and the per-type counts are exact. */
function assertRedacted(input: string, raw: string[], counts: RedactionCounts): string {
  const r = redactText(input);
  for (const value of raw) {
    assert.ok(!r.text.includes(value), `raw value ${JSON.stringify(value)} survived in ${JSON.stringify(r.text)}`);
  }
  for (const type of Object.keys(counts) as PiiType[]) {
    assert.ok(r.text.includes(`[${type}]`), `placeholder [${type}] missing in ${JSON.stringify(r.text)}`);
  }
  assert.deepEqual(r.counts, counts, `counts for ${JSON.stringify(input)} -> ${JSON.stringify(r.text)}`);
  const sum = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  assert.equal(r.total, sum);
  return r.text;
}

function assertKept(input: string): void {
  const r = redactText(input);
  assert.equal(r.text, input, `false positive: ${JSON.stringify(input)} -> ${JSON.stringify(r.text)}`);
  assert.equal(r.total, 0);
  assert.deepEqual(r.counts, {});
}

// ------------------------------------------------------------------------------------------------- emails

test('emails: plain, plus tags, subdomains, upper case, quotes and angle brackets', () => {
  const text = assertRedacted(
    'Hi, I am jane@example.com (work: John.Doe+billing@mail.eu.example.co.uk). ' +
      'Reply to "support@acme.io" or <JANE.DOE@EXAMPLE.COM>, thanks!',
    ['jane@example.com', 'John.Doe+billing@mail.eu.example.co.uk', 'support@acme.io', 'JANE.DOE@EXAMPLE.COM'],
    { EMAIL: 4 },
  );
  assert.equal(text, 'Hi, I am [EMAIL] (work: [EMAIL]). Reply to "[EMAIL]" or <[EMAIL]>, thanks!');
});

test('emails inside URLs, including a percent-encoded @', () => {
  const text = assertRedacted(
    'Links: mailto:a.b@x.org, https://x.com/?email=jane.doe%40example.com&ref=1 and https://x.com/u?e=jane@example.com',
    ['a.b@x.org', 'jane.doe%40example.com', 'jane@example.com', 'jane.doe'],
    { EMAIL: 3 },
  );
  assert.equal(
    text,
    'Links: mailto:[EMAIL], https://x.com/?email=[EMAIL]&ref=1 and https://x.com/u?e=[EMAIL]',
  );
});

test('emails: git@github.com is email-shaped and redacted; host-only and package specs are not', () => {
  assertRedacted('git clone git@github.com:acme/api.git', ['git@github.com'], { EMAIL: 1 });
  assertKept('ssh deploy@buildhost then npm i lodash@4.17.21 @types/node@20.19.2 and docker pull img@sha256:ab12');
  assertKept('Use @app.route("/") and the retina asset icon@2x.png / logo@3x.svg');
});

// ------------------------------------------------------------------------------------------------- phones

test('phones: US / NANP forms', () => {
  const text = assertRedacted(
    'Call me at (415) 555-2671 or 415-555-2671, fax 415.555.2671, mobile +1 415 555 2671, toll-free 1-800-555-0199.',
    ['555-2671', '415.555.2671', '415 555 2671', '800-555-0199'],
    { PHONE: 5 },
  );
  assert.equal(text, 'Call me at [PHONE] or [PHONE], fax [PHONE], mobile [PHONE], toll-free [PHONE].');
});

test('phones: international forms with +', () => {
  const numbers = [
    '+44 20 7946 0958',
    '+91 98765 43210',
    '+49 30 901820',
    '+33 1 42 68 53 00',
    '+81 3-1234-5678',
    '+44 (0)20 7946 0958',
    '+14155552671',
    '+1 (415) 555-2671',
  ];
  const text = assertRedacted(`Contacts: ${numbers.join('; ')}.`, numbers, { PHONE: numbers.length });
  assert.equal(text, `Contacts: ${numbers.map(() => '[PHONE]').join('; ')}.`);
});

test('phones: a "+" with too few digits, bare 10-digit runs and non-dialable NANP shapes stay', () => {
  assertKept('Score went +12.5 points, then +300 more; see PR +1234.');
  assertKept('const ts = 1234567890; // bare 10 digits are not a phone');
  assertKept('Placeholder number 123-456-7890 in the docs (area code cannot start with 1).');
});

test('phones: an extension suffix is kept but the number is redacted', () => {
  const text = assertRedacted('Desk: 415-555-2671x204', ['555-2671'], { PHONE: 1 });
  assert.equal(text, 'Desk: [PHONE]x204');
});

// ------------------------------------------------------------------------------------------------- SSN

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

// ------------------------------------------------------------------------------------------------- cards

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

// ------------------------------------------------------------------------------------------------- IPs

test('IPv4 addresses', () => {
  const text = assertRedacted(
    'Server 192.168.1.20 cannot reach 8.8.8.8:53; curl http://10.0.0.1:8080/health failed. Ranges 255.255.255.0.',
    ['192.168.1.20', '8.8.8.8', '10.0.0.1', '255.255.255.0'],
    { IP: 4 },
  );
  assert.equal(
    text,
    'Server [IP] cannot reach [IP]:53; curl http://[IP]:8080/health failed. Ranges [IP].',
  );
});

test('IPv6 addresses: full and compressed; ::1 is deliberately kept', () => {
  const text = assertRedacted(
    'Addrs 2001:0db8:85a3:0000:0000:8a2e:0370:7334, 2001:db8::1, [fe80::1ff:fe23:4567:890a]:443 and ::1.',
    ['2001:0db8', '2001:db8::1', 'fe80::1ff'],
    { IP: 3 },
  );
  assert.equal(text, 'Addrs [IP], [IP], [[IP]]:443 and ::1.');
});

test('IPv4: versions are not IPs; a bare dotted quad is', () => {
  assertKept('Upgraded to v1.2.3.4, then version 1.2.3.4, Version: 10.0.0.1 and build 2.0.0.1.');
  assertKept('"version": "4.0.0.0" and Mozilla/5.0 Chrome/120.0.0.0 Safari/537.36');
  assertKept('See section 1.2.3.4 of the spec and §2.1.1.3.');
  assertKept('1.2.3.4.5 is an OID-ish string and 256.1.1.1 is not an address');
  assertRedacted('Blocked 1.2.3.4 at the firewall', ['1.2.3.4'], { IP: 1 });
});

// ------------------------------------------------------------------------------------------------- IBAN

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

// ------------------------------------------------------------------------------------------------- extras

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

test('PEM private keys are redacted as API_SECRET, even when truncated', () => {
  const pem =
    '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq98Ls2tHn0A1fC9+zq\nq3Yx/0aBcD12\n-----END RSA PRIVATE KEY-----';
  const text = assertRedacted(`Why does ssh reject this?\n${pem}\nthanks`, ['MIIEow', 'q3Yx'], { API_SECRET: 1 });
  assert.equal(text, 'Why does ssh reject this?\n[API_SECRET]\nthanks');
  assertRedacted('-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC', ['MIIEvQ'], { API_SECRET: 1 });
});

test('secret-looking words that are not secrets stay', () => {
  assertKept('Use sk-learn-compatible-estimator-wrapper for the task-based pipeline; ghp_short is fine.');
});

// ------------------------------------------------------------------------------------------------- realistic mixes

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

// ------------------------------------------------------------------------------------------------- must stay

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

test('random 16-digit numbers that fail Luhn stay', () => {
  for (const n of ['4111111111111112', '5555555555554445', '6011111111111118', '4000 0000 0000 0001']) {
    assertKept(`reference ${n} in the export`);
  }
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

// ------------------------------------------------------------------------------------------------- JSON

test('redactJson walks nested objects and arrays, keeps keys and non-strings, does not mutate input', () => {
  const input = {
    user: { email: 'a@b.com', tags: ['call +44 20 7946 0958', 'vip'] },
    n: 5,
    ok: true,
    none: null,
    'contact@keys.example': 'key stays, value ip 8.8.8.8',
  };
  const snapshot = JSON.parse(JSON.stringify(input));
  const counts: RedactionCounts = { EMAIL: 2 };
  const out = redactJson(input, counts);
  assert.deepEqual(out, {
    user: { email: '[EMAIL]', tags: ['call [PHONE]', 'vip'] },
    n: 5,
    ok: true,
    none: null,
    'contact@keys.example': 'key stays, value ip [IP]',
  });
  assert.deepEqual(counts, { EMAIL: 3, PHONE: 1, IP: 1 });
  assert.deepEqual(input, snapshot);
  assert.notEqual(out, input);
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

// ------------------------------------------------------------------------------------------------- misc API

test('mergeCounts adds per type and returns the target', () => {
  const into: RedactionCounts = { EMAIL: 1 };
  const result = mergeCounts(into, { EMAIL: 2, IP: 1 });
  assert.equal(result, into);
  assert.deepEqual(into, { EMAIL: 3, IP: 1 });
});

test('PII_TYPES lists every placeholder type once', () => {
  assert.deepEqual(
    [...PII_TYPES].sort(),
    ['API_SECRET', 'CREDIT_CARD', 'EMAIL', 'IBAN', 'IP', 'JWT', 'MAC_ADDRESS', 'PHONE', 'SSN'],
  );
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

test('a phone run followed by a card number: both are redacted, nothing leaks', () => {
  const text = assertRedacted(
    'Reach me on +44 20 7946 0958 4111 1111 1111 1111 thanks',
    ['7946', '4111'],
    { PHONE: 1, CREDIT_CARD: 1 },
  );
  assert.equal(text, 'Reach me on [PHONE] [CREDIT_CARD] thanks');
});
