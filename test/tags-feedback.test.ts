import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sampleFraction } from '../src/services/ingest/keep-reasons';
import { createKey, HMAC_KEY, LOG_BATCH_MUTATION, LOG_MUTATION, logInput, startTestServer, TestServer, waitFor } from './helpers/test-server';

const TAG = `mutation($input: TagEntriesInput!) { tagEntries(input: $input) { tagged unchanged missingRequestIds } }`;
const UNTAG = `mutation($input: TagEntriesInput!) { untagEntries(input: $input) { untagged missingRequestIds } }`;
const FEEDBACK = `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { id linked target created } }`;
const ENTRY = `query($id: String!) { logEntry(requestId: $id) { requestId tags { name source actor } feedback { id kind rating comment targetState } } }`;

let n = 0;
/** A requestId the sampler does not keep, so only references can protect its row. */
function unsampledId(prefix = 'tf'): string {
  for (;;) {
    const id = `${prefix}-${process.pid}-${n++}`;
    if (sampleFraction(id) >= 0.05) return id;
  }
}

describe('tags with provenance', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  test('tag many entries at once; re-adding is a no-op; removal is recorded, not erased', async () => {
    const a = logInput({ requestId: unsampledId() });
    const b = logInput({ requestId: unsampledId() });
    await server.gql(LOG_BATCH_MUTATION, { inputs: [a, b] });
    const r = await server.gql(TAG, { input: { requestIds: [a.requestId, b.requestId, 'never-logged'], tags: ['operator_review', 'billing.refund'], annotator: 'ana' } });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.deepEqual(r.data.tagEntries, { tagged: 4, unchanged: 0, missingRequestIds: ['never-logged'] });
    const again = await server.gql(TAG, { input: { requestIds: [a.requestId], tags: ['operator_review'] } });
    assert.deepEqual(again.data.tagEntries, { tagged: 0, unchanged: 1, missingRequestIds: [] });

    const entry = (await server.gql(ENTRY, { id: a.requestId })).data.logEntry;
    assert.deepEqual(entry.tags.map((t: any) => [t.name, t.source, t.actor]), [
      ['operator_review', 'OPERATOR', 'ana'],
      ['billing.refund', 'OPERATOR', 'ana'],
    ]);

    const un = await server.gql(UNTAG, { input: { requestIds: [a.requestId], tags: ['billing.refund'], annotator: 'bo' } });
    assert.deepEqual(un.data.untagEntries, { untagged: 1, missingRequestIds: [] });
    const after = (await server.gql(ENTRY, { id: a.requestId })).data.logEntry;
    assert.deepEqual(after.tags.map((t: any) => t.name), ['operator_review']);
    const history = await server.sql(`SELECT tag, removed_by, removed_at IS NOT NULL AS removed FROM log_tag WHERE request_id = $1 ORDER BY id`, [a.requestId]);
    assert.deepEqual(history, [
      { tag: 'operator_review', removed_by: null, removed: false },
      { tag: 'billing.refund', removed_by: 'bo', removed: true },
    ]);
  });

  test('invalid tags are refused; an API-key tag is sourced API with the key name', async () => {
    const a = logInput();
    await server.gql(LOG_MUTATION, { input: a });
    const bad = await server.gql(TAG, { input: { requestIds: [a.requestId], tags: ['Has Space'] } });
    assert.equal(bad.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(bad.errors![0].message, /"Has Space" is not a tag/);
    const annotate = await createKey(server, ['annotate', 'read'], 'labeling-tool');
    await server.gql(TAG, { input: { requestIds: [a.requestId], tags: ['custom'] } }, annotate);
    const entry = (await server.gql(ENTRY, { id: a.requestId })).data.logEntry;
    assert.deepEqual(entry.tags.map((t: any) => [t.name, t.source, t.actor]), [['custom', 'API', 'labeling-tool']]);
    const ingestOnly = await createKey(server, ['ingest']);
    assert.equal((await server.gql(TAG, { input: { requestIds: [a.requestId], tags: ['x'] } }, ingestOnly)).errors![0].extensions?.code, 'FORBIDDEN');
  });

  test('a tagged row is never compacted; the same row untagged is', async () => {
    const kept = logInput({ requestId: unsampledId('keep'), ts: '2026-01-05T00:00:00Z', responseLogprob: -0.1 });
    const dropped = logInput({ requestId: unsampledId('drop'), ts: '2026-01-05T00:00:01Z', responseLogprob: -0.1 });
    await server.gql(LOG_BATCH_MUTATION, { inputs: [kept, dropped] });
    await server.gql(TAG, { input: { requestIds: [kept.requestId, dropped.requestId], tags: ['keep_me'] } });
    await server.gql(UNTAG, { input: { requestIds: [dropped.requestId], tags: ['keep_me'] } });
    const id = (await server.gql(`mutation { compactLogs(graceHours: 0) }`)).data.compactLogs;
    await waitFor(async () => (await server.gql(`query($id: ID!) { job(id: $id) { state } }`, { id })).data.job.state === 'completed', 'compaction');
    const left = await server.sql(`SELECT request_id FROM inference_log WHERE request_id = ANY($1)`, [[kept.requestId, dropped.requestId]]);
    assert.deepEqual(left.map((r: any) => r.request_id), [kept.requestId]);
  });
});

