import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sampleFraction } from '../src/services/ingest/keep-reasons';
import { ADMIN_KEY, createKey, HMAC_KEY, LOG_MUTATION, logBatch, logInput, startTestServer, TestServer, waitFor } from './helpers/test-server';

// The acting identity (tag actor, remover) is the calling key's name; only an ADMIN key may name someone
// else, and only by saying so (onBehalfOf).
const TAG = `mutation($input: TagLogEntriesInput!) { tagLogEntries(input: $input) { taggedCount unchangedCount missingRequestIds entries { requestId tags { name } } } }`;
const UNTAG = `mutation($input: UntagLogEntriesInput!) { untagLogEntries(input: $input) { untaggedCount missingRequestIds entries { requestId tags { name } } } }`;
const FEEDBACK = `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { feedbackId created feedback { id kind targetState } logEntry { requestId tags { name } } } }`;
const ENTRY = `query($id: String!) { logEntry(requestId: $id) { requestId tags { name source actor } feedback { id kind rating comment targetState } } }`;
const COMPACT = `mutation { compactLogs(input: { graceHours: 0 }) { job { id } } }`;
const JOB = `query($id: ID!) { job(id: $id) { state } }`;

let n = 0;
/** A requestId the sampler does not keep, so only references can protect its row. */
function unsampledId(prefix = 'tf'): string {
  for (;;) {
    const id = `${prefix}-${process.pid}-${n++}`;
    if (sampleFraction(id) >= 0.05) return id;
  }
}

