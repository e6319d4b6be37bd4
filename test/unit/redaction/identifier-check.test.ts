import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { identifierPiiProblem } from '../../../src/services/redaction/identifier-check';

/**
 * A refused requestId is a lost row for the endpoint that sent it, so the identifier check must never fire
 * on the ids real clients generate. These are the common generators, many times each.
 */
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const ulid = () => Array.from({ length: 26 }, (_, i) => CROCKFORD[i === 0 ? crypto.randomInt(8) : crypto.randomInt(32)]).join('');
const nanoid = () => crypto.randomBytes(16).toString('base64url').slice(0, 21);
const GENERATORS: [string, () => string][] = [
  ['uuid v4', () => crypto.randomUUID()],
  ['uuid without dashes', () => crypto.randomUUID().replace(/-/g, '')],
  ['ulid', ulid],
  ['nanoid', nanoid],
  ['hex trace id', () => crypto.randomBytes(16).toString('hex')],
  ['prefixed counter', () => `req-${crypto.randomInt(1, 2 ** 47)}`],
  ['bare counter', () => String(crypto.randomInt(1, 2 ** 47))],
  ['epoch ms + seq', () => `${Date.now() - crypto.randomInt(0, 1e10)}-${crypto.randomInt(0, 1000)}`],
  ['iso time + suffix', () => `${new Date(Date.now() - crypto.randomInt(0, 1e11)).toISOString()}-${nanoid().slice(0, 6)}`],
  ['openai style', () => `chatcmpl-${crypto.randomBytes(15).toString('base64url')}`],
];

test('identifiers that client libraries generate are never refused (2,000 of each kind)', () => {
  for (const [kind, make] of GENERATORS) {
    for (let i = 0; i < 2000; i++) {
      const id = make();
      const p = identifierPiiProblem('requestId', id);
      assert.equal(p, null, `${kind} ${id} refused as ${p?.piiTypes}`);
    }
  }
});

test('model version names in common use are accepted', () => {
  for (const v of [
    'support-bot-v6', 'gpt-4o-2024-08-06', 'gpt-4o-mini-2024-07-18', 'claude-3-5-sonnet-20241022', 'llama-3.1-8b-instruct',
    'mistral-large-2411', 'qwen2.5-72b-instruct', 'ft:gpt-4o-mini:acme:support:9ZxY1234', 'v1.2.3', 'v2024.04.12', '2024-04-12',
    'rc-20240412.1', 'bert-base-uncased@sha256:4f3a9b2c1d', 'model_42', 'ranker-v3.14.159', 'sentiment-de-2023.11',
  ]) {
    const p = identifierPiiProblem('modelVersion', v);
    assert.equal(p, null, `${v} refused as ${p?.piiTypes}`);
  }
});

test('identifiers holding an email, a phone number, a card or an SSN are refused without echoing the value', () => {
  const cases: [string, string][] = [
    ['user-jane.doe@example.com', 'EMAIL'],
    ['cb-+14155552671', 'PHONE'],
    ['card:4111111111111111', 'CREDIT_CARD'],
    ['ssn:123-45-6789', 'SSN'],
  ];
  for (const [value, type] of cases) {
    const p = identifierPiiProblem('requestId', value);
    assert.ok(p, `${value} accepted`);
    assert.deepEqual(p.piiTypes, [type]);
    assert.ok(!p.message.includes(value));
  }
  assert.equal(identifierPiiProblem('requestId', null), null);
  // Digits only is a counter, even when it happens to pass a card checksum.
  assert.equal(identifierPiiProblem('requestId', '36103125902197'), null);
});
