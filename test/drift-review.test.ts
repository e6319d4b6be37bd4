import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKey, LOG_BATCH_MUTATION, LOG_MUTATION, logInput, startTestServer, TestServer } from './helpers/test-server';

const REPORT = `mutation($input: ReportDriftEventInput!) { reportDriftEvent(input: $input) { id taggedCount windowRows open windowHours } }`;
const CLAIM = `mutation($n: Int!, $a: String!) { claimReviewItems(count: $n, annotator: $a) { requestId } }`;
const CORRECT = `mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { id status conflict annotator confidence completion } }`;
const TAG = `mutation($input: TagEntriesInput!) { tagEntries(input: $input) { tagged } }`;

const H = 3_600_000;

describe('drift events tag the window before them, and nothing else', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  test('reportDriftEvent tags exactly [detectedAt − window, detectedAt] of that model version; every other row is unchanged', async () => {
    const detectedAt = Date.parse('2026-03-10T12:00:00Z');
    const rows = [];
    // 30 h of traffic for the drifting model, one row per hour, plus the same for another model.
    for (let h = -20; h <= 10; h++) {
      rows.push(logInput({ requestId: `drift-a-${h}`, modelVersion: 'drift-a', ts: new Date(detectedAt + h * H).toISOString() }));
      rows.push(logInput({ requestId: `drift-b-${h}`, modelVersion: 'drift-b', ts: new Date(detectedAt + h * H).toISOString() }));
    }
    await server.gql(LOG_BATCH_MUTATION, { inputs: rows });
    const snapshot = () => server.sql(`SELECT * FROM inference_log ORDER BY request_id`);
    const before = await snapshot();

    const r = await server.gql(REPORT, { input: { modelVersion: 'drift-a', detectedAt: new Date(detectedAt).toISOString(), metric: 'gold_pass_rate', value: 0.71, threshold: 0.8 } });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    assert.equal(r.data.reportDriftEvent.windowHours, 12);
    assert.equal(r.data.reportDriftEvent.taggedCount, 13, 'hours −12 … 0 inclusive');
    assert.equal(r.data.reportDriftEvent.windowRows, 13);
    assert.equal(r.data.reportDriftEvent.open, true);

    const tagged = await server.sql(`SELECT request_id, source, actor FROM log_tag WHERE tag = 'drift_window' ORDER BY request_id`);
    const expected = Array.from({ length: 13 }, (_, i) => `drift-a-${i - 12}`).sort();
    assert.deepEqual(tagged.map((t: any) => t.request_id), expected);
    assert.ok(tagged.every((t: any) => t.source === 'DRIFT' && t.actor === r.data.reportDriftEvent.id));
    // The lesson's tagger rewrote its log keeping only the window. Here no row is removed or changed.
    assert.deepEqual(await snapshot(), before);

    // A second, overlapping event tags only what is new.
    const again = await server.gql(REPORT, { input: { modelVersion: 'drift-a', detectedAt: new Date(detectedAt + 2 * H).toISOString(), metric: 'gold_pass_rate', value: 0.7, threshold: 0.8, windowHours: 4 } });
    assert.deepEqual([again.data.reportDriftEvent.windowRows, again.data.reportDriftEvent.taggedCount], [5, 2]);
  });

  test('while an event is open new rows of its model version are kept DRIFT_OPEN; resolveDriftEvent ends that', async () => {
    const ev = await server.gql(REPORT, { input: { modelVersion: 'drift-c', metric: 'accuracy', value: 0.5, threshold: 0.6, windowHours: 1 } });
    const during = await server.gql(LOG_MUTATION, { input: logInput({ modelVersion: 'drift-c' }) });
    assert.ok(during.data.logInference.keepReasons.includes('DRIFT_OPEN'));
    const listed = await server.gql(`{ driftEvents(filter: {modelVersion: "drift-c", open: true}) { id metric open } }`);
    assert.deepEqual(listed.data.driftEvents.map((e: any) => e.id), [ev.data.reportDriftEvent.id]);
    const resolved = await server.gql(`mutation($id: ID!) { resolveDriftEvent(id: $id) { open resolvedAt resolvedBy } }`, { id: ev.data.reportDriftEvent.id });
    assert.equal(resolved.data.resolveDriftEvent.open, false);
    const afterwards = await server.gql(LOG_MUTATION, { input: logInput({ modelVersion: 'drift-c' }) });
    assert.ok(!afterwards.data.logInference.keepReasons.includes('DRIFT_OPEN'));
    const bad = await server.gql(REPORT, { input: { modelVersion: 'x', metric: 'm', value: 1, threshold: 1, windowHours: -3 } });
    assert.equal(bad.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(bad.errors![0].message, /windowHours/);
  });
});

