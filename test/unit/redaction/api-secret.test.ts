import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertKept, assertRedacted } from '../../helpers/redaction-asserts';

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

test('vendor API keys: AWS, GitHub, Slack, Stripe, Google, OpenAI-style', () => {
  const keys = [
    'AKIAIOSFODNN7EXAMPLE',
    'ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8',
    'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
    'xoxb-123456789012-abcdefABCDEF',
    'sk_live_abcdefghij1234567890',
    'AIzaSyA1234567890abcdefghijklmnopqrstuv',
    'sk-proj-Ab3dEfGh1jKlMnOpQrStUvWx',
  ];
  const text = assertRedacted(keys.join('\n'), keys, { API_SECRET: keys.length });
  assert.equal(text, keys.map(() => '[API_SECRET]').join('\n'));
});

test('PEM: two blocks in one text are two findings; the text between them stays', () => {
  const block = (body: string): string =>
    `-----BEGIN EC PRIVATE KEY-----\n${body}\n-----END EC PRIVATE KEY-----`;
  const text = assertRedacted(
    `first ${block('MHcCAQEEIAbc')} middle text ${block('MHcCAQEEIXyz')} last`,
    ['MHcCAQEEIAbc', 'MHcCAQEEIXyz'],
    { API_SECRET: 2 },
  );
  assert.equal(text, 'first [API_SECRET] middle text [API_SECRET] last');
});

test('PEM: repeated headers without an END line each become a finding, in linear time', () => {
  const header = '-----BEGIN PRIVATE KEY-----';
  const r = assertRedacted(`${header}${header}\nMIIEvQ ${header}`, ['PRIVATE KEY', 'MIIEvQ'], { API_SECRET: 3 });
  assert.equal(r, '[API_SECRET][API_SECRET] [API_SECRET]');
});

test('PEM: an END line more than 20,000 characters away does not swallow the text in between', () => {
  const text = `-----BEGIN PRIVATE KEY-----\nMIIEvQ\nnormal text ${'x '.repeat(11_000)}-----END PRIVATE KEY-----`;
  const out = assertRedacted(text, ['MIIEvQ'], { API_SECRET: 1 });
  // As in tier 1, the truncated block is the header plus its base64-looking body (up to the first space).
  assert.ok(out.startsWith('[API_SECRET] text x x'), out.slice(0, 40));
  assert.ok(out.endsWith('x -----END PRIVATE KEY-----'));
});