describe('feedback', () => {
  let server: TestServer;
  let browserKey: string;
  before(async () => {
    server = await startTestServer();
    browserKey = await createKey(server, ['feedback'], 'web-widget');
  });
  after(() => server.stop());

  test('thumbs-down tags user_negative (source USER_FEEDBACK, actor the feedback id); comment redacted, user id HMACed', async () => {
    const a = logInput();
    await server.gql(LOG_MUTATION, { input: a });
    const r = await server.gql(FEEDBACK, { input: { requestId: a.requestId, kind: 'THUMBS_DOWN', comment: 'wrong! mail me at kim@example.com', userId: 'kim' } }, browserKey);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.deepEqual({ ...r.data.submitFeedback, id: undefined }, { id: undefined, linked: true, target: 'LOGGED', created: true });
    const entry = (await server.gql(ENTRY, { id: a.requestId })).data.logEntry;
    assert.deepEqual(entry.tags.map((t: any) => [t.name, t.source, t.actor]), [['user_negative', 'USER_FEEDBACK', r.data.submitFeedback.id]]);
    assert.equal(entry.feedback[0].comment, 'wrong! mail me at [EMAIL]');
    const [row] = await server.sql(`SELECT user_id_hash, comment FROM feedback WHERE id = $1`, [r.data.submitFeedback.id]);
    assert.equal(row.user_id_hash, crypto.createHmac('sha256', HMAC_KEY).update('kim').digest('hex'));

    const up = await server.gql(FEEDBACK, { input: { requestId: a.requestId, kind: 'THUMBS_UP' } }, browserKey);
    assert.equal(up.data.submitFeedback.linked, true);
    const rating = await server.gql(FEEDBACK, { input: { requestId: a.requestId, kind: 'RATING' } }, browserKey);
    assert.match(rating.errors![0].message, /rating: is required for kind RATING/);
  });

  test('a feedback key can do nothing else', async () => {
    assert.equal((await server.gql(LOG_MUTATION, { input: logInput() }, browserKey)).errors![0].extensions?.code, 'FORBIDDEN');
    assert.equal((await server.gql(ENTRY, { id: 'x' }, browserKey)).errors![0].extensions?.code, 'FORBIDDEN');
    assert.equal((await server.gql(TAG, { input: { requestIds: ['x'], tags: ['y'] } }, browserKey)).errors![0].extensions?.code, 'FORBIDDEN');
    assert.equal((await server.gql(`{ reviewStats { open } }`, {}, browserKey)).errors![0].extensions?.code, 'FORBIDDEN');
  });

  test('idempotent on clientFeedbackId, also under concurrent duplicates', async () => {
    const a = logInput();
    await server.gql(LOG_MUTATION, { input: a });
    const input = { requestId: a.requestId, kind: 'REGENERATE', clientFeedbackId: `cf-${crypto.randomUUID()}` };
    const results = await Promise.all(Array.from({ length: 12 }, () => server.gql(FEEDBACK, { input }, browserKey)));
    assert.ok(results.every((r) => !r.errors), JSON.stringify(results.find((r) => r.errors)));
    assert.equal(new Set(results.map((r) => r.data.submitFeedback.id)).size, 1);
    assert.equal(results.filter((r) => r.data.submitFeedback.created).length, 1);
    const [{ n }] = await server.sql(`SELECT count(*)::int AS n FROM feedback WHERE request_id = $1`, [a.requestId]);
    assert.equal(n, 1);
    const reused = await server.gql(FEEDBACK, { input: { ...input, requestId: 'other-request' } }, browserKey);
    assert.match(reused.errors![0].message, /clientFeedbackId was already used for another requestId/);
  });

  test('feedback that outruns its log row is kept, protects the row, and is linked when the row arrives', async () => {
    const a = logInput({ requestId: unsampledId('early'), ts: '2026-01-06T00:00:00Z', responseLogprob: -0.1 });
    const r = await server.gql(FEEDBACK, { input: { requestId: a.requestId, kind: 'REPORT' } }, browserKey);
    assert.deepEqual({ linked: r.data.submitFeedback.linked, target: r.data.submitFeedback.target }, { linked: false, target: 'PENDING' });
    await server.gql(LOG_MUTATION, { input: a });
    const entry = (await server.gql(ENTRY, { id: a.requestId })).data.logEntry;
    assert.deepEqual(entry.feedback.map((f: any) => [f.kind, f.targetState]), [['REPORT', 'PENDING']]);
    assert.deepEqual(entry.tags.map((t: any) => t.name), ['user_negative']);
    const id = (await server.gql(`mutation { compactLogs(graceHours: 0) }`)).data.compactLogs;
    await waitFor(async () => (await server.gql(`query($id: ID!) { job(id: $id) { state } }`, { id })).data.job.state === 'completed', 'compaction');
    assert.ok((await server.gql(ENTRY, { id: a.requestId })).data.logEntry, 'the row with feedback survived compaction');
  });

  test('feedback for a compacted row is counted and the reply says so', async () => {
    const a = logInput({ requestId: unsampledId('gone'), ts: '2026-01-07T00:00:00Z', responseLogprob: -0.1 });
    await server.gql(LOG_MUTATION, { input: a });
    const id = (await server.gql(`mutation { compactLogs(graceHours: 0) }`)).data.compactLogs;
    await waitFor(async () => (await server.gql(`query($id: ID!) { job(id: $id) { state } }`, { id })).data.job.state === 'completed', 'compaction');
    const before = (await server.gql(`{ reviewStats { feedbackOnCompacted } }`)).data.reviewStats.feedbackOnCompacted;
    const r = await server.gql(FEEDBACK, { input: { requestId: a.requestId, kind: 'THUMBS_DOWN' } }, browserKey);
    assert.deepEqual({ linked: r.data.submitFeedback.linked, target: r.data.submitFeedback.target }, { linked: false, target: 'COMPACTED' });
    const afterStats = (await server.gql(`{ reviewStats { feedbackOnCompacted } }`)).data.reviewStats.feedbackOnCompacted;
    assert.equal(afterStats, before + 1);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    assert.match(metrics, /flywheel_feedback_total\{kind="THUMBS_DOWN",target="compacted"\} 1/);
  });
});
