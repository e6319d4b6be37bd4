import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { ADMIN_KEY, LOG_BATCH_MUTATION, LOG_MUTATION, logBatch, logInput, startTestServer, TestServer } from './helpers/test-server';

/** What the example sends: personal data next to the field that is wrong. */
const SSN = '123-45-6789';
const EMAIL = 'bob@example.com';
const USER = 'alice@example.com';
const PII = [SSN, EMAIL, USER];
const PII_PROMPT = `my ssn is ${SSN}, email ${EMAIL}`;

/** POSTs like a client and keeps the raw response text: a value must not appear anywhere in it. */
async function rawGql(server: TestServer, query: string, variables: Record<string, unknown> = {}): Promise<{ status: number; text: string; body: any }> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
    body: JSON.stringify({ query, variables }),
  });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) };
}

function assertNoPii(text: string) {
  for (const value of PII) assert.ok(!text.includes(value), `the response echoes ${value}: ${text}`);
}

describe('bad input gets a stable code, a message that says what to fix, and writes nothing', () => {
  let server: TestServer;
  before(async () => {
    // MAX_PAGE_SIZE 2 so that clamping is visible with a handful of rows.
    server = await startTestServer({ MAX_BATCH_SIZE: '20', MAX_TEXT_CHARS: '1000', MAX_METADATA_BYTES: '256', MAX_PAGE_SIZE: '2' });
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

  /** A type error in the variables: one BAD_USER_INPUT error whose problems name the field. */
  async function expectCoercionProblem(variables: Record<string, unknown>, problem: { field: string; path: string; index?: number }, query = LOG_MUTATION) {
    const r = await expectRejected(variables, 'BAD_USER_INPUT', new RegExp(`^Invalid input: ${problem.path.replace(/[[\].]/g, '\\$&')}: `), query);
    assert.equal(r.errors!.length, 1, `one error, not one per graphql-js complaint: ${JSON.stringify(r.errors)}`);
    const problems = (r.errors![0].extensions as any).problems;
    assert.equal(problems.length, 1, JSON.stringify(problems));
    const { message, ...where } = problems[0];
    assert.deepEqual(where, { ...problem });
    assert.equal(typeof message, 'string');
    return r;
  }

  test('missing required field', async () => {
    const { modelVersion: _m, ...input } = logInput();
    const r = await expectCoercionProblem({ input }, { field: 'modelVersion', path: 'input.modelVersion' });
    assert.match(r.errors![0].message, /is required \(type String!\)/);
  });

  test('wrong-typed field', async () => {
    await expectCoercionProblem({ input: logInput({ latencyMs: 'fast' }) }, { field: 'latencyMs', path: 'input.latencyMs' });
    await expectCoercionProblem({ input: logInput({ latencyMs: 12.5 }) }, { field: 'latencyMs', path: 'input.latencyMs' });
  });

  test('a field the input type does not have (e.g. the old `ts`) is named', async () => {
    // The timestamp is `occurredAt` now: an old client sending `ts` learns which field is unknown.
    await expectCoercionProblem({ input: logInput({ ts: '2026-11-01T00:00:00.000Z' }) }, { field: 'ts', path: 'input.ts' });
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
    await expectCoercionProblem({ input: logInput({ metadata: [1, 2] }) }, { field: 'metadata', path: 'input.metadata' });
    const r = await expectCoercionProblem({ input: logInput({ metadata: 'text' }) }, { field: 'metadata', path: 'input.metadata' });
    assert.match(r.errors![0].message, /JSONObject/, 'the message says what was expected');
    await expectRejected({ input: logInput({ metadata: { blob: 'z'.repeat(300) } }) }, 'BAD_USER_INPUT', /metadata: is \d+ bytes as JSON; the limit is MAX_METADATA_BYTES=256/);
  });

  test('metadata nested 33 or 5,000 levels deep: a coded input error, not a stack overflow', async () => {
    const nested = (depth: number) => {
      let v: unknown = 1;
      for (let i = 0; i < depth; i++) v = { a: v };
      return v;
    };
    await expectRejected({ input: logInput({ metadata: nested(33) }) }, 'BAD_USER_INPUT', /metadata: is nested more than 32 levels deep/);
    // 5,000 levels: written as text (JSON.stringify of the object would overflow this test's own stack).
    const before = await rowCount();
    const vars = JSON.stringify({ input: logInput({ metadata: { placeholder: true } }) }).replace('{"placeholder":true}', `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`);
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
      body: `{"query":${JSON.stringify(LOG_MUTATION)},"variables":${vars}}`,
    });
    const body = (await res.json()) as { errors?: { message: string; extensions: { code: string } }[] };
    assert.equal(body.errors?.[0].extensions.code, 'BAD_USER_INPUT', JSON.stringify(body.errors));
    assert.match(body.errors![0].message, /metadata: is nested more than 32 levels deep/);
    assert.equal(await rowCount(), before);
    // 32 levels is fine (and small enough for MAX_METADATA_BYTES here).
    const ok = await server.gql(LOG_MUTATION, { input: logInput({ metadata: nested(31) }) });
    assert.equal(ok.errors, undefined, JSON.stringify(ok.errors));
  });

  test('unparseable or far-future timestamp', async () => {
    for (const occurredAt of ['yesterday at noon', '2026-13-45T99:00:00Z']) {
      const r = await expectCoercionProblem({ input: logInput({ occurredAt }) }, { field: 'occurredAt', path: 'input.occurredAt' });
      assert.match(r.errors![0].message, /DateTime/);
      assert.ok(!r.errors![0].message.includes(occurredAt), 'the value is not echoed');
    }
    await expectRejected(
      { input: logInput({ occurredAt: new Date(Date.now() + 3 * 86_400_000).toISOString() }) },
      'BAD_USER_INPUT',
      /occurredAt: is more than 24 h in the future/,
    );
  });

  test('positive logprob, bad requestId, NUL characters', async () => {
    await expectRejected({ input: logInput({ responseLogprob: 0.5 }) }, 'BAD_USER_INPUT', /responseLogprob: must be a log-probability/);
    await expectRejected({ input: logInput({ requestId: 'has spaces in it' }) }, 'BAD_USER_INPUT', /requestId/);
    await expectRejected({ input: logInput({ prompt: 'a\u0000b' }) }, 'BAD_USER_INPUT', /prompt: contains a NUL/);
  });

  test('batch over the limit', async () => {
    const items = Array.from({ length: 21 }, () => logInput());
    const r = await expectRejected({ input: { items } }, 'BATCH_TOO_LARGE', /exceeds MAX_BATCH_SIZE \(20\)/, LOG_BATCH_MUTATION);
    assert.equal((r.errors![0].extensions as any).maxBatchSize, 20);
  });

  test('a batch with invalid items is rejected whole, listing every invalid item by index', async () => {
    const good = logInput();
    const items = [good, logInput({ latencyMs: -1 }), logInput(), logInput({ prompt: 'p'.repeat(2000) })];
    const r = await expectRejected({ input: { items } }, 'BAD_USER_INPUT', /items\[1\]\.latencyMs.*items\[3\]\.prompt/, LOG_BATCH_MUTATION);
    const problems = (r.errors![0].extensions as any).problems;
    assert.deepEqual(problems.map((p: any) => [p.index, p.field]), [[1, 'latencyMs'], [3, 'prompt']]);
    const stored = await server.sql('SELECT 1 FROM inference_log WHERE request_id = $1', [good.requestId]);
    assert.equal(stored.length, 0, 'the valid items of a rejected batch are not stored either');
    // Fixed and resent, the batch goes through.
    const fixed = await logBatch(server, [good, logInput(), logInput()]);
    assert.equal(fixed.length, 3);
    assert.equal(fixed[0].requestId, good.requestId);
  });

  test('paging arguments are checked; a page size above MAX_PAGE_SIZE is clamped', async () => {
    // Rule change: `first`/`last` above MAX_PAGE_SIZE used to be refused ("first: must be between 1
    // and 500"); now they are clamped, and pageInfo says that more rows follow.
    await logBatch(server, [logInput(), logInput(), logInput()]);
    const PAGE = `query($first: Int, $last: Int) { logEntries(first: $first, last: $last) { edges { cursor } pageInfo { hasNextPage hasPreviousPage } } }`;
    const forward = await server.gql(PAGE, { first: 100000 });
    assert.equal(forward.errors, undefined, JSON.stringify(forward.errors));
    assert.equal(forward.data.logEntries.edges.length, 2, 'clamped to MAX_PAGE_SIZE=2');
    assert.equal(forward.data.logEntries.pageInfo.hasNextPage, true);
    const backward = await server.gql(PAGE, { last: 100000 });
    assert.equal(backward.errors, undefined, JSON.stringify(backward.errors));
    assert.equal(backward.data.logEntries.edges.length, 2);
    assert.equal(backward.data.logEntries.pageInfo.hasPreviousPage, true);

    const negative = await server.gql(PAGE, { first: -1 });
    assert.equal(negative.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(negative.errors![0].message, /first: must be 0 or more/);
    const negativeLast = await server.gql(PAGE, { last: -3 });
    assert.equal(negativeLast.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(negativeLast.errors![0].message, /last: /);
    const both = await server.gql(PAGE, { first: 1, last: 1 });
    assert.equal(both.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(both.errors![0].message, /not both/);

    const r2 = await server.gql(`{ logEntries(after: "not-a-cursor") { edges { cursor } } }`);
    assert.equal(r2.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(r2.errors![0].message, /^after: not a cursor of this list/);
    const r3 = await server.gql(`{ logEntries(before: "not-a-cursor") { edges { cursor } } }`);
    assert.equal(r3.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(r3.errors![0].message, /^before: not a cursor of this list/);
  });
});

describe('input errors never echo the values sent (they may be personal data)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  test('the issue: logInference without latencyMs, next to an SSN and e-mail addresses', async () => {
    const { latencyMs: _l, ...input } = logInput({ prompt: PII_PROMPT, userId: USER });
    const r = await rawGql(server, LOG_MUTATION, { input });
    assertNoPii(r.text);
    assert.match(r.text, /latencyMs/, 'the response names the missing field');
    assert.equal(r.body.errors.length, 1);
    const [error] = r.body.errors;
    assert.equal(error.extensions.code, 'BAD_USER_INPUT');
    assert.equal(error.message, 'Invalid input: input.latencyMs: is required (type Int!)');
    assert.deepEqual(error.extensions.problems, [{ field: 'latencyMs', path: 'input.latencyMs', message: 'is required (type Int!)' }]);
  });

  test('a wrong-typed field in a batch: the problem carries the item index', async () => {
    const items = [logInput(), logInput({ latencyMs: 'fast', prompt: PII_PROMPT, userId: USER })];
    const r = await rawGql(server, LOG_BATCH_MUTATION, { input: { items } });
    assertNoPii(r.text);
    assert.ok(!r.text.includes('"fast"'), 'not even the wrong value itself');
    assert.equal(r.body.errors.length, 1);
    const [error] = r.body.errors;
    assert.equal(error.extensions.code, 'BAD_USER_INPUT');
    assert.match(error.message, /input\.items\[1\]\.latencyMs/);
    assert.equal(error.extensions.problems.length, 1);
    assert.deepEqual({ ...error.extensions.problems[0], message: undefined }, { field: 'latencyMs', index: 1, path: 'input.items[1].latencyMs', message: undefined });
    const stored = await server.sql('SELECT 1 FROM inference_request WHERE request_id = $1', [items[0].requestId]);
    assert.equal(stored.length, 0, 'the batch is refused whole');
  });

  test('an invalid enum value', async () => {
    const r = await rawGql(server, `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { feedbackId } }`, {
      input: { requestId: 'enum-check', kind: USER, comment: PII_PROMPT, userId: USER },
    });
    assertNoPii(r.text);
    const [error] = r.body.errors;
    assert.equal(r.body.errors.length, 1);
    assert.equal(error.extensions.code, 'BAD_USER_INPUT');
    assert.match(error.message, /input\.kind/);
    assert.match(error.message, /FeedbackKind/, 'the message names the expected type');
    assert.deepEqual(error.extensions.problems.map((p: any) => [p.field, p.path]), [['kind', 'input.kind']]);
  });

  test('an invalid DateTime string', async () => {
    const r = await rawGql(server, LOG_MUTATION, { input: logInput({ occurredAt: USER, prompt: PII_PROMPT }) });
    assertNoPii(r.text);
    const [error] = r.body.errors;
    assert.equal(r.body.errors.length, 1);
    assert.equal(error.extensions.code, 'BAD_USER_INPUT');
    assert.match(error.message, /input\.occurredAt.*DateTime/);
    assert.deepEqual(error.extensions.problems.map((p: any) => [p.field, p.path]), [['occurredAt', 'input.occurredAt']]);
  });

  test('a value validated by the service (not by its type) is not echoed either', async () => {
    const r = await rawGql(server, LOG_MUTATION, { input: logInput({ latencyMs: -1, prompt: PII_PROMPT, userId: USER, requestId: 'pii check alice@example.com' }) });
    assertNoPii(r.text);
    // The requestId also holds an email: the whole input is refused as PII_IN_IDENTIFIER, listing every problem.
    assert.equal(r.body.errors[0].extensions.code, 'PII_IN_IDENTIFIER');
    assert.deepEqual([...new Set(r.body.errors[0].extensions.problems.map((p: any) => p.field))].sort(), ['latencyMs', 'requestId']);
  });

  test('values written inline in the query are not echoed either', async () => {
    // The same mistakes as literals instead of variables: GraphQL validation reports these, and its
    // messages name the value unless the server rewrites them.
    const fields = `modelVersion: "m", prompt: "${PII_PROMPT}", response: "r", userId: "${USER}"`;
    const cases = {
      int: `mutation { logInference(input: {${fields}, latencyMs: "${EMAIL}"}) { requestId } }`,
      dateTime: `mutation { logInference(input: {${fields}, latencyMs: 1, occurredAt: "${USER}"}) { requestId } }`,
      enum: `mutation { submitFeedback(input: {requestId: "x", kind: "${USER}", comment: "${PII_PROMPT}"}) { created } }`,
      json: `mutation { logInference(input: {${fields}, latencyMs: 1, metadata: "${USER}"}) { requestId } }`,
    };
    for (const [name, query] of Object.entries(cases)) {
      const res = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
        body: JSON.stringify({ query }),
      });
      const text = await res.text();
      assert.ok(JSON.parse(text).errors?.length, `${name}: expected an error`);
      // The query itself carries the prompt and userId; only what the server writes back counts.
      const written = JSON.stringify(JSON.parse(text).errors.map((e: any) => [e.message, e.extensions]));
      for (const value of PII) assert.ok(!written.includes(value), `${name}: the error echoes ${value}: ${written}`);
    }
  });
});

