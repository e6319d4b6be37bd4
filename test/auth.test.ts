import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { GraphQLEnumType } from 'graphql';
import { buildFlywheelSchema } from '../src/app';
import { createKey, LOG_MUTATION, logInput, startTestServer, TestServer } from './helpers/test-server';

describe('API keys and scopes', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  const READ = `{ logEntries(first: 1) { edges { cursor } } }`;
  const FEEDBACK = `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { feedbackId created feedback { id targetState } logEntry { id } } }`;
  const NODE = `query($id: ID!) { node(id: $id) { id ... on LogEntry { requestId } } }`;

  /** The global id the API hands out for a log entry (read back through the API, never built by hand). */
  async function logEntryId(requestId: string): Promise<string> {
    const r = await server.gql(`query($id: String!) { logEntry(requestId: $id) { id } }`, { id: requestId });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    return r.data.logEntry.id;
  }

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

  test('each scope opens only its operations; ADMIN opens all', async () => {
    const ingest = await createKey(server, ['INGEST']);
    const read = await createKey(server, ['READ']);
    const feedback = await createKey(server, ['FEEDBACK']);
    const annotate = await createKey(server, ['ANNOTATE']);
    const modelLabel = await createKey(server, ['MODEL_LABEL']);

    const logged = await server.gql(LOG_MUTATION, { input: logInput() }, ingest);
    assert.equal(logged.errors, undefined);
    const ingestReads = await server.gql(READ, {}, ingest);
    assert.equal(ingestReads.errors![0].extensions?.code, 'FORBIDDEN');
    // Scopes are named as the API spells them (enum values), in the message and in extensions.
    assert.match(ingestReads.errors![0].message, /needs one of: READ\b/);
    assert.deepEqual(ingestReads.errors![0].extensions?.requiredScopes, ['READ']);

    assert.equal((await server.gql(READ, {}, read)).errors, undefined);
    assert.equal((await server.gql(LOG_MUTATION, { input: logInput() }, read)).errors![0].extensions?.code, 'FORBIDDEN');

    // A browser feedback key can neither log, read nor manage keys.
    assert.equal((await server.gql(LOG_MUTATION, { input: logInput() }, feedback)).errors![0].extensions?.code, 'FORBIDDEN');
    assert.equal((await server.gql(READ, {}, feedback)).errors![0].extensions?.code, 'FORBIDDEN');
    assert.equal((await server.gql(`{ apiKeys { nodes { id } } }`, {}, feedback)).errors![0].extensions?.code, 'FORBIDDEN');

    // Human operators and labelling models work the review queue; neither logs nor manages keys,
    // and a labelling model does not read the raw log.
    assert.equal((await server.gql(`{ reviewQueue(first: 1) { totalCount } }`, {}, annotate)).errors, undefined);
    assert.equal((await server.gql(`{ reviewQueue(first: 1) { totalCount } }`, {}, modelLabel)).errors, undefined);
    assert.equal((await server.gql(LOG_MUTATION, { input: logInput() }, annotate)).errors![0].extensions?.code, 'FORBIDDEN');
    assert.equal((await server.gql(READ, {}, modelLabel)).errors![0].extensions?.code, 'FORBIDDEN');
    const labelTags = await server.gql(`mutation { tagLogEntries(input: {requestIds: ["x"], tags: ["operator_review"]}) { taggedCount } }`, {}, modelLabel);
    assert.equal(labelTags.errors![0].extensions?.code, 'FORBIDDEN', 'tagging is for ANNOTATE keys');

    const createdByIngest = await server.gql(`mutation { createApiKey(input: {name: "x", scopes: [READ]}) { secret } }`, {}, ingest);
    assert.equal(createdByIngest.errors![0].extensions?.code, 'FORBIDDEN');
    assert.deepEqual(createdByIngest.errors![0].extensions?.requiredScopes, ['ADMIN']);
    assert.equal((await server.gql(READ)).errors, undefined, 'admin can read');
  });

  test('viewer names the key for every scope but FEEDBACK', async () => {
    const feedback = await createKey(server, ['FEEDBACK'], 'browser-widget');
    const denied = await server.gql(`{ viewer { name scopes } }`, {}, feedback);
    assert.equal(denied.errors![0].extensions?.code, 'FORBIDDEN', 'a key shipped to browsers learns nothing, not even its own name');
    assert.equal(denied.data?.viewer ?? null, null);
    // Every scope of the Scope enum but FEEDBACK (ADMIN included), read from the schema so a new scope is covered too.
    const scopeEnum = (await buildFlywheelSchema()).getType('Scope') as GraphQLEnumType;
    const scopes = scopeEnum.getValues().map((v) => v.name).filter((s) => s !== 'FEEDBACK');
    assert.deepEqual([...scopes].sort(), ['ADMIN', 'ANNOTATE', 'CI', 'CURATE', 'DEPLOY', 'INGEST', 'METRICS', 'MODEL_LABEL', 'READ']);
    for (const scope of scopes) {
      const key = await createKey(server, [scope], `viewer-${scope}`);
      const r = await server.gql(`{ viewer { name scopes } }`, {}, key);
      assert.equal(r.errors, undefined, `${scope}: ${JSON.stringify(r.errors)}`);
      assert.deepEqual(r.data.viewer, { name: `viewer-${scope}`, scopes: [scope] });
    }
  });

  test('a FORBIDDEN root field is null on its own; sibling root fields still answer', async () => {
    const read = await createKey(server, ['READ'], 'dashboard');
    // viewer and logEntries are allowed to READ, apiKeys is not: the refusal must not take the others down.
    const r = await server.gql(`{ viewer { name } apiKeys { totalCount } logEntries(first: 1) { pageInfo { hasNextPage } } }`, {}, read);
    assert.equal(r.status, 200);
    assert.equal(r.errors?.length, 1, JSON.stringify(r.errors));
    assert.equal(r.errors![0].extensions?.code, 'FORBIDDEN');
    assert.deepEqual(r.errors![0].path, ['apiKeys']);
    assert.equal(r.data.apiKeys, null);
    assert.deepEqual(r.data.viewer, { name: 'dashboard' });
    assert.equal(typeof r.data.logEntries.pageInfo.hasNextPage, 'boolean');

    // The same with the denied field first, on a FEEDBACK key: its mutation goes through.
    const feedback = await createKey(server, ['FEEDBACK']);
    const m = await server.gql(
      `mutation($input: SubmitFeedbackInput!) { denied: logInference(input: { modelVersion: "m", prompt: "p", response: "r", latencyMs: 1 }) { requestId } submitFeedback(input: $input) { created } }`,
      { input: { requestId: 'sibling-check', kind: 'THUMBS_UP' } },
      feedback,
    );
    assert.equal(m.errors?.length, 1, JSON.stringify(m.errors));
    assert.equal(m.errors![0].extensions?.code, 'FORBIDDEN');
    assert.deepEqual(m.errors![0].path, ['denied']);
    assert.equal(m.data.denied, null);
    assert.deepEqual(m.data.submitFeedback, { created: true });
  });

  test('a FEEDBACK key learns nothing about what is logged, not even through node(id:)', async () => {
    const ingest = await createKey(server, ['INGEST']);
    const feedback = await createKey(server, ['FEEDBACK']);
    const input = logInput();
    assert.equal((await server.gql(LOG_MUTATION, { input }, ingest)).errors, undefined);

    // The payload fields that would reveal the row are null for a FEEDBACK-only key (no error either:
    // an error on them would itself reveal something); a READ key sees them.
    const sent = await server.gql(FEEDBACK, { input: { requestId: input.requestId, kind: 'THUMBS_DOWN' } }, feedback);
    assert.equal(sent.errors, undefined, JSON.stringify(sent.errors));
    assert.equal(sent.data.submitFeedback.created, true);
    assert.equal(sent.data.submitFeedback.feedback, null);
    assert.equal(sent.data.submitFeedback.logEntry, null);
    const both = await createKey(server, ['FEEDBACK', 'READ']);
    const seen = await server.gql(FEEDBACK, { input: { requestId: input.requestId, kind: 'THUMBS_UP' } }, both);
    assert.equal(seen.data.submitFeedback.feedback.targetState, 'LOGGED');
    assert.ok(seen.data.submitFeedback.logEntry.id);

    // A global id is no way around a scope: node(id:) checks the type's own scope, before looking the
    // object up, so a logged and a never-logged entry are refused alike.
    const id = await logEntryId(input.requestId as string);
    const asReader = await server.gql(NODE, { id }, both);
    assert.equal(asReader.data.node.requestId, input.requestId);
    const asFeedback = await server.gql(NODE, { id }, feedback);
    assert.equal(asFeedback.errors![0].extensions?.code, 'FORBIDDEN');
    assert.equal(asFeedback.data?.node ?? null, null);
    const unknownId = Buffer.from(id, 'base64url').toString('utf8').replace(input.requestId as string, 'never-logged-request');
    const probe = await server.gql(NODE, { id: Buffer.from(unknownId, 'utf8').toString('base64url') }, feedback);
    assert.equal(probe.errors![0].extensions?.code, 'FORBIDDEN');
    assert.equal(probe.errors![0].message, asFeedback.errors![0].message, 'the refusal says the same whether or not the entry exists');
  });

  test('keys are stored hashed, shown once, and revocation takes effect', async () => {
    const created = await server.gql(`mutation { createApiKey(input: {name: "ci", scopes: [READ, INGEST]}) { secret apiKey { id name keyPrefix scopes revokedAt } } }`);
    assert.equal(created.errors, undefined, JSON.stringify(created.errors));
    const { secret, apiKey } = created.data.createApiKey;
    assert.match(secret, /^fw_/);
    assert.deepEqual(apiKey.scopes, ['READ', 'INGEST']);
    assert.equal(apiKey.revokedAt, null);
    assert.ok(secret.startsWith(apiKey.keyPrefix));
    const stored = JSON.stringify(await server.sql('SELECT * FROM api_key'));
    assert.ok(!stored.includes(secret), 'the secret is not stored');
    const viewer = await server.gql(`{ viewer { name scopes } }`, {}, secret);
    assert.deepEqual(viewer.data.viewer, { name: 'ci', scopes: ['READ', 'INGEST'] });

    // revokeApiKey takes the key's global id (the `id` createApiKey returned).
    const revoked = await server.gql(`mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id revokedAt } } }`, {
      input: { apiKeyId: apiKey.id },
    });
    assert.equal(revoked.errors, undefined, JSON.stringify(revoked.errors));
    assert.equal(revoked.data.revokeApiKey.apiKey.id, apiKey.id);
    assert.ok(revoked.data.revokeApiKey.apiKey.revokedAt);
    assert.equal((await server.gql(READ, {}, secret)).errors![0].extensions?.code, 'UNAUTHENTICATED');
    const listed = await server.gql(`{ apiKeys(first: 500) { totalCount nodes { id revokedAt } } }`);
    assert.equal(listed.errors, undefined, JSON.stringify(listed.errors));
    assert.ok(listed.data.apiKeys.nodes.find((k: any) => k.id === apiKey.id).revokedAt);
    assert.equal(listed.data.apiKeys.totalCount, listed.data.apiKeys.nodes.length);
  });

  test('bad key input is refused with a message', async () => {
    const r = await server.gql(`mutation { createApiKey(input: {name: "  ", scopes: []}) { secret } }`);
    assert.equal(r.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(r.errors![0].message, /name: must be 1–100 characters; scopes: give at least one/);
    // Scope values are upper-case enum values now; the old lower-case literals no longer validate.
    const lower = await server.gql(`mutation { createApiKey(input: {name: "x", scopes: [read]}) { secret } }`);
    assert.equal(lower.errors![0].extensions?.code, 'GRAPHQL_VALIDATION_FAILED');

    const created = await server.gql(`mutation { createApiKey(input: {name: "to-revoke", scopes: [READ]}) { apiKey { id } } }`);
    const realId: string = created.data.createApiKey.apiKey.id;
    // A well-formed ApiKey id of no key → NOT_FOUND (made from a real one by changing its key part).
    const decoded = Buffer.from(realId, 'base64url').toString('utf8');
    const missing = Buffer.from(decoded.replace(/:.*$/, ':00000000-0000-0000-0000-000000000000'), 'utf8').toString('base64url');
    const r2 = await server.gql(`mutation($id: ID!) { revokeApiKey(input: {apiKeyId: $id}) { apiKey { id } } }`, { id: missing });
    assert.equal(r2.errors![0].extensions?.code, 'NOT_FOUND');
    // The raw database id (what the old API took) is not an id this API issues.
    const r3 = await server.gql(`mutation { revokeApiKey(input: {apiKeyId: "00000000-0000-0000-0000-000000000000"}) { apiKey { id } } }`);
    assert.equal(r3.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(r3.errors![0].message, /^apiKeyId: not an id issued by this API/);
  });

  test('bad key input lists its problems in extensions.problems, naming scopes as the API spells them', async () => {
    // README: "Input problems come as one BAD_USER_INPUT error whose extensions.problems lists
    // { field, message, … } for each one". A client offered "give at least one of read, …" would send
    // `read`, which the Scope enum refuses: the message must use the enum values.
    const r = await server.gql(`mutation { createApiKey(input: {name: "  ", scopes: []}) { secret } }`);
    assert.equal(r.errors![0].extensions?.code, 'BAD_USER_INPUT');
    const problems = (r.errors![0].extensions as any).problems;
    assert.ok(Array.isArray(problems), `extensions.problems missing: ${JSON.stringify(r.errors)}`);
    assert.deepEqual(problems.map((p: any) => p.field).sort(), ['name', 'scopes']);
    assert.doesNotMatch(r.errors![0].message, /\b(ingest|feedback|annotate|model_label|read|admin)\b/);
  });
});
