import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ADMIN_KEY, createKey, LOG_MUTATION, logBatch, logInput, startTestServer, TestServer, usingRealPostgres } from './helpers/test-server';

const REPORT = `mutation($input: ReportDriftEventInput!) { reportDriftEvent(input: $input) { driftEvent { id taggedCount open windowHours } windowRows } }`;
// The claimant, annotator and reviewer are the calling key's name: each person below has a key of their own.
const CLAIM = `mutation($input: ClaimReviewItemsInput!) { claimReviewItems(input: $input) { items { requestId claimedBy status entry { requestId } } } }`;
const RELEASE = `mutation($input: ReleaseReviewItemsInput!) { releaseReviewItems(input: $input) { releasedCount items { requestId claimedBy } } }`;
const CORRECT = `mutation($input: SubmitCorrectionInput!) {
  submitCorrection(input: $input) { correction { id status source conflict annotator confidence completion } reviewItem { status claimedBy } }
}`;
const ACCEPT = `mutation($input: AcceptCorrectionInput!) { acceptCorrection(input: $input) { correction { status reviewedBy conflict } reviewItem { status } } }`;
const REJECT = `mutation($input: RejectCorrectionInput!) { rejectCorrection(input: $input) { correction { status reviewedBy conflict } reviewItem { status } } }`;
const TAG = `mutation($input: TagLogEntriesInput!) { tagLogEntries(input: $input) { taggedCount } }`;

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
      rows.push(logInput({ requestId: `drift-a-${h}`, modelVersion: 'drift-a', occurredAt: new Date(detectedAt + h * H).toISOString() }));
      rows.push(logInput({ requestId: `drift-b-${h}`, modelVersion: 'drift-b', occurredAt: new Date(detectedAt + h * H).toISOString() }));
    }
    await logBatch(server, rows);
    const snapshot = () => server.sql(`SELECT * FROM inference_log ORDER BY request_id`);
    const before = await snapshot();

    const r = await server.gql(REPORT, { input: { modelVersion: 'drift-a', detectedAt: new Date(detectedAt).toISOString(), metric: 'gold_pass_rate', value: 0.71, threshold: 0.8 } });
    assert.equal(r.errors, undefined, JSON.stringify(r.errors));
    const event = r.data.reportDriftEvent.driftEvent;
    assert.equal(event.windowHours, 12);
    assert.equal(event.taggedCount, 13, 'hours −12 … 0 inclusive');
    assert.equal(r.data.reportDriftEvent.windowRows, 13);
    assert.equal(event.open, true);
    // The global id refetches the event it names.
    const refetched = await server.gql(`query($id: ID!) { node(id: $id) { ... on DriftEvent { modelVersion taggedCount } } }`, { id: event.id });
    assert.deepEqual(refetched.data.node, { modelVersion: 'drift-a', taggedCount: 13 });

    const tagged = await server.sql(`SELECT request_id, source, actor FROM log_tag WHERE tag = 'drift_window' ORDER BY request_id`);
    const expected = Array.from({ length: 13 }, (_, i) => `drift-a-${i - 12}`).sort();
    assert.deepEqual(tagged.map((t: any) => t.request_id), expected);
    // The tags name the event as their actor (by its stored id: Tag.actor is a plain string, not a global id).
    const [{ id: storedEventId }] = await server.sql(`SELECT id::text AS id FROM drift_event WHERE model_version = 'drift-a'`);
    assert.ok(tagged.every((t: any) => t.source === 'DRIFT' && t.actor === storedEventId));
    // The lesson's tagger rewrote its log keeping only the window. Here no row is removed or changed.
    assert.deepEqual(await snapshot(), before);

    // A second, overlapping event tags only what is new.
    const again = await server.gql(REPORT, { input: { modelVersion: 'drift-a', detectedAt: new Date(detectedAt + 2 * H).toISOString(), metric: 'gold_pass_rate', value: 0.7, threshold: 0.8, windowHours: 4 } });
    assert.deepEqual([again.data.reportDriftEvent.windowRows, again.data.reportDriftEvent.driftEvent.taggedCount], [5, 2]);
  });

  test('while an event is open new rows of its model version are kept DRIFT_OPEN; resolveDriftEvent ends that', async () => {
    const ev = await server.gql(REPORT, { input: { modelVersion: 'drift-c', metric: 'accuracy', value: 0.5, threshold: 0.6, windowHours: 1 } });
    const during = await server.gql(LOG_MUTATION, { input: logInput({ modelVersion: 'drift-c' }) });
    assert.ok(during.data.logInference.keepReasons.includes('DRIFT_OPEN'));
    const eventId = ev.data.reportDriftEvent.driftEvent.id;
    const listed = await server.gql(`{ driftEvents(filter: {modelVersion: "drift-c", open: true}) { totalCount nodes { id metric open } } }`);
    assert.deepEqual(listed.data.driftEvents.nodes.map((e: any) => e.id), [eventId]);
    assert.equal(listed.data.driftEvents.totalCount, 1);
    // Whoever resolves it is recorded by their key's name.
    const oncall = await createKey(server, ['annotate'], 'oncall-sre');
    const resolved = await server.gql(`mutation($input: ResolveDriftEventInput!) { resolveDriftEvent(input: $input) { driftEvent { open resolvedAt resolvedBy } } }`, {
      input: { driftEventId: eventId },
    }, oncall);
    assert.equal(resolved.errors, undefined, JSON.stringify(resolved.errors));
    assert.equal(resolved.data.resolveDriftEvent.driftEvent.open, false);
    assert.equal(resolved.data.resolveDriftEvent.driftEvent.resolvedBy, 'oncall-sre');
    const stillOpen = await server.gql(`{ driftEvents(filter: {modelVersion: "drift-c", open: true}) { totalCount nodes { id } } }`);
    assert.deepEqual(stillOpen.data.driftEvents, { totalCount: 0, nodes: [] });
    const afterwards = await server.gql(LOG_MUTATION, { input: logInput({ modelVersion: 'drift-c' }) });
    assert.ok(!afterwards.data.logInference.keepReasons.includes('DRIFT_OPEN'));
    const bad = await server.gql(REPORT, { input: { modelVersion: 'x', metric: 'm', value: 1, threshold: 1, windowHours: -3 } });
    assert.equal(bad.errors![0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(bad.errors![0].message, /windowHours/);
  });
});