/** Runs compaction with no grace window and waits for the job to finish. */
async function compactNow(server: TestServer): Promise<void> {
  const r = await server.gql(COMPACT);
  assert.equal(r.errors, undefined, JSON.stringify(r.errors));
  const id = r.data.compactLogs.job.id;
  await waitFor(async () => (await server.gql(JOB, { id })).data.job.state === 'COMPLETED', 'compaction');
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
    await logBatch(server, [a, b]);
    // Ana tags with her own ANNOTATE key: the key's name is the actor, and the source is OPERATOR. (Her key
    // also READs: the payload's entries need READ, like logEntry.)
    const ana = await createKey(server, ['annotate', 'read'], 'ana');
    const r = await server.gql(TAG, { input: { requestIds: [a.requestId, b.requestId, 'never-logged'], tags: ['operator_review', 'billing.refund'] } }, ana);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const { entries, ...counts } = r.data.tagLogEntries;
    assert.deepEqual(counts, { taggedCount: 4, unchangedCount: 0, missingRequestIds: ['never-logged'] });
    // The payload hands back the stored entries with their tags as they are now (for client caches).
    assert.deepEqual(entries.map((e: any) => [e.requestId, e.tags.map((t: any) => t.name)]), [
      [a.requestId, ['operator_review', 'billing.refund']],
      [b.requestId, ['operator_review', 'billing.refund']],
    ]);
    const again = await server.gql(TAG, { input: { requestIds: [a.requestId], tags: ['operator_review'] } });
    assert.deepEqual({ ...again.data.tagLogEntries, entries: undefined }, { taggedCount: 0, unchangedCount: 1, missingRequestIds: [], entries: undefined });

    const entry = (await server.gql(ENTRY, { id: a.requestId })).data.logEntry;
    assert.deepEqual(entry.tags.map((t: any) => [t.name, t.source, t.actor]), [
      ['operator_review', 'OPERATOR', 'ana'],
      ['billing.refund', 'OPERATOR', 'ana'],
    ]);

    // An ANNOTATE key cannot claim to be someone else (the old free `annotator` argument is gone)…
    const spoof = await server.gql(UNTAG, { input: { requestIds: [a.requestId], tags: ['billing.refund'], onBehalfOf: 'bo' } }, ana);
    assert.equal(spoof.errors?.[0].extensions?.code, 'FORBIDDEN');
    // …but an ADMIN key may act for a named operator, saying so; the removal is recorded under that name.
    const un = await server.gql(UNTAG, { input: { requestIds: [a.requestId], tags: ['billing.refund'], onBehalfOf: 'bo' } });
    assert.equal(un.errors, undefined, JSON.stringify(un.errors));
    assert.deepEqual(un.data.untagLogEntries, { untaggedCount: 1, missingRequestIds: [], entries: [{ requestId: a.requestId, tags: [{ name: 'operator_review' }] }] });
    const after = (await server.gql(ENTRY, { id: a.requestId })).data.logEntry;
    assert.deepEqual(after.tags.map((t: any) => t.name), ['operator_review']);
    const history = await server.sql(`SELECT tag, removed_by, removed_at IS NOT NULL AS removed FROM log_tag WHERE request_id = $1 ORDER BY id`, [a.requestId]);
    assert.deepEqual(history, [
      { tag: 'operator_review', removed_by: null, removed: false },
      { tag: 'billing.refund', removed_by: 'bo', removed: true },
    ]);
  });

  // Changed rule: an ANNOTATE key used to tag as source API; it now tags as a human operator
  // (OPERATOR, actor = key name). Source API is what an ADMIN key acting as itself records.
  test('invalid tags are refused; an ANNOTATE key tags as OPERATOR, an ADMIN key as API, each under its key name', async () => {
    const a = logInput();
    await server.gql(LOG_MUTATION, { input: a });
    const bad = await server.gql(TAG, { input: { requestIds: [a.requestId], tags: ['Has Space'] } });
    assert.equal(bad.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(bad.errors![0].message, /tags\[0\]: not a tag/);
    assert.doesNotMatch(bad.errors![0].message, /Has Space/, 'the message names the field, never the value sent');
    const annotate = await createKey(server, ['annotate', 'read'], 'labeling-tool');
    const tagged = await server.gql(TAG, { input: { requestIds: [a.requestId], tags: ['custom'] } }, annotate);
    assert.equal(tagged.errors, undefined, JSON.stringify(tagged.errors));
    const adminName = (await server.gql(`{ viewer { name } }`)).data.viewer.name;
    await server.gql(TAG, { input: { requestIds: [a.requestId], tags: ['pipeline'] } });
    const entry = (await server.gql(ENTRY, { id: a.requestId })).data.logEntry;
    assert.deepEqual(entry.tags.map((t: any) => [t.name, t.source, t.actor]), [
      ['custom', 'OPERATOR', 'labeling-tool'],
      ['pipeline', 'API', adminName],
    ]);
    const ingestOnly = await createKey(server, ['ingest']);
    assert.equal((await server.gql(TAG, { input: { requestIds: [a.requestId], tags: ['x'] } }, ingestOnly)).errors![0].extensions?.code, 'FORBIDDEN');
  });

  test('payloads show no more than the key may read: without READ, the entries of tag/untag and the logEntry of submitCorrection are null (FORBIDDEN), the rest arrives', async () => {
    const e = logInput();
    const other = logInput();
    await logBatch(server, [e, other]);
    const annotateOnly = await createKey(server, ['ANNOTATE'], `annotate-only-${crypto.randomBytes(3).toString('hex')}`);
    // logEntry itself is refused to this key…
    const read = await server.gql(ENTRY, { id: e.requestId }, annotateOnly);
    assert.equal(read.errors![0].extensions?.code, 'FORBIDDEN');

    // …so tagging must not hand the entry back: the write happens, the counts arrive, `entries` alone is null.
    const tagged = await server.gql(TAG, { input: { requestIds: [e.requestId], tags: ['needs.look'] } }, annotateOnly);
    assert.deepEqual(tagged.data.tagLogEntries, { taggedCount: 1, unchangedCount: 0, missingRequestIds: [], entries: null });
    assert.equal(tagged.errors?.length, 1, JSON.stringify(tagged.errors));
    assert.equal(tagged.errors![0].extensions?.code, 'FORBIDDEN');
    assert.deepEqual(tagged.errors![0].path, ['tagLogEntries', 'entries']);
    assert.deepEqual(tagged.errors![0].extensions?.requiredScopes, ['READ']);
    const untagged = await server.gql(UNTAG, { input: { requestIds: [e.requestId], tags: ['needs.look'] } }, annotateOnly);
    assert.deepEqual(untagged.data.untagLogEntries, { untaggedCount: 1, missingRequestIds: [], entries: null });
    assert.deepEqual(untagged.errors!.map((x) => [x.extensions?.code, x.path]), [['FORBIDDEN', ['untagLogEntries', 'entries']]]);
    // Any stored entry may be corrected (not only queued ones): the payload's logEntry needs READ too.
    const CORRECT = `mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { id status } logEntry { requestId prompt } } }`;
    const corrected = await server.gql(CORRECT, { input: { requestId: other.requestId, completion: 'Better.' } }, annotateOnly);
    assert.equal(corrected.data.submitCorrection.correction.status, 'ACCEPTED');
    assert.equal(corrected.data.submitCorrection.logEntry, null);
    assert.deepEqual(corrected.errors!.map((x) => [x.extensions?.code, x.path]), [['FORBIDDEN', ['submitCorrection', 'logEntry']]]);
    assert.ok(!JSON.stringify(corrected.data).includes(other.prompt as string), 'the prompt never reaches the key');

    // The same calls by a key that also READs carry the entries.
    const both = await createKey(server, ['ANNOTATE', 'READ'], `annotate-read-${crypto.randomBytes(3).toString('hex')}`);
    const seen = await server.gql(TAG, { input: { requestIds: [e.requestId], tags: ['needs.look'] } }, both);
    assert.equal(seen.errors, undefined, JSON.stringify(seen.errors));
    assert.deepEqual(seen.data.tagLogEntries.entries, [{ requestId: e.requestId, tags: [{ name: 'needs.look' }] }]);
  });

  test('a tagged row is never compacted; the same row untagged is', async () => {
    const kept = logInput({ requestId: unsampledId('keep'), occurredAt: '2026-01-05T00:00:00Z', responseLogprob: -0.1 });
    const dropped = logInput({ requestId: unsampledId('drop'), occurredAt: '2026-01-05T00:00:01Z', responseLogprob: -0.1 });
    await logBatch(server, [kept, dropped]);
    await server.gql(TAG, { input: { requestIds: [kept.requestId, dropped.requestId], tags: ['keep_me'] } });
    await server.gql(UNTAG, { input: { requestIds: [dropped.requestId], tags: ['keep_me'] } });
    await compactNow(server);
    const left = await server.sql(`SELECT request_id FROM inference_log WHERE request_id = ANY($1)`, [[kept.requestId, dropped.requestId]]);
    assert.deepEqual(left.map((r: any) => r.request_id), [kept.requestId]);
  });
});

