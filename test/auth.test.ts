import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKey, LOG_MUTATION, logInput, startTestServer, TestServer } from './helpers/test-server';

describe('API keys and scopes', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  const READ = `{ logEntries(first: 1) { edges { cursor } } }`;

  test('no key, malformed header or unknown key → UNAUTHENTICATED', async () => {
    const none = await server.gql(READ, {}, null);
    assert.equal(none.errors![0].extensions?.code, 'UNAUTHENTICATED');
    assert.match(none.errors![0].message, /Authorization: Bearer/);
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic abc' },
      body: JSON.stringify({ query: READ }),
    });
    assert.equal(((await res.json()) as any).errors[0].extensions.code, 'UNAUTHENTICATED');
    const bad = await server.gql(READ, {}, 'fw_not_a_real_key_123456789');
    assert.equal(bad.errors![0].extensions?.code, 'UNAUTHENTICATED');
    assert.equal(bad.data?.logEntries ?? null, null);
  });

  test('each scope opens only its operations; admin opens all', async () => {
    const ingest = await createKey(server, ['ingest']);
    const read = await createKey(server, ['read']);
    const feedback = await createKey(server, ['feedback']);

    const logged = await server.gql(LOG_MUTATION, { input: logInput() }, ingest);
    assert.equal(logged.errors, undefined);
    const ingestReads = await server.gql(READ, {}, ingest);
    assert.equal(ingestReads.errors![0].extensions?.code, 'FORBIDDEN');
    assert.match(ingestReads.errors![0].message, /needs one of: read/);

    assert.equal((await server.gql(READ, {}, read)).errors, undefined);
    assert.equal((await server.gql(LOG_MUTATION, { input: logInput() }, read)).errors![0].extensions?.code, 'FORBIDDEN');

    // A browser feedback key can neither log, read nor manage keys.
    assert.equal((await server.gql(LOG_MUTATION, { input: logInput() }, feedback)).errors![0].extensions?.code, 'FORBIDDEN');
    assert.equal((await server.gql(READ, {}, feedback)).errors![0].extensions?.code, 'FORBIDDEN');
    assert.equal((await server.gql(`{ apiKeys { id } }`, {}, feedback)).errors![0].extensions?.code, 'FORBIDDEN');

    assert.equal((await server.gql(`mutation { createApiKey(input: {name: "x", scopes: [read]}) { secret } }`, {}, ingest)).errors![0].extensions?.code, 'FORBIDDEN');
    assert.equal((await server.gql(READ)).errors, undefined, 'admin can read');
  });

  test('keys are stored hashed, shown once, and revocation takes effect', async () => {
    const created = await server.gql(`mutation { createApiKey(input: {name: "ci", scopes: [read, ingest]}) { secret apiKey { id name keyPrefix scopes revokedAt } } }`);
    const { secret, apiKey } = created.data.createApiKey;
    assert.match(secret, /^fw_/);
    assert.deepEqual(apiKey.scopes, ['read', 'ingest']);
    assert.ok(secret.startsWith(apiKey.keyPrefix));
    const stored = JSON.stringify(await server.sql('SELECT * FROM api_key'));
    assert.ok(!stored.includes(secret), 'the secret is not stored');
    const viewer = await server.gql(`{ viewer { name scopes } }`, {}, secret);
    assert.deepEqual(viewer.data.viewer, { name: 'ci', scopes: ['read', 'ingest'] });

    const revoked = await server.gql(`mutation($id: ID!) { revokeApiKey(id: $id) { revokedAt } }`, { id: apiKey.id });
    assert.ok(revoked.data.revokeApiKey.revokedAt);
    assert.equal((await server.gql(READ, {}, secret)).errors![0].extensions?.code, 'UNAUTHENTICATED');
    const listed = await server.gql(`{ apiKeys { id revokedAt } }`);
    assert.ok(listed.data.apiKeys.find((k: any) => k.id === apiKey.id).revokedAt);
  });

  test('bad key input is refused with a message', async () => {
    const r = await server.gql(`mutation { createApiKey(input: {name: "  ", scopes: []}) { secret } }`);
    assert.equal(r.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(r.errors![0].message, /name: must be 1–100 characters; scopes: give at least one/);
    const r2 = await server.gql(`mutation { revokeApiKey(id: "00000000-0000-0000-0000-000000000000") { id } }`);
    assert.equal(r2.errors![0].extensions?.code, 'NOT_FOUND');
  });
});
