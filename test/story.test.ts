import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createKey, startTestServer, TestServer } from './helpers/test-server';

/**
 * The reference lesson's story, end to end over HTTP, each actor with the key it would really hold:
 * an endpoint logs traffic; users click thumbs-down and regenerate; drift fires; operators claim and
 * correct; a model proposes corrections above and below the confidence threshold.
 *
 * Who did something is the name of the key that did it, so each operator (ana, bo) holds a key of their
 * own, and the labelling model holds a MODEL_LABEL key (its corrections are MODEL because of the key).
 */
describe('the feedback loop, end to end', () => {
  let server: TestServer;
  const keys: Record<string, string> = {};
  const H = 3_600_000;
  const start = Date.parse('2026-05-01T00:00:00Z');
  const ids: string[] = [];
  const lowConfidence: string[] = [];

  before(async () => {
    server = await startTestServer({ SAMPLE_RATE: '0', AUTO_ACCEPT_CONFIDENCE: '0.9' });
    keys.endpoint = await createKey(server, ['ingest'], 'support-bot endpoint');
    keys.browser = await createKey(server, ['feedback'], 'support widget');
    keys.monitor = await createKey(server, ['annotate'], 'drift monitor');
    keys.ana = await createKey(server, ['annotate', 'read'], 'ana');
    keys.bo = await createKey(server, ['annotate', 'read'], 'bo');
    keys.judge = await createKey(server, ['model_label'], 'judge-v2');
    keys.dashboard = await createKey(server, ['read'], 'dashboard');
  });
  after(() => server.stop());

  const as = (key: string, query: string, variables: Record<string, unknown> = {}) =>
    server.gql(query, variables, keys[key]).then((r) => {
      assert.equal(r.errors, undefined, JSON.stringify(r.errors));
      return r.data;
    });

  test('the whole loop, with every count checked', async () => {
    // 1. 48 hours of traffic, two requests an hour; every 8th answer is low-confidence.
    const inputs = [];
    for (let i = 0; i < 96; i++) {
      const id = `story-${String(i).padStart(2, '0')}`;
      ids.push(id);
      const low = i % 8 === 3;
      if (low) lowConfidence.push(id);
      inputs.push({
        requestId: id,
        occurredAt: new Date(start + Math.floor(i / 2) * H + (i % 2) * 1_800_000).toISOString(),
        modelVersion: 'support-v6',
        prompt: `Customer question ${i}: how do I change my delivery address? My email is user${i}@example.com`,
        response: `You can change it under Orders → Edit address (answer ${i}).`,
        latencyMs: 300 + i,
        userId: `user-${i % 17}`,
        responseLogprob: low ? -4.5 : -0.7,
      });
    }
    const logged = (
      await as('endpoint', `mutation($input: LogInferencesInput!) { logInferences(input: $input) { results { requestId keepReasons redactions { type count } } } }`, {
        input: { items: inputs },
      })
    ).logInferences.results;
    assert.equal(logged.length, 96);
    assert.equal(logged.filter((r: any) => r.keepReasons.includes('LOW_CONFIDENCE')).length, 12);
    assert.ok(logged.every((r: any) => r.redactions[0].type === 'EMAIL'));

    // 2. Users react: 6 thumbs-down, 3 regenerate, 4 thumbs-up.
    const down = ['story-05', 'story-20', 'story-41', 'story-60', 'story-70', 'story-90'];
    const regenerate = ['story-07', 'story-61', 'story-88'];
    const up = ['story-01', 'story-02', 'story-03', 'story-04'];
    const feedbackIds: string[] = [];
    const sent: [string, string][] = [];
    for (const [kind, list] of [['THUMBS_DOWN', down], ['REGENERATE', regenerate], ['THUMBS_UP', up]] as const) {
      for (const requestId of list) {
        const r = await as('browser', `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { feedbackId created feedback { id } logEntry { id } } }`, {
          input: { requestId, kind, clientFeedbackId: `${kind}-${requestId}` },
        });
        // The browser's key learns only that the click was recorded, nothing about the log.
        assert.deepEqual({ ...r.submitFeedback, feedbackId: undefined }, { feedbackId: undefined, created: true, feedback: null, logEntry: null });
        feedbackIds.push(r.submitFeedback.feedbackId);
        sent.push([requestId, kind]);
      }
    }
    // The dashboard refetches them by id: every one landed on its logged row.
    const landed = await as('dashboard', `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Feedback { requestId kind targetState } } }`, { ids: feedbackIds });
    assert.deepEqual(
      landed.nodes.map((f: any) => [f.requestId, f.kind, f.targetState]),
      sent.map(([requestId, kind]) => [requestId, kind, 'LOGGED']),
    );

    // 3. Drift fires at hour 40; the 12 h before it (hours 28–40, two rows each, occurredAt ≤ detectedAt) get drift_window.
    const outsideBefore = await server.sql(`SELECT * FROM inference_log WHERE NOT (ts BETWEEN $1 AND $2) ORDER BY request_id`, [
      new Date(start + 28 * H).toISOString(),
      new Date(start + 40 * H).toISOString(),
    ]);
    const drift = await as('monitor', `mutation($input: ReportDriftEventInput!) { reportDriftEvent(input: $input) { driftEvent { id taggedCount open } windowRows } }`, {
      input: { modelVersion: 'support-v6', detectedAt: new Date(start + 40 * H).toISOString(), metric: 'gold_pass_rate', value: 0.72, threshold: 0.85 },
    });
    assert.equal(drift.reportDriftEvent.driftEvent.taggedCount, 25, 'hours 28..39 twice, plus the row at exactly hour 40');
    assert.equal(drift.reportDriftEvent.windowRows, 25);
    assert.equal(drift.reportDriftEvent.driftEvent.open, true);
    const outsideAfter = await server.sql(`SELECT * FROM inference_log WHERE NOT (ts BETWEEN $1 AND $2) ORDER BY request_id`, [
      new Date(start + 28 * H).toISOString(),
      new Date(start + 40 * H).toISOString(),
    ]);
    assert.equal(outsideAfter.length, 71);
    assert.deepEqual(outsideAfter, outsideBefore, 'every row outside the drift window is still there, unchanged');
    assert.equal((await server.sql(`SELECT count(*)::int AS n FROM inference_log`))[0].n, 96, 'nothing was deleted');

    // Queue: 9 user_negative, then drift_window, then low_confidence.
    let stats = (await as('ana', `{ reviewStats { open claimed done byReason { reason count } } }`)).reviewStats;
    const byReason = Object.fromEntries(stats.byReason.map((r: any) => [r.reason, r.count]));
    assert.equal(byReason.user_negative, 9);
    const driftOnly = ids.filter((_, i) => i >= 56 && i <= 80).filter((id) => !down.includes(id) && !regenerate.includes(id));
    assert.equal(byReason.drift_window, driftOnly.length);
    assert.equal(byReason.low_confidence, lowConfidence.filter((id) => !driftOnly.includes(id) && !down.includes(id) && !regenerate.includes(id)).length);
    assert.equal(stats.open, 9 + byReason.drift_window + byReason.low_confidence);

    // 4. Two operators claim at the same moment, each with their own key: disjoint, and the user_negative items go first.
    const CLAIM = `mutation { claimReviewItems(input: { count: 5 }) { items { requestId claimedBy entry { requestId prompt } } } }`;
    const [ana, bo] = await Promise.all([as('ana', CLAIM), as('bo', CLAIM)]);
    const claimed = [...ana.claimReviewItems.items, ...bo.claimReviewItems.items].map((e: any) => e.requestId);
    assert.equal(new Set(claimed).size, 10);
    assert.equal(claimed.filter((id) => down.includes(id) || regenerate.includes(id)).length, 9);
    for (const [annotator, list] of [['ana', ana.claimReviewItems.items], ['bo', bo.claimReviewItems.items]] as const) {
      for (const e of list) {
        assert.equal(e.claimedBy, annotator);
        assert.equal(e.entry.requestId, e.requestId);
        // Each corrects what they hold, under their own key: an OPERATOR correction, accepted at once.
        const c = await as(annotator, `mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { status source annotator } } }`, {
          input: { requestId: e.requestId, completion: 'Go to Orders, choose the order, then Edit delivery address.' },
        });
        assert.deepEqual(c.submitCorrection.correction, { status: 'ACCEPTED', source: 'OPERATOR', annotator });
      }
    }

    // 5. A judge model proposes corrections for the next four queue items: two confident, two not.
    //    Queued entries are corrected only under a claim, so it claims those four first.
    const next = (await as('ana', `{ reviewQueue(first: 4) { edges { node { requestId reason } } } }`)).reviewQueue.edges.map((e: any) => e.node.requestId);
    const judged = await as('judge', `mutation($input: ClaimReviewItemsInput!) { claimReviewItems(input: $input) { items { requestId claimedBy } } }`, {
      input: { requestIds: next },
    });
    assert.deepEqual(judged.claimReviewItems.items.map((i: any) => [i.requestId, i.claimedBy]).sort(), next.map((id: string) => [id, 'judge-v2']).sort());
    const confidences = [0.97, 0.93, 0.6, 0.41];
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const c = await as('judge', `mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { status source confidence annotator } } }`, {
        input: { requestId: next[i], completion: `Model answer ${i}`, confidence: confidences[i] },
      });
      assert.deepEqual({ ...c.submitCorrection.correction, status: undefined }, { status: undefined, source: 'MODEL', confidence: confidences[i], annotator: 'judge-v2' });
      statuses.push(c.submitCorrection.correction.status);
    }
    assert.deepEqual(statuses, ['ACCEPTED', 'ACCEPTED', 'PROPOSED', 'PROPOSED']);

    // 6. What the dashboard sees.
    stats = (await as('dashboard', `{ reviewStats { open claimed done acceptedCorrections proposedCorrections rejectedCorrections } }`)).reviewStats;
    assert.equal(stats.done, 12);
    assert.equal(stats.acceptedCorrections, 12);
    assert.equal(stats.proposedCorrections, 2);
    assert.equal(stats.claimed, 0, 'accepted corrections end the claims, and a proposal hands its item back');
    const count = async (filter: Record<string, unknown>) =>
      (await as('dashboard', `query($f: LogEntryFilter) { logEntries(first: 500, filter: $f) { edges { node { requestId } } } }`, { f: { modelVersion: 'support-v6', ...filter } })).logEntries.edges.length;
    assert.equal(await count({ hasAcceptedCorrection: true }), 12);
    assert.equal(await count({ hasTag: 'drift_window' }), 25);
    assert.equal(await count({ hasTag: 'user_negative' }), 9);
    assert.equal(await count({ hasTag: 'low_confidence' }), 12);
    assert.equal(await count({ hasFeedbackKind: 'REGENERATE' }), 3);
    assert.equal(await count({ hasFeedbackKind: 'THUMBS_UP' }), 4);
    const series = await as('dashboard', `query($from: DateTime!, $to: DateTime!) { tagCounts(from: $from, to: $to, bucket: DAY, modelVersion: "support-v6") { startsAt tag count } }`, {
      from: new Date(start).toISOString(),
      to: new Date(start + 48 * H).toISOString(),
    });
    const totals: Record<string, number> = {};
    for (const b of series.tagCounts) totals[b.tag] = (totals[b.tag] ?? 0) + b.count;
    assert.deepEqual(totals, { drift_window: 25, low_confidence: 12, user_negative: 9 });
    const stored = await as('dashboard', `{ ingestStats(from: "2026-05-01T00:00:00Z", to: "2026-05-03T00:00:00Z") { total { received keptLowConfidence } } }`);
    assert.deepEqual(stored.ingestStats.total, { received: 96, keptLowConfidence: 12 });
  });
});