describe('review queue and corrections', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ REVIEW_LEASE_MINUTES: '0.03', AUTO_ACCEPT_CONFIDENCE: '0.9' });
  });
  after(() => server.stop());

  test('priority order: user_negative, drift_window, low_confidence, others; recent first', async () => {
    const t0 = Date.parse('2026-04-01T00:00:00Z');
    const mk = (id: string, min: number) => logInput({ requestId: id, modelVersion: 'queue-v1', ts: new Date(t0 + min * 60_000).toISOString() });
    const rows = [mk('q-other', 1), mk('q-low-old', 2), mk('q-low-new', 3), mk('q-drift', 4), mk('q-neg', 5)];
    await server.gql(LOG_BATCH_MUTATION, { inputs: rows });
    await server.gql(TAG, { input: { requestIds: ['q-other'], tags: ['operator_review'] } });
    await server.gql(TAG, { input: { requestIds: ['q-low-old', 'q-low-new'], tags: ['low_confidence'] } });
    await server.gql(TAG, { input: { requestIds: ['q-drift'], tags: ['drift_window', 'low_confidence'] } });
    await server.gql(TAG, { input: { requestIds: ['q-neg'], tags: ['user_negative'] } });
    const q = await server.gql(`{ reviewQueue(first: 2) { edges { cursor node { requestId reason priority entry { requestId } } } pageInfo { hasNextPage endCursor } } }`);
    const page2 = await server.gql(`query($after: String) { reviewQueue(first: 10, after: $after) { edges { node { requestId reason } } pageInfo { hasNextPage } } }`, {
      after: q.data.reviewQueue.pageInfo.endCursor,
    });
    const ids = [...q.data.reviewQueue.edges, ...page2.data.reviewQueue.edges].map((e: any) => e.node.requestId);
    assert.deepEqual(ids, ['q-neg', 'q-drift', 'q-low-new', 'q-low-old', 'q-other']);
    assert.equal(q.data.reviewQueue.edges[1].node.reason, 'drift_window');
    assert.equal(q.data.reviewQueue.edges[0].node.entry.requestId, 'q-neg');
    const stats = (await server.gql(`{ reviewStats { open byReason { reason count } } }`)).data.reviewStats;
    assert.deepEqual(stats.byReason, [
      { reason: 'user_negative', count: 1 },
      { reason: 'drift_window', count: 1 },
      { reason: 'low_confidence', count: 2 },
      { reason: 'operator_review', count: 1 },
    ]);
  });

  test('concurrent claims never hand one item to two annotators; leases expire; release returns items', async () => {
    const inputs = Array.from({ length: 40 }, (_, i) => logInput({ requestId: `claim-${i}`, modelVersion: 'claim-v1' }));
    await server.gql(LOG_BATCH_MUTATION, { inputs });
    await server.gql(TAG, { input: { requestIds: inputs.map((i) => i.requestId as string), tags: ['operator_review'] } });
    const open = (await server.gql(`{ reviewStats { open } }`)).data.reviewStats.open;
    const annotators = Array.from({ length: 10 }, (_, i) => `annotator-${i}`);
    const claims = await Promise.all(annotators.map((a) => server.gql(CLAIM, { n: 6, a })));
    const all = claims.flatMap((c) => {
      assert.equal(c.errors, undefined, JSON.stringify(c.errors));
      return c.data.claimReviewItems.map((e: any) => e.requestId);
    });
    assert.equal(new Set(all).size, all.length, 'no item was handed out twice');
    assert.equal(all.length, Math.min(60, open), 'every claim was filled while items remained');
    const held = await server.sql(`SELECT count(DISTINCT claimed_by)::int AS n FROM review_item WHERE lease_expires_at > now()`);
    assert.ok(held[0].n >= 2);

    const mine = claims[0].data.claimReviewItems.map((e: any) => e.requestId);
    const released = await server.gql(`mutation($ids: [String!]!) { releaseReviewItems(requestIds: $ids, annotator: "annotator-0") }`, { ids: mine });
    assert.equal(released.data.releaseReviewItems, mine.length);
    const notMine = await server.gql(`mutation($ids: [String!]!) { releaseReviewItems(requestIds: $ids, annotator: "annotator-0") }`, {
      ids: claims[1].data.claimReviewItems.map((e: any) => e.requestId),
    });
    assert.equal(notMine.data.releaseReviewItems, 0, 'an annotator cannot release someone else’s claim');

    // The lease is ~2 s here (REVIEW_LEASE_MINUTES=0.03): afterwards everything is claimable again.
    await new Promise((r) => setTimeout(r, 2500));
    const reclaim = await server.gql(CLAIM, { n: 100, a: 'late-annotator' });
    assert.equal(reclaim.data.claimReviewItems.length, Math.min(100, open));
  });

  test('corrections: operator accepted; model routed by confidence; accept/reject; accepted leaves the queue; label conflicts', async () => {
    const a = logInput({ requestId: 'corr-a', prompt: 'What is the capital of France?' });
    const b = logInput({ requestId: 'corr-b', prompt: '  what is the CAPITAL of france ' });
    const c = logInput({ requestId: 'corr-c', prompt: 'Summarise the refund policy.' });
    await server.gql(LOG_BATCH_MUTATION, { inputs: [a, b, c] });
    await server.gql(TAG, { input: { requestIds: ['corr-a', 'corr-b', 'corr-c'], tags: ['user_negative'] } });

    const op = await server.gql(CORRECT, { input: { requestId: 'corr-a', completion: 'Paris. Contact: help@example.com', source: 'OPERATOR', annotator: 'ana' } });
    assert.equal(op.data.submitCorrection.status, 'ACCEPTED');
    assert.equal(op.data.submitCorrection.completion, 'Paris. Contact: [EMAIL]');
    const high = await server.gql(CORRECT, { input: { requestId: 'corr-c', completion: 'Refunds within 30 days.', source: 'MODEL', annotator: 'judge-v2', confidence: 0.95 } });
    assert.equal(high.data.submitCorrection.status, 'ACCEPTED');
    const low = await server.gql(CORRECT, { input: { requestId: 'corr-b', completion: 'Lyon', source: 'MODEL', annotator: 'judge-v2', confidence: 0.4 } });
    assert.equal(low.data.submitCorrection.status, 'PROPOSED');
    const noConf = await server.gql(CORRECT, { input: { requestId: 'corr-b', completion: 'x', source: 'MODEL', annotator: 'judge-v2' } });
    assert.match(noConf.errors![0].message, /confidence: is required for MODEL/);
    const missing = await server.gql(CORRECT, { input: { requestId: 'nope', completion: 'x', source: 'OPERATOR', annotator: 'ana' } });
    assert.equal(missing.errors![0].extensions?.code, 'NOT_FOUND');

    let queue = (await server.gql(`{ reviewQueue(first: 100, filter: {includeClaimed: true}) { edges { node { requestId } } } }`)).data.reviewQueue.edges.map((e: any) => e.node.requestId);
    assert.ok(!queue.includes('corr-a') && !queue.includes('corr-c') && queue.includes('corr-b'), 'accepted corrections take entries out of the queue');

    // A human accepts the model's wrong answer: now the same normalised prompt has two accepted labels.
    const accepted = await server.gql(`mutation($id: ID!) { acceptCorrection(id: $id, reviewer: "lead") { status reviewedBy conflict } }`, { id: low.data.submitCorrection.id });
    assert.deepEqual(accepted.data.acceptCorrection, { status: 'ACCEPTED', reviewedBy: 'lead', conflict: true });
    const conflicts = await server.gql(`{ labelConflicts { promptKey corrections { requestId completion } } }`);
    assert.equal(conflicts.data.labelConflicts.length, 1);
    assert.deepEqual(conflicts.data.labelConflicts[0].corrections.map((x: any) => x.requestId).sort(), ['corr-a', 'corr-b']);
    const rejected = await server.gql(`mutation($id: ID!) { rejectCorrection(id: $id) { status conflict } }`, { id: low.data.submitCorrection.id });
    assert.deepEqual(rejected.data.rejectCorrection, { status: 'REJECTED', conflict: false });
    assert.equal((await server.gql(`{ labelConflicts { promptKey } }`)).data.labelConflicts.length, 0);
    queue = (await server.gql(`{ reviewQueue(first: 100, filter: {includeClaimed: true}) { edges { node { requestId } } } }`)).data.reviewQueue.edges.map((e: any) => e.node.requestId);
    assert.ok(queue.includes('corr-b'), 'a rejected correction puts the entry back in the queue');
    const stats = (await server.gql(`{ reviewStats { acceptedCorrections rejectedCorrections proposedCorrections labelConflicts } }`)).data.reviewStats;
    assert.deepEqual(stats, { acceptedCorrections: 2, rejectedCorrections: 1, proposedCorrections: 0, labelConflicts: 0 });
  });
});