describe('a batch racing a drift report (per-model lock)', { skip: !usingRealPostgres && 'the embedded database runs one transaction at a time: no race to lose' }, () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.stop());

  test('rows committed while reportDriftEvent runs get the window tag or DRIFT_OPEN: none escapes both', async () => {
    const detectedAt = new Date();
    const windowRow = (i: number) => logInput({ requestId: `race-${i}`, modelVersion: 'drift-race', occurredAt: new Date(detectedAt.getTime() - 60_000).toISOString() });
    await logBatch(server, [windowRow(0)]);
    let ingest: Promise<unknown> | undefined;
    let ingestDone = false;
    // The report's transaction stays open (its tagging has run) while a batch for the same model
    // version arrives. Before the lock the batch committed at once: too late for the tagging statement,
    // too early to see the event, so it got neither.
    await server.app.database.dataSource.transaction('READ COMMITTED', async (tx) => {
      await server.app.services.drift.report(tx, { modelVersion: 'drift-race', detectedAt, metric: 'accuracy', value: 0.4, threshold: 0.8, windowHours: 1 });
      ingest = logBatch(server, [windowRow(1), windowRow(2)]).then(() => (ingestDone = true));
      // Wait until the batch has either committed or is waiting for a lock.
      for (let i = 0; ; i++) {
        if (ingestDone) break;
        const [{ waiting }] = await server.sql(`SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE application_name = 'flywheel-ingest' AND wait_event_type = 'Lock'`);
        if (waiting > 0) break;
        assert.ok(i < 600, 'the batch neither committed nor waited within 60 s');
        await new Promise((r) => setTimeout(r, 100));
      }
    });
    await ingest;
    const rows = await server.sql(
      `SELECT l.request_id, 'DRIFT_OPEN' = ANY (l.keep_reasons) AS kept,
              EXISTS (SELECT 1 FROM log_tag t WHERE t.request_id = l.request_id AND t.tag = 'drift_window') AS tagged
       FROM inference_log l WHERE l.model_version = 'drift-race' ORDER BY l.request_id`,
    );
    assert.equal(rows.length, 3);
    const escaped = rows.filter((r: any) => !r.kept && !r.tagged).map((r: any) => r.request_id);
    assert.deepEqual(escaped, [], 'rows in the window with neither the tag nor DRIFT_OPEN');
    assert.equal(rows[0].tagged, true, 'the row stored before the report is tagged');
  });
});