describe('feedback', () => {
  let server: TestServer;
  let browserKey: string;
  /** A support console that records feedback and may READ: its replies say where the feedback landed. */
  let consoleKey: string;
  before(async () => {
    server = await startTestServer();
    browserKey = await createKey(server, ['feedback'], 'web-widget');
    consoleKey = await createKey(server, ['feedback', 'read'], 'support-console');
  });
  after(() => server.stop());

  /** The stored (database) id of the feedback on a request; tags from feedback name it as their actor. */
  const storedFeedbackIds = async (requestId: unknown) =>
    (await server.sql(`SELECT id::text AS id FROM feedback WHERE request_id = $1 ORDER BY created_at, id`, [requestId])).map((r: any) => r.id);

  test('thumbs-down tags user_negative (source USER_FEEDBACK, actor the feedback id); comment redacted, user id HMACed', async () => {
    const a = logInput();
    await server.gql(LOG_MUTATION, { input: a });
    const r = await server.gql(FEEDBACK, { input: { requestId: a.requestId, kind: 'THUMBS_DOWN', comment: 'wrong! mail me at kim@example.com', userId: 'kim' } }, browserKey);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    // Changed rule: the old reply said `linked: true, target: LOGGED` to anyone. A browser-shipped
    // FEEDBACK-only key now learns only that its click was recorded: whether the requestId was logged is
    // for keys that may READ. So the target state is checked on the entry, with a READ-capable key.
    assert.equal(typeof r.data.submitFeedback.feedbackId, 'string');
    assert.deepEqual({ ...r.data.submitFeedback, feedbackId: undefined }, { feedbackId: undefined, created: true, feedback: null, logEntry: null });
    const entry = (await server.gql(ENTRY, { id: a.requestId })).data.logEntry;
    assert.deepEqual(entry.feedback.map((f: any) => [f.id, f.kind, f.targetState]), [[r.data.submitFeedback.feedbackId, 'THUMBS_DOWN', 'LOGGED']]);
    const [storedId] = await storedFeedbackIds(a.requestId);
    // The actor is the feedback's global id, so a client can follow it with node(id:).
    assert.deepEqual(entry.tags.map((t: any) => [t.name, t.source, t.actor]), [['user_negative', 'USER_FEEDBACK', r.data.submitFeedback.feedbackId]]);
    assert.equal(entry.feedback[0].comment, 'wrong! mail me at [EMAIL]');
    const [row] = await server.sql(`SELECT user_id_hash, comment FROM feedback WHERE id = $1`, [storedId]);
    assert.equal(row.user_id_hash, crypto.createHmac('sha256', HMAC_KEY).update('kim').digest('hex'));

    const up = await server.gql(FEEDBACK, { input: { requestId: a.requestId, kind: 'THUMBS_UP' } }, browserKey);
    assert.equal(up.errors, undefined, JSON.stringify(up.errors));
    const withUp = (await server.gql(ENTRY, { id: a.requestId })).data.logEntry;
    assert.deepEqual(withUp.feedback.map((f: any) => [f.kind, f.targetState]), [['THUMBS_DOWN', 'LOGGED'], ['THUMBS_UP', 'LOGGED']], 'the thumbs-up is linked too');
    assert.deepEqual(withUp.tags.map((t: any) => t.name), ['user_negative'], 'a thumbs-up tags nothing');
    const rating = await server.gql(FEEDBACK, { input: { requestId: a.requestId, kind: 'RATING' } }, browserKey);
    assert.match(rating.errors![0].message, /rating: is required for kind RATING/);
  });

  test('a key that may READ gets the feedback and the entry back in the reply', async () => {
    const a = logInput();
    await server.gql(LOG_MUTATION, { input: a });
    const r = await server.gql(FEEDBACK, { input: { requestId: a.requestId, kind: 'REPORT' } }, consoleKey);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const { feedbackId, created, feedback, logEntry } = r.data.submitFeedback;
    assert.equal(created, true);
    assert.deepEqual(feedback, { id: feedbackId, kind: 'REPORT', targetState: 'LOGGED' });
    assert.deepEqual(logEntry, { requestId: a.requestId, tags: [{ name: 'user_negative' }] });
  });

  test('a feedback key can do nothing else', async () => {
    assert.equal((await server.gql(LOG_MUTATION, { input: logInput() }, browserKey)).errors![0].extensions?.code, 'FORBIDDEN');
    assert.equal((await server.gql(ENTRY, { id: 'x' }, browserKey)).errors![0].extensions?.code, 'FORBIDDEN');
    assert.equal((await server.gql(TAG, { input: { requestIds: ['x'], tags: ['y'] } }, browserKey)).errors![0].extensions?.code, 'FORBIDDEN');
    assert.equal((await server.gql(`{ reviewStats { open } }`, {}, browserKey)).errors![0].extensions?.code, 'FORBIDDEN');
    assert.equal((await server.gql(`{ viewer { name } }`, {}, browserKey)).errors![0].extensions?.code, 'FORBIDDEN');
  });

  test('idempotent on clientFeedbackId, also under concurrent duplicates', async () => {
    const a = logInput();
    await server.gql(LOG_MUTATION, { input: a });
    const input = { requestId: a.requestId, kind: 'REGENERATE', clientFeedbackId: `cf-${crypto.randomUUID()}` };
    const results = await Promise.all(Array.from({ length: 12 }, () => server.gql(FEEDBACK, { input }, browserKey)));
    assert.ok(results.every((r) => !r.errors), JSON.stringify(results.find((r) => r.errors)));
    assert.equal(new Set(results.map((r) => r.data.submitFeedback.feedbackId)).size, 1);
    assert.equal(results.filter((r) => r.data.submitFeedback.created).length, 1);
    const [{ n }] = await server.sql(`SELECT count(*)::int AS n FROM feedback WHERE request_id = $1`, [a.requestId]);
    assert.equal(n, 1);
    const reused = await server.gql(FEEDBACK, { input: { ...input, requestId: 'other-request' } }, browserKey);
    assert.match(reused.errors![0].message, /clientFeedbackId was already used for another requestId/);
  });

  test('feedback that outruns its log row is kept, protects the row, and is linked when the row arrives', async () => {
    const a = logInput({ requestId: unsampledId('early'), occurredAt: '2026-01-06T00:00:00Z', responseLogprob: -0.1 });
    // The reply says PENDING to a key that may READ (no entry yet); a FEEDBACK-only key is told nothing.
    const r = await server.gql(FEEDBACK, { input: { requestId: a.requestId, kind: 'REPORT' } }, consoleKey);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.deepEqual({ target: r.data.submitFeedback.feedback.targetState, logEntry: r.data.submitFeedback.logEntry }, { target: 'PENDING', logEntry: null });
    await server.gql(LOG_MUTATION, { input: a });
    // The entry shows its feedback at once; the tag (and the review queue) follow when the
    // feedback-match job (every minute) links it: pending feedback writes nothing else until then.
    assert.deepEqual((await server.gql(ENTRY, { id: a.requestId })).data.logEntry.tags, []);
    const job = await server.app.services.jobs.send('feedback-match', {});
    await waitFor(async () => (await server.app.services.jobs.status(job))?.state === 'completed', 'the feedback-match job');
    const entry = (await server.gql(ENTRY, { id: a.requestId })).data.logEntry;
    assert.deepEqual(entry.feedback.map((f: any) => [f.kind, f.targetState]), [['REPORT', 'PENDING']]);
    assert.deepEqual(entry.tags.map((t: any) => t.name), ['user_negative']);
    await compactNow(server);
    assert.ok((await server.gql(ENTRY, { id: a.requestId })).data.logEntry, 'the row with feedback survived compaction');
  });

  test('feedback for a compacted row is counted, and a reply to a READ key says so', async () => {
    const a = logInput({ requestId: unsampledId('gone'), occurredAt: '2026-01-07T00:00:00Z', responseLogprob: -0.1 });
    await server.gql(LOG_MUTATION, { input: a });
    await compactNow(server);
    const before = (await server.gql(`{ reviewStats { feedbackOnCompacted } }`)).data.reviewStats.feedbackOnCompacted;
    // The browser's reply looks the same as for a logged row: it must not reveal what was compacted.
    const r = await server.gql(FEEDBACK, { input: { requestId: a.requestId, kind: 'THUMBS_DOWN' } }, browserKey);
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.deepEqual({ ...r.data.submitFeedback, feedbackId: undefined }, { feedbackId: undefined, created: true, feedback: null, logEntry: null });
    // A dashboard refetches it by its global id and sees where it landed.
    const node = await server.gql(`query($id: ID!) { node(id: $id) { ... on Feedback { kind targetState } } }`, { id: r.data.submitFeedback.feedbackId });
    assert.deepEqual(node.data.node, { kind: 'THUMBS_DOWN', targetState: 'COMPACTED' });
    // The support console's own reply says COMPACTED directly, with no entry to attach it to.
    const told = await server.gql(FEEDBACK, { input: { requestId: a.requestId, kind: 'THUMBS_DOWN' } }, consoleKey);
    assert.deepEqual({ target: told.data.submitFeedback.feedback.targetState, logEntry: told.data.submitFeedback.logEntry }, { target: 'COMPACTED', logEntry: null });
    const afterStats = (await server.gql(`{ reviewStats { feedbackOnCompacted } }`)).data.reviewStats.feedbackOnCompacted;
    assert.equal(afterStats, before + 2);
    const metrics = await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text();
    assert.match(metrics, /flywheel_feedback_total\{kind="THUMBS_DOWN",target="compacted"\} 2/);
  });
});