describe('nested reads, filters and aggregates', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ API_KEY_CACHE_SECONDS: '60' });
  });
  after(() => server.stop());

  test('a page of 100 entries with tags, feedback and corrections costs 4 SQL statements', async () => {
    const inputs = Array.from({ length: 120 }, (_, i) => logInput({ requestId: `nest-${String(i).padStart(3, '0')}`, modelVersion: 'nest-v1' }));
    await server.gql(LOG_BATCH_MUTATION, { inputs });
    const ids = inputs.map((i) => i.requestId as string);
    await server.gql(TAG, { input: { requestIds: ids.slice(0, 60), tags: ['operator_review'] } });
    const fb = await createKey(server, ['feedback']);
    for (const id of ids.slice(0, 10)) await server.gql(`mutation($id: String!) { submitFeedback(input: {requestId: $id, kind: THUMBS_DOWN}) { id } }`, { id }, fb);
    for (const id of ids.slice(0, 5)) await server.gql(CORRECT, { input: { requestId: id, completion: 'better', source: 'OPERATOR', annotator: 'ana' } });

    const statements = async () => Number(/^flywheel_db_statements_total (\d+)/m.exec(await (await fetch(`${server.url}/metrics`)).text())![1]);
    const query = `{ logEntries(first: 100, filter: {modelVersion: "nest-v1"}, order: ASC) { edges { node { requestId tags { name source } feedback { kind } corrections { completion status annotator confidence } } } } }`;
    await server.gql(query); // warms the key cache
    const before = await statements();
    const r = await server.gql(query);
    const used = (await statements()) - before;
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const nodes = r.data.logEntries.edges.map((e: any) => e.node);
    assert.equal(nodes.length, 100);
    assert.deepEqual(nodes[0].tags.map((t: any) => t.name).sort(), ['operator_review', 'user_negative']);
    assert.equal(nodes[0].feedback[0].kind, 'THUMBS_DOWN');
    assert.equal(nodes[0].corrections[0].status, 'ACCEPTED');
    assert.deepEqual(nodes[99].tags, []);
    assert.equal(used, 4, `statements for one page: ${used}`);
  });

  test('filters: hasTag, anyTags, hasAcceptedCorrection, hasFeedbackKind; tagCounts time series', async () => {
    const ids = async (filter: Record<string, unknown>) =>
      (await server.gql(`query($f: LogEntryFilter) { logEntries(first: 500, filter: $f, order: ASC) { edges { node { requestId } } } }`, { f: { modelVersion: 'nest-v1', ...filter } })).data.logEntries.edges.map(
        (e: any) => e.node.requestId,
      );
    assert.equal((await ids({ hasTag: 'operator_review' })).length, 60);
    assert.equal((await ids({ anyTags: ['user_negative', 'nope'] })).length, 10);
    assert.equal((await ids({ hasAcceptedCorrection: true })).length, 5);
    assert.equal((await ids({ hasAcceptedCorrection: false })).length, 115);
    assert.equal((await ids({ hasFeedbackKind: 'THUMBS_DOWN' })).length, 10);
    assert.equal((await ids({ hasFeedbackKind: 'THUMBS_UP' })).length, 0);

    const from = new Date(Date.now() - 2 * H).toISOString();
    const to = new Date(Date.now() + H).toISOString();
    const series = await server.gql(`query($from: DateTimeISO!, $to: DateTimeISO!) { tagCounts(from: $from, to: $to, bucket: DAY, modelVersion: "nest-v1") { bucket tag count } }`, { from, to });
    const totals: Record<string, number> = {};
    for (const b of series.data.tagCounts) totals[b.tag] = (totals[b.tag] ?? 0) + b.count;
    assert.deepEqual(totals, { operator_review: 60, user_negative: 10 });
  });
});