describe('review queue and corrections', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ REVIEW_LEASE_MINUTES: '0.05', AUTO_ACCEPT_CONFIDENCE: '0.9' });
  });
  after(() => server.stop());

  test('priority order: user_negative, drift_window, low_confidence, others; recent first', async () => {
    const t0 = Date.parse('2026-04-01T00:00:00Z');
    const mk = (id: string, min: number) => logInput({ requestId: id, modelVersion: 'queue-v1', occurredAt: new Date(t0 + min * 60_000).toISOString() });
    const rows = [mk('q-other', 1), mk('q-low-old', 2), mk('q-low-new', 3), mk('q-drift', 4), mk('q-neg', 5)];
    await logBatch(server, rows);
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
    await logBatch(server, inputs);
    await server.gql(TAG, { input: { requestIds: inputs.map((i) => i.requestId as string), tags: ['operator_review'] } });
    const open = (await server.gql(`{ reviewStats { open } }`)).data.reviewStats.open;
    // Ten annotators, each with a key of their own (the claimant is the key's name).
    const annotators = await Promise.all(Array.from({ length: 10 }, async (_, i) => ({ name: `annotator-${i}`, key: await createKey(server, ['annotate'], `annotator-${i}`) })));
    const claims = await Promise.all(annotators.map((a) => server.gql(CLAIM, { input: { count: 6 } }, a.key)));
    const all = claims.flatMap((c, i) => {
      assert.equal(c.errors, undefined, JSON.stringify(c.errors));
      assert.ok(c.data.claimReviewItems.items.every((item: any) => item.claimedBy === annotators[i].name && item.status === 'OPEN'));
      return c.data.claimReviewItems.items.map((e: any) => e.requestId);
    });
    assert.equal(new Set(all).size, all.length, 'no item was handed out twice');
    assert.equal(all.length, Math.min(60, open), 'every claim was filled while items remained');
    const held = await server.sql(`SELECT count(DISTINCT claimed_by)::int AS n FROM review_item WHERE lease_expires_at > now()`);
    assert.ok(held[0].n >= 2);

    const mine = claims[0].data.claimReviewItems.items.map((e: any) => e.requestId);
    const released = await server.gql(RELEASE, { input: { requestIds: mine } }, annotators[0].key);
    assert.equal(released.errors, undefined, JSON.stringify(released.errors));
    assert.equal(released.data.releaseReviewItems.releasedCount, mine.length);
    assert.ok(released.data.releaseReviewItems.items.every((item: any) => item.claimedBy === null));
    const notMine = await server.gql(RELEASE, { input: { requestIds: claims[1].data.claimReviewItems.items.map((e: any) => e.requestId) } }, annotators[0].key);
    assert.equal(notMine.data.releaseReviewItems.releasedCount, 0, 'an annotator cannot release someone else’s claim');

    // The lease is 3 s here (REVIEW_LEASE_MINUTES=0.05): afterwards everything is claimable again.
    await new Promise((r) => setTimeout(r, 3500));
    const late = await createKey(server, ['annotate'], 'late-annotator');
    const reclaim = await server.gql(CLAIM, { input: { count: 100 } }, late);
    assert.equal(reclaim.data.claimReviewItems.items.length, Math.min(100, open));
  });

  // Changed rules: the source of a correction and the names on it come from the key (ANNOTATE → OPERATOR,
  // MODEL_LABEL → MODEL), an entry waiting in the queue is corrected only under the corrector's own claim,
  // and nobody accepts their own correction. The routing, review and conflict behaviour is as before.
  test('corrections: operator accepted; model routed by confidence; accept/reject; accepted leaves the queue; label conflicts', async () => {
    const a = logInput({ requestId: 'corr-a', prompt: 'What is the capital of France?' });
    const b = logInput({ requestId: 'corr-b', prompt: '  what is the CAPITAL of france ' });
    const c = logInput({ requestId: 'corr-c', prompt: 'Summarise the refund policy.' });
    await logBatch(server, [a, b, c]);
    await server.gql(TAG, { input: { requestIds: ['corr-a', 'corr-b', 'corr-c'], tags: ['user_negative'] } });
    const ana = await createKey(server, ['annotate'], 'ana');
    const lead = await createKey(server, ['annotate'], 'lead');
    const judge = await createKey(server, ['model_label'], 'judge-v2');

    // The entries are in the review queue: correcting one needs a claim on it.
    const unclaimed = await server.gql(CORRECT, { input: { requestId: 'corr-a', completion: 'Paris.' } }, ana);
    assert.equal(unclaimed.errors?.[0].extensions?.code, 'FORBIDDEN');
    assert.match(unclaimed.errors![0].message, /claim it first/);
    const anaClaim = await server.gql(CLAIM, { input: { requestIds: ['corr-a'] } }, ana);
    assert.deepEqual(anaClaim.data.claimReviewItems.items, [{ requestId: 'corr-a', claimedBy: 'ana', status: 'OPEN', entry: { requestId: 'corr-a' } }]);
    const raced = await server.gql(CORRECT, { input: { requestId: 'corr-a', completion: 'Marseille', confidence: 0.99 } }, judge);
    assert.equal(raced.errors?.[0].extensions?.code, 'FORBIDDEN', 'a labelling model cannot race the human holding the claim');
    assert.match(raced.errors![0].message, /claimed by someone else/);

    const op = await server.gql(CORRECT, { input: { requestId: 'corr-a', completion: 'Paris. Contact: help@example.com' } }, ana);
    assert.equal(op.errors, undefined, JSON.stringify(op.errors));
    assert.deepEqual(
      { ...op.data.submitCorrection.correction, id: undefined, conflict: undefined },
      { id: undefined, conflict: undefined, status: 'ACCEPTED', source: 'OPERATOR', annotator: 'ana', confidence: null, completion: 'Paris. Contact: [EMAIL]' },
    );
    assert.deepEqual(op.data.submitCorrection.reviewItem, { status: 'DONE', claimedBy: null }, 'an accepted correction ends the claim');

    const judgeClaim = await server.gql(CLAIM, { input: { requestIds: ['corr-b', 'corr-c'] } }, judge);
    assert.deepEqual(judgeClaim.data.claimReviewItems.items.map((i: any) => [i.requestId, i.claimedBy]).sort(), [['corr-b', 'judge-v2'], ['corr-c', 'judge-v2']]);
    const high = await server.gql(CORRECT, { input: { requestId: 'corr-c', completion: 'Refunds within 30 days.', confidence: 0.95 } }, judge);
    assert.equal(high.errors, undefined, JSON.stringify(high.errors));
    assert.deepEqual([high.data.submitCorrection.correction.status, high.data.submitCorrection.correction.source], ['ACCEPTED', 'MODEL']);
    const low = await server.gql(CORRECT, { input: { requestId: 'corr-b', completion: 'Lyon', confidence: 0.4 } }, judge);
    assert.equal(low.errors, undefined, JSON.stringify(low.errors));
    assert.deepEqual([low.data.submitCorrection.correction.status, low.data.submitCorrection.correction.source], ['PROPOSED', 'MODEL']);
    assert.deepEqual(low.data.submitCorrection.reviewItem, { status: 'OPEN', claimedBy: null }, 'a proposal hands the item back for a human');
    const noConf = await server.gql(CORRECT, { input: { requestId: 'corr-b', completion: 'x' } }, judge);
    assert.equal(noConf.errors?.[0].extensions?.code, 'BAD_USER_INPUT');
    assert.match(noConf.errors![0].message, /confidence: is required from a MODEL_LABEL key/);
    const missing = await server.gql(CORRECT, { input: { requestId: 'nope', completion: 'x' } }, ana);
    assert.equal(missing.errors![0].extensions?.code, 'NOT_FOUND');

    let queue = (await server.gql(`{ reviewQueue(first: 100, filter: {includeClaimed: true}) { edges { node { requestId } } } }`)).data.reviewQueue.edges.map((e: any) => e.node.requestId);
    assert.ok(!queue.includes('corr-a') && !queue.includes('corr-c') && queue.includes('corr-b'), 'accepted corrections take entries out of the queue');

    // Four eyes: a labelling model cannot accept at all, and nobody (even via an ADMIN acting for them)
    // accepts their own correction.
    const lowId = low.data.submitCorrection.correction.id;
    assert.equal((await server.gql(ACCEPT, { input: { correctionId: lowId } }, judge)).errors?.[0].extensions?.code, 'FORBIDDEN');
    const own = await server.gql(ACCEPT, { input: { correctionId: lowId, onBehalfOf: 'judge-v2' } });
    assert.equal(own.errors?.[0].extensions?.code, 'FORBIDDEN');
    assert.match(own.errors![0].message, /nobody accepts their own correction/);

    // A human accepts the model's wrong answer: now the same normalised prompt has two accepted labels.
    const accepted = await server.gql(ACCEPT, { input: { correctionId: lowId } }, lead);
    assert.equal(accepted.errors, undefined, JSON.stringify(accepted.errors));
    assert.deepEqual(accepted.data.acceptCorrection, { correction: { status: 'ACCEPTED', reviewedBy: 'lead', conflict: true }, reviewItem: { status: 'DONE' } });
    const conflicts = await server.gql(`{ labelConflicts { totalCount nodes { promptKey corrections { requestId completion } } } }`);
    assert.equal(conflicts.data.labelConflicts.totalCount, 1);
    assert.equal(conflicts.data.labelConflicts.nodes.length, 1);
    assert.deepEqual(conflicts.data.labelConflicts.nodes[0].corrections.map((x: any) => x.requestId).sort(), ['corr-a', 'corr-b']);
    const rejected = await server.gql(REJECT, { input: { correctionId: lowId } }, lead);
    assert.equal(rejected.errors, undefined, JSON.stringify(rejected.errors));
    assert.deepEqual(rejected.data.rejectCorrection, { correction: { status: 'REJECTED', reviewedBy: 'lead', conflict: false }, reviewItem: { status: 'OPEN' } });
    assert.deepEqual((await server.gql(`{ labelConflicts { totalCount nodes { promptKey } } }`)).data.labelConflicts, { totalCount: 0, nodes: [] });
    queue = (await server.gql(`{ reviewQueue(first: 100, filter: {includeClaimed: true}) { edges { node { requestId } } } }`)).data.reviewQueue.edges.map((e: any) => e.node.requestId);
    assert.ok(queue.includes('corr-b'), 'a rejected correction puts the entry back in the queue');
    const stats = (await server.gql(`{ reviewStats { acceptedCorrections rejectedCorrections proposedCorrections labelConflicts } }`)).data.reviewStats;
    assert.deepEqual(stats, { acceptedCorrections: 2, rejectedCorrections: 1, proposedCorrections: 0, labelConflicts: 0 });
  });

  // The other side of the claim rule: only entries waiting in the queue need a claim.
  test('an entry that was never queued, or whose review is done, is corrected without a claim', async () => {
    const fresh = logInput({ requestId: 'corr-free', prompt: 'How long does shipping take?' });
    await logBatch(server, [fresh]);
    const bo = await createKey(server, ['annotate'], 'bo');
    const never = await server.gql(CORRECT, { input: { requestId: 'corr-free', completion: 'Three to five working days.' } }, bo);
    assert.equal(never.errors, undefined, JSON.stringify(never.errors));
    assert.deepEqual([never.data.submitCorrection.correction.status, never.data.submitCorrection.reviewItem], ['ACCEPTED', null], 'no review item: nothing to claim');
    // corr-c is DONE (the judge's confident correction was accepted above).
    const done = await server.gql(CORRECT, { input: { requestId: 'corr-c', completion: 'Refunds within 30 days.' } }, bo);
    assert.equal(done.errors, undefined, JSON.stringify(done.errors));
    assert.deepEqual([done.data.submitCorrection.correction.status, done.data.submitCorrection.reviewItem], ['ACCEPTED', { status: 'DONE', claimedBy: null }]);
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
    await logBatch(server, inputs);
    const ids = inputs.map((i) => i.requestId as string);
    await server.gql(TAG, { input: { requestIds: ids.slice(0, 60), tags: ['operator_review'] } });
    const fb = await createKey(server, ['feedback']);
    for (const id of ids.slice(0, 10)) await server.gql(`mutation($id: String!) { submitFeedback(input: {requestId: $id, kind: THUMBS_DOWN}) { feedbackId } }`, { id }, fb);
    // The entries are queued (operator_review, user_negative): ana claims the five she corrects first.
    const ana = await createKey(server, ['annotate'], 'ana');
    const claimed = await server.gql(CLAIM, { input: { requestIds: ids.slice(0, 5) } }, ana);
    assert.equal(claimed.data.claimReviewItems.items.length, 5);
    for (const id of ids.slice(0, 5)) {
      const c = await server.gql(CORRECT, { input: { requestId: id, completion: 'better' } }, ana);
      assert.equal(c.errors, undefined, JSON.stringify(c.errors));
    }

    const statements = async () => Number(/^flywheel_db_statements_total (\d+)/m.exec(await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).text())![1]);
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
    const series = await server.gql(`query($from: DateTime!, $to: DateTime!) { tagCounts(from: $from, to: $to, bucket: DAY, modelVersion: "nest-v1") { startsAt tag count } }`, { from, to });
    assert.equal(series.errors, undefined, JSON.stringify(series.errors));
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
    await logBatch(server, cases);
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
