import crypto from 'node:crypto';
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sampleFraction } from '../src/services/ingest/keep-reasons';
import { ADMIN_KEY, HMAC_KEY, LOG_BATCH_MUTATION, LOG_MUTATION, logInput, startTestServer, TestServer } from './helpers/test-server';

const ENTRY_QUERY = `query($id: String!) { logEntry(requestId: $id) {
  requestId occurredAt modelVersion prompt response latencyMs userIdHash responseLogprob flagged metadata keepReasons } }`;

describe('ingestion over HTTP', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ SAMPLE_RATE: '0.05', LOW_CONFIDENCE_LOGPROB: '-3' });
  });
  after(() => server.stop());

  test('logInference stores a redacted row and returns keep reasons and redaction counts', async () => {
    const input = logInput({
      prompt: 'Hi, I am jane.doe@example.com, call me on +44 20 7946 0958 about order ORD-2024-001234.',
      response: 'Sure Jane, we will call +44 20 7946 0958.',
      userId: 'jane.doe@example.com',
      responseLogprob: -0.4,
      metadata: { channel: 'web', contact: { email: 'jane.doe@example.com' }, attempts: 2 },
      occurredAt: '2026-11-20T10:15:30.123Z',
    });
    const r = await server.gql(LOG_MUTATION, { input });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const res = r.data.logInference;
    assert.equal(res.requestId, input.requestId);
    assert.equal(res.created, true);
    assert.deepEqual(res.redactions, [
      { type: 'EMAIL', count: 2 },
      { type: 'PHONE', count: 2 },
    ]);

    const e = (await server.gql(ENTRY_QUERY, { id: input.requestId })).data.logEntry;
    assert.equal(e.prompt, 'Hi, I am [EMAIL], call me on [PHONE] about order ORD-2024-001234.');
    assert.equal(e.response, 'Sure Jane, we will call [PHONE].');
    assert.deepEqual(e.metadata, { channel: 'web', contact: { email: '[EMAIL]' }, attempts: 2 });
    assert.equal(e.occurredAt, '2026-11-20T10:15:30.123Z');
    assert.equal(e.responseLogprob, -0.4);
    assert.equal(e.modelVersion, 'support-bot-v6');
  });

  test('no raw PII or raw user id reaches any column of the database', async () => {
    const input = logInput({ prompt: 'my card 4111 1111 1111 1111 and ssn 123-45-6789', response: 'ok', userId: 'user-777@corp.example', metadata: { ip: '203.0.113.9' } });
    await server.gql(LOG_MUTATION, { input });
    const dump = JSON.stringify(await server.sql(`SELECT l.*, r.* FROM inference_log l JOIN inference_request r USING (request_id) WHERE request_id = $1`, [input.requestId]));
    for (const secret of ['4111 1111 1111 1111', '123-45-6789', 'user-777@corp.example', '203.0.113.9']) {
      assert.ok(!dump.includes(secret), `${secret} reached the database`);
    }
  });

  test('user ids are stored as HMAC-SHA-256 under USER_ID_HMAC_KEY, not as a bare hash', async () => {
    const userId = 'alice@example.com';
    const input = logInput({ userId });
    await server.gql(LOG_MUTATION, { input });
    const e = (await server.gql(ENTRY_QUERY, { id: input.requestId })).data.logEntry;
    assert.equal(e.userIdHash, crypto.createHmac('sha256', HMAC_KEY).update(userId).digest('hex'));
    assert.notEqual(e.userIdHash, crypto.createHash('sha256').update(userId).digest('hex'));
    const none = logInput();
    await server.gql(LOG_MUTATION, { input: none });
    assert.equal((await server.gql(ENTRY_QUERY, { id: none.requestId })).data.logEntry.userIdHash, null);
  });

  test('requestId is generated when absent', async () => {
    const { requestId: _omit, ...input } = logInput();
    const r = await server.gql(LOG_MUTATION, { input });
    assert.match(r.data.logInference.requestId, /^[0-9a-f-]{36}$/);
    assert.ok((await server.gql(ENTRY_QUERY, { id: r.data.logInference.requestId })).data.logEntry);
  });

  test('concurrent duplicates of one requestId store exactly one row and all get the first result', async () => {
    const input = logInput({ flagged: true, prompt: 'mail bob@example.org' });
    const variants = Array.from({ length: 24 }, (_, i) => ({ ...input, prompt: i === 0 ? input.prompt : `different text ${i}` }));
    const results = await Promise.all(variants.map((v) => server.gql(LOG_MUTATION, { input: v })));
    for (const r of results) assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const created = results.filter((r) => r.data.logInference.created);
    assert.equal(created.length, 1, 'exactly one call created the row');
    const rows = await server.sql('SELECT prompt, keep_reasons FROM inference_log WHERE request_id = $1', [input.requestId]);
    assert.equal(rows.length, 1);
    const first = created[0].data.logInference;
    for (const r of results) {
      assert.deepEqual(r.data.logInference.keepReasons, first.keepReasons);
      assert.deepEqual(r.data.logInference.redactions, first.redactions);
    }
    const stats = await server.sql(`SELECT sum(received)::int AS n FROM ingest_stats_hourly`);
    const total = await server.sql(`SELECT count(*)::int AS n FROM inference_request`);
    assert.equal(stats[0].n, total[0].n, 'duplicates are not counted as received');
  });

  test('a batch with repeated and already-stored requestIds writes each once', async () => {
    const a = logInput();
    const b = logInput();
    await server.gql(LOG_MUTATION, { input: a });
    const r = await server.gql(LOG_BATCH_MUTATION, { input: { items: [a, b, { ...b, prompt: 'changed' }] } });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.deepEqual(
      r.data.logInferences.results.map((x: any) => [x.requestId, x.created]),
      [
        [a.requestId, false],
        [b.requestId, true],
        [b.requestId, false],
      ],
    );
    const rows = await server.sql('SELECT prompt FROM inference_log WHERE request_id = $1', [b.requestId]);
    assert.deepEqual(rows, [{ prompt: b.prompt }]);
  });

  test('keep reasons: LOW_CONFIDENCE, FLAGGED, SAMPLED by deterministic hash, DRIFT_OPEN while a drift event is open', async () => {
    const low = await server.gql(LOG_MUTATION, { input: logInput({ responseLogprob: -3.5 }) });
    assert.ok(low.data.logInference.keepReasons.includes('LOW_CONFIDENCE'));
    const healthy = await server.gql(LOG_MUTATION, { input: logInput({ requestId: findId((f) => f >= 0.05), responseLogprob: -2.9 }) });
    assert.deepEqual(healthy.data.logInference.keepReasons, []);
    const flagged = await server.gql(LOG_MUTATION, { input: logInput({ requestId: findId((f) => f >= 0.05), flagged: true }) });
    assert.deepEqual(flagged.data.logInference.keepReasons, ['FLAGGED']);
    const sampled = await server.gql(LOG_MUTATION, { input: logInput({ requestId: findId((f) => f < 0.05) }) });
    assert.deepEqual(sampled.data.logInference.keepReasons, ['SAMPLED']);

    // The drift API arrives with tagging; the keep-reason rule reads the table, so a row is enough here.
    const [ev] = await server.sql(
      `INSERT INTO drift_event (model_version, detected_at, metric, value, threshold, window_hours) VALUES ('drifty-v1', now(), 'gold_pass_rate', 0.7, 0.8, 12) RETURNING id`,
    );
    const during = await server.gql(LOG_MUTATION, { input: logInput({ requestId: findId((f) => f >= 0.05), modelVersion: 'drifty-v1' }) });
    assert.deepEqual(during.data.logInference.keepReasons, ['DRIFT_OPEN']);
    const other = await server.gql(LOG_MUTATION, { input: logInput({ requestId: findId((f) => f >= 0.05), modelVersion: 'calm-v1' }) });
    assert.deepEqual(other.data.logInference.keepReasons, []);
    await server.sql(`UPDATE drift_event SET resolved_at = now() WHERE id = $1`, [ev.id]);
    const afterResolve = await server.gql(LOG_MUTATION, { input: logInput({ requestId: findId((f) => f >= 0.05), modelVersion: 'drifty-v1' }) });
    assert.deepEqual(afterResolve.data.logInference.keepReasons, []);
  });

  test('sampling keeps about SAMPLE_RATE of healthy rows', () => {
    let kept = 0;
    for (let i = 0; i < 20_000; i++) if (sampleFraction(`r-${i}`) < 0.05) kept++;
    assert.ok(kept > 850 && kept < 1150, `kept ${kept} of 20000`);
  });

  test('concurrent single calls are coalesced into fewer commits (group commit) and every row is stored', async () => {
    const before = await commitGroups(server);
    const inputs = Array.from({ length: 200 }, () => logInput({ modelVersion: 'group-commit-v1' }));
    const results = await Promise.all(inputs.map((input) => server.gql(LOG_MUTATION, { input })));
    assert.ok(results.every((r) => !r.errors && r.data.logInference.created));
    const [{ n }] = await server.sql(`SELECT count(*)::int AS n FROM inference_log WHERE model_version = 'group-commit-v1'`);
    assert.equal(n, 200);
    const afterGroups = await commitGroups(server);
    assert.ok(afterGroups.count - before.count < 200, `200 calls took ${afterGroups.count - before.count} commits`);
    assert.equal(afterGroups.rows - before.rows, 200);
  });
});

let idSeq = 0;
function findId(pred: (fraction: number) => boolean): string {
  for (;;) {
    const id = `kr-${process.pid}-${idSeq++}`;
    if (pred(sampleFraction(id))) return id;
  }
}

async function commitGroups(server: TestServer): Promise<{ count: number; rows: number }> {
  const text = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
  const count = Number(/^flywheel_ingest_commit_group_rows_count (\d+)/m.exec(text)?.[1] ?? 0);
  const rows = Number(/^flywheel_ingest_commit_group_rows_sum (\d+)/m.exec(text)?.[1] ?? 0);
  return { count, rows };
}
