import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { LOG_BATCH_MUTATION, LOG_MUTATION, logInput, startTestServer, TestServer } from './helpers/test-server';

describe('bad input gets a stable code, a message that says what to fix, and writes nothing', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ MAX_BATCH_SIZE: '20', MAX_TEXT_CHARS: '1000', MAX_METADATA_BYTES: '256' });
  });
  after(() => server.stop());

  async function rowCount(): Promise<number> {
    return (await server.sql('SELECT count(*)::int AS n FROM inference_request'))[0].n;
  }

  async function expectRejected(variables: Record<string, unknown>, code: string, messagePart: RegExp, query = LOG_MUTATION) {
    const before = await rowCount();
    const r = await server.gql(query, variables);
    assert.ok(r.errors?.length, 'expected an error');
    assert.equal(r.errors![0].extensions?.code, code, JSON.stringify(r.errors));
    assert.match(r.errors![0].message, messagePart);
    assert.equal(await rowCount(), before, 'nothing was written');
    return r;
  }

  test('missing required field', async () => {
    const { modelVersion: _m, ...input } = logInput();
    await expectRejected({ input }, 'BAD_USER_INPUT', /modelVersion/);
  });

  test('wrong-typed field', async () => {
    await expectRejected({ input: logInput({ latencyMs: 'fast' }) }, 'BAD_USER_INPUT', /latencyMs/);
    await expectRejected({ input: logInput({ latencyMs: 12.5 }) }, 'BAD_USER_INPUT', /latencyMs/);
  });

  test('negative latency', async () => {
    const r = await expectRejected({ input: logInput({ latencyMs: -5 }) }, 'BAD_USER_INPUT', /latencyMs: must be between 0/);
    assert.deepEqual((r.errors![0].extensions as any).problems[0].field, 'latencyMs');
  });

  test('oversize prompt and response', async () => {
    await expectRejected({ input: logInput({ prompt: 'x'.repeat(1001) }) }, 'BAD_USER_INPUT', /prompt: is 1001 characters; the limit is MAX_TEXT_CHARS=1000/);
    await expectRejected({ input: logInput({ response: 'y'.repeat(5000) }) }, 'BAD_USER_INPUT', /response: is 5000 characters/);
  });

  test('metadata not an object, or too large', async () => {
    await expectRejected({ input: logInput({ metadata: [1, 2] }) }, 'BAD_USER_INPUT', /metadata|JSONObject/);
    await expectRejected({ input: logInput({ metadata: 'text' }) }, 'BAD_USER_INPUT', /metadata|JSONObject/);
    await expectRejected({ input: logInput({ metadata: { blob: 'z'.repeat(300) } }) }, 'BAD_USER_INPUT', /metadata: is \d+ bytes as JSON; the limit is MAX_METADATA_BYTES=256/);
  });

  test('unparseable or far-future timestamp', async () => {
    await expectRejected({ input: logInput({ ts: 'yesterday at noon' }) }, 'BAD_USER_INPUT', /ts|DateTime/);
    await expectRejected({ input: logInput({ ts: '2026-13-45T99:00:00Z' }) }, 'BAD_USER_INPUT', /ts|DateTime/);
    await expectRejected({ input: logInput({ ts: new Date(Date.now() + 3 * 86_400_000).toISOString() }) }, 'BAD_USER_INPUT', /ts: is more than 24 h in the future/);
  });

  test('positive logprob, bad requestId, NUL characters', async () => {
    await expectRejected({ input: logInput({ responseLogprob: 0.5 }) }, 'BAD_USER_INPUT', /responseLogprob: must be a log-probability/);
    await expectRejected({ input: logInput({ requestId: 'has spaces in it' }) }, 'BAD_USER_INPUT', /requestId/);
    await expectRejected({ input: logInput({ prompt: 'a\u0000b' }) }, 'BAD_USER_INPUT', /prompt: contains a NUL/);
  });

  test('batch over the limit', async () => {
    const inputs = Array.from({ length: 21 }, () => logInput());
    const r = await expectRejected({ inputs }, 'BATCH_TOO_LARGE', /exceeds MAX_BATCH_SIZE \(20\)/, LOG_BATCH_MUTATION);
    assert.equal((r.errors![0].extensions as any).maxBatchSize, 20);
  });

  test('a batch with invalid items is rejected whole, listing every invalid item by index', async () => {
    const good = logInput();
    const inputs = [good, logInput({ latencyMs: -1 }), logInput(), logInput({ prompt: 'p'.repeat(2000) })];
    const r = await expectRejected({ inputs }, 'BAD_USER_INPUT', /inputs\[1\]\.latencyMs.*inputs\[3\]\.prompt/, LOG_BATCH_MUTATION);
    const problems = (r.errors![0].extensions as any).problems;
    assert.deepEqual(problems.map((p: any) => [p.index, p.field]), [[1, 'latencyMs'], [3, 'prompt']]);
    const stored = await server.sql('SELECT 1 FROM inference_log WHERE request_id = $1', [good.requestId]);
    assert.equal(stored.length, 0, 'the valid items of a rejected batch are not stored either');
    // Fixed and resent, the batch goes through.
    const fixed = await server.gql(LOG_BATCH_MUTATION, { inputs: [good, logInput(), logInput()] });
    assert.equal(fixed.errors, undefined);
    assert.equal(fixed.data.logInferences.length, 3);
  });

  test('paging arguments are checked', async () => {
    const r1 = await server.gql(`{ logEntries(first: 100000) { edges { cursor } } }`);
    assert.equal(r1.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(r1.errors![0].message, /first: must be between 1 and 500/);
    const r2 = await server.gql(`{ logEntries(after: "not-a-cursor") { edges { cursor } } }`);
    assert.equal(r2.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(r2.errors![0].message, /after: not a cursor/);
  });
});