describe('HTTP-level errors are JSON with a code', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ MAX_BODY_BYTES: '2048' });
  });
  after(() => server.stop());

  /** `{ errors: [{ message, extensions: { code } }] }` with the given status, and JSON content type. */
  async function expectHttpError(res: Response, status: number, code: string) {
    const text = await res.text();
    assert.equal(res.status, status, text);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json\b/);
    const body = JSON.parse(text);
    assert.equal(body.errors.length, 1, text);
    assert.equal(typeof body.errors[0].message, 'string');
    assert.ok(body.errors[0].message.length > 0);
    assert.equal(body.errors[0].extensions.code, code, text);
    return body;
  }

  const headers = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` };

  test('a body that is not JSON → 400 BAD_REQUEST', async () => {
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers, body: '{"query": "{ viewer { name } ' });
    await expectHttpError(res, 400, 'BAD_REQUEST');
  });

  test('PUT → 405 METHOD_NOT_ALLOWED, saying what is allowed', async () => {
    const res = await fetch(`${server.url}/graphql`, { method: 'PUT', headers, body: JSON.stringify({ query: '{ viewer { name } }' }) });
    assert.match(res.headers.get('allow') ?? '', /POST/);
    await expectHttpError(res, 405, 'METHOD_NOT_ALLOWED');
  });

  test('content-type application/xml → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/xml' },
      body: '<query>{ viewer { name } }</query>',
    });
    await expectHttpError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('a body over MAX_BODY_BYTES → 413 PAYLOAD_TOO_LARGE', async () => {
    const items = Array.from({ length: 20 }, () => logInput());
    const body = JSON.stringify({ query: LOG_BATCH_MUTATION, variables: { input: { items } } });
    assert.ok(Buffer.byteLength(body) > 2048);
    const before = (await server.sql('SELECT count(*)::int AS n FROM inference_request'))[0].n;
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers, body });
    await expectHttpError(res, 413, 'PAYLOAD_TOO_LARGE');
    assert.equal((await server.sql('SELECT count(*)::int AS n FROM inference_request'))[0].n, before, 'nothing was written');
    // A body under the limit still goes through.
    const small = await fetch(`${server.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query: '{ viewer { name } }' }) });
    assert.equal(small.status, 200);
  });

  test('a streamed (chunked) body over MAX_BODY_BYTES → 413 PAYLOAD_TOO_LARGE too', async () => {
    // Without Content-Length the limit is found while reading; the client must still get the 413
    // answer, not a dropped connection.
    const url = new URL(`${server.url}/graphql`);
    const result = await new Promise<{ status: number; contentType: string; text: string } | { error: string }>((resolve) => {
      const req = http.request(
        { host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { ...headers, 'transfer-encoding': 'chunked' } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, contentType: String(res.headers['content-type']), text }));
          res.on('error', (e) => resolve({ error: e.message }));
        },
      );
      req.on('error', (e) => resolve({ error: e.message }));
      req.write(JSON.stringify({ query: '{ viewer { name } }', variables: { pad: 'x'.repeat(3000) } }));
      req.end();
    });
    assert.ok(!('error' in result), `the connection failed instead of answering 413: ${'error' in result ? result.error : ''}`);
    const ok = result as { status: number; contentType: string; text: string };
    assert.equal(ok.status, 413, ok.text);
    assert.match(ok.contentType, /^application\/json\b/);
    assert.equal(JSON.parse(ok.text).errors[0].extensions.code, 'PAYLOAD_TOO_LARGE');
  });

  test('GET /nope → 404 ROUTE_NOT_FOUND', async () => {
    await expectHttpError(await fetch(`${server.url}/nope`), 404, 'ROUTE_NOT_FOUND');
  });
});