describe('automatic flags at ingest', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  test('low_confidence and anomalous_output (empty, truncated, degenerate) are tagged AUTO_FLAG and queued', async () => {
    const cases = [
      logInput({ requestId: 'af-low', responseLogprob: -4.2 }),
      logInput({ requestId: 'af-empty', response: '   ' }),
      logInput({ requestId: 'af-trunc', response: 'Here is the code:\n```python\nfor i in range(', metadata: { finish_reason: 'length' } }),
      logInput({ requestId: 'af-loop', response: 'I am sorry. '.repeat(40) }),
      logInput({ requestId: 'af-fine', response: 'Open Settings, choose Security, then Reset password.', responseLogprob: -0.2 }),
    ];
    const r = await server.gql(LOG_BATCH_MUTATION, { inputs: cases });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const tags = await server.sql(`SELECT request_id, tag, source FROM log_tag WHERE request_id LIKE 'af-%' ORDER BY request_id, tag`);
    assert.deepEqual(
      tags.map((t: any) => [t.request_id, t.tag, t.source]),
      [
        ['af-empty', 'anomalous_output', 'AUTO_FLAG'],
        ['af-loop', 'anomalous_output', 'AUTO_FLAG'],
        ['af-low', 'low_confidence', 'AUTO_FLAG'],
        ['af-trunc', 'anomalous_output', 'AUTO_FLAG'],
      ],
    );
    const queued = await server.sql(`SELECT request_id, reason FROM review_item WHERE request_id LIKE 'af-%' ORDER BY request_id`);
    assert.equal(queued.length, 4);
    const readKey = await createKey(server, ['read']);
    const entry = await server.gql(`{ logEntry(requestId: "af-low") { tags { name source actor } } }`, {}, readKey);
    assert.deepEqual(entry.data.logEntry.tags, [{ name: 'low_confidence', source: 'AUTO_FLAG', actor: 'ingest' }]);
  });
});
