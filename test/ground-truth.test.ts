import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { ADMIN_KEY, createKey, errorCode, logBatch, logInput, ok, startTestServer, TestServer, waitFor } from './helpers/test-server';

/**
 * Issue 10, point 8: delayed ground truth — compared with the logged response per model line (exact
 * after normalisation, or numeric within a tolerance); a mismatch tags prediction_error (GROUND_TRUTH)
 * and proposes the true label; early reports wait for their row; live accuracy per hour; the ACCURACY
 * retrain trigger.
 */

const RUN = crypto.randomBytes(3).toString('hex');
const GT = `groundTruth { requestId expected status reportedBy observedAt }`;
const REPORT = `mutation($input: ReportGroundTruthInput!) { reportGroundTruth(input: $input) { created ${GT} } }`;
const REPORT_MANY = `mutation($input: ReportGroundTruthsInput!) { reportGroundTruths(input: $input) { results { created ${GT} } } }`;
const ENTRY = `query($id: String!) { logEntry(requestId: $id) { tags { name source actor } corrections { id source status completion annotator } ${GT} } }`;

describe('delayed ground truth (issue 10)', () => {
  let server: TestServer;
  let endpoint: string;
  let operator: string;
  let reader: string;
  const exactLine = `qa-${RUN}`;
  const numLine = `price-${RUN}`;
  const hour = Date.parse('2026-11-30T10:00:00Z');

  before(async () => {
    server = await startTestServer({ SAMPLE_RATE: '1' });
    endpoint = await createKey(server, ['ingest'], 'qa-endpoint');
    operator = await createKey(server, ['annotate'], 'ana');
    reader = await createKey(server, ['read'], 'dashboard');
    const deployer = await createKey(server, ['deploy'], 'release');
    for (const line of [exactLine, numLine]) {
      ok(await server.gql(`mutation($input: AdoptDeploymentInput!) { adoptDeployment(input: $input) { deployment { id } } }`, { input: { modelLine: line, modelVersion: `${line}-v1` } }, deployer));
    }
    ok(await server.gql(`mutation($input: SaveModelLineInput!) { saveModelLine(input: $input) { modelLine { groundTruthMatch groundTruthTolerance } } }`, { input: { name: numLine, groundTruthMatch: 'NUMERIC', groundTruthTolerance: 0.5 } }, ADMIN_KEY));
  });
  after(() => server.stop());

  const log = (line: string, id: string, response: string, minutes = 0) =>
    logBatch(server, [logInput({ requestId: id, modelVersion: `${line}-v1`, prompt: `Question ${id}?`, response, occurredAt: new Date(hour + minutes * 60_000).toISOString() })], endpoint);

  test('EXACT: a normalised match is MATCH; a mismatch is tagged prediction_error, queued, and its true label proposed', async () => {
    await log(exactLine, `${exactLine}-1`, 'Paris');
    await log(exactLine, `${exactLine}-2`, 'Lyon');
    const right = ok(await server.gql(REPORT, { input: { requestId: `${exactLine}-1`, expected: '  paris. ' } }, endpoint)).reportGroundTruth;
    assert.deepEqual([right.created, right.groundTruth.status, right.groundTruth.reportedBy], [true, 'MATCH', 'qa-endpoint']);
    const wrong = ok(await server.gql(REPORT, { input: { requestId: `${exactLine}-2`, expected: 'Marseille, ask marie@example.com', observedAt: '2026-11-30T12:00:00Z' } }, endpoint)).reportGroundTruth;
    assert.equal(wrong.groundTruth.status, 'MISMATCH');
    assert.equal(wrong.groundTruth.expected, 'Marseille, ask [EMAIL]', 'redacted before it is stored');
    assert.equal(wrong.groundTruth.observedAt, '2026-11-30T12:00:00.000Z');

    const entry = ok(await server.gql(ENTRY, { id: `${exactLine}-2` }, reader)).logEntry;
    assert.deepEqual(entry.tags.map((t: any) => [t.name, t.source, t.actor]), [['prediction_error', 'GROUND_TRUTH', 'qa-endpoint']]);
    assert.deepEqual(entry.corrections.map((c: any) => [c.source, c.status, c.completion, c.annotator]), [['GROUND_TRUTH', 'PROPOSED', 'Marseille, ask [EMAIL]', 'qa-endpoint']]);
    assert.equal(entry.groundTruth.status, 'MISMATCH');
    const queue = ok(await server.gql(`query { reviewQueue(first: 50) { nodes { requestId reason } } }`, {}, operator)).reviewQueue.nodes;
    assert.ok(queue.some((q: any) => q.requestId === `${exactLine}-2` && q.reason === 'prediction_error'), 'it waits in the review queue');
    // A human accepts the proposed label: it becomes training data.
    const accepted = ok(await server.gql(`mutation($input: AcceptCorrectionInput!) { acceptCorrection(input: $input) { correction { status reviewedBy } } }`, { input: { correctionId: entry.corrections[0].id } }, operator)).acceptCorrection.correction;
    assert.deepEqual([accepted.status, accepted.reviewedBy], ['ACCEPTED', 'ana']);

    // Idempotent per requestId: the same value again is a no-op; a different one is refused.
    const again = ok(await server.gql(REPORT, { input: { requestId: `${exactLine}-1`, expected: '  paris. ' } }, endpoint)).reportGroundTruth;
    assert.equal(again.created, false);
    assert.equal(errorCode(await server.gql(REPORT, { input: { requestId: `${exactLine}-1`, expected: 'Nice' } }, endpoint)), 'CONFLICT');
    assert.equal(errorCode(await server.gql(REPORT, { input: { requestId: `${exactLine}-1`, expected: 'Nice' } }, reader)), 'FORBIDDEN');
  });

  test('NUMERIC: the first number of each, within the line’s tolerance', async () => {
    await log(numLine, `${numLine}-1`, 'The total is 1,041.7 EUR.');
    await log(numLine, `${numLine}-2`, 'It costs 12 EUR.');
    const r = ok(await server.gql(REPORT_MANY, { input: { items: [{ requestId: `${numLine}-1`, expected: '1042' }, { requestId: `${numLine}-2`, expected: '13.0' }] } }, endpoint)).reportGroundTruths.results;
    assert.deepEqual(r.map((x: any) => x.groundTruth.status), ['MATCH', 'MISMATCH']);
    const dup = await server.gql(REPORT_MANY, { input: { items: [{ requestId: `${numLine}-3`, expected: '1' }, { requestId: `${numLine}-3`, expected: '1' }] } }, endpoint);
    assert.equal(errorCode(dup), 'BAD_USER_INPUT');
    assert.equal((dup.errors![0].extensions!.problems as any[])[0].index, 1);
  });

  test('a report that outruns its log row waits (PENDING) and is compared once the row arrives', async () => {
    const id = `${exactLine}-early`;
    const early = ok(await server.gql(REPORT, { input: { requestId: id, expected: 'Berlin' } }, endpoint)).reportGroundTruth;
    assert.equal(early.groundTruth.status, 'PENDING');
    await log(exactLine, id, 'Bonn');
    const jobId = await server.app.services.jobs.send('ground-truth-match', {});
    await waitFor(async () => (await server.app.services.jobs.status(jobId))?.state === 'completed', 'the ground-truth-match job');
    const entry = ok(await server.gql(ENTRY, { id }, reader)).logEntry;
    assert.equal(entry.groundTruth.status, 'MISMATCH');
    assert.deepEqual(entry.tags.map((t: any) => t.name), ['prediction_error']);
  });

  test('live accuracy per hour, and the ACCURACY retrain trigger (with a minimum of labelled rows)', async () => {
    const line = `acc-${RUN}`;
    const deployer = await createKey(server, ['deploy'], `release-${RUN}`);
    ok(await server.gql(`mutation($input: AdoptDeploymentInput!) { adoptDeployment(input: $input) { deployment { id } } }`, { input: { modelLine: line, modelVersion: `${line}-v1` } }, deployer));
    const now = Date.now();
    const at = (h: number) => new Date(now - h * 3_600_000).toISOString();
    // Two hours ago: 2 of 3 right; one hour ago: 1 of 3 right.
    const items = [
      ...[0, 1, 2].map((i) => logInput({ requestId: `${line}-a${i}`, modelVersion: `${line}-v1`, response: i < 2 ? 'yes' : 'no', occurredAt: at(2) })),
      ...[0, 1, 2].map((i) => logInput({ requestId: `${line}-b${i}`, modelVersion: `${line}-v1`, response: i < 1 ? 'yes' : 'no', occurredAt: at(1) })),
    ];
    await logBatch(server, items, endpoint);
    ok(await server.gql(`mutation($input: CreateRetrainPolicyInput!) { createRetrainPolicy(input: $input) { retrainPolicy { id } } }`, { input: { modelVersion: `${line}-v1`, kind: 'ACCURACY', accuracyBelow: 0.6, windowHours: 24, minLabelled: 6 } }, ADMIN_KEY));
    const report = (ids: string[]) => server.gql(REPORT_MANY, { input: { items: ids.map((requestId) => ({ requestId, expected: 'yes' })) } }, endpoint);
    ok(await report([`${line}-a0`, `${line}-a1`, `${line}-a2`, `${line}-b0`, `${line}-b1`]));
    const readiness = async () => ok(await server.gql(`query($v: String!) { retrainReadiness(modelVersion: $v) { ready reasons checks { counts { labelled correct accuracy minLabelled } } } }`, { v: `${line}-v1` }, reader)).retrainReadiness;
    let r = await readiness();
    assert.equal(r.ready, false);
    assert.match(r.reasons[0], /^ACCURACY: accuracy 60\.0% \(3 of 5 labelled rows\) in the last 24 h against 60\.0%; needs 6 labelled rows to judge/);
    ok(await report([`${line}-b2`]));
    r = await readiness();
    assert.equal(r.checks[0].counts.labelled, 6);
    assert.equal(r.checks[0].counts.accuracy, 0.5);
    assert.equal(r.ready, false, 'accuracy is low, but there is nothing corrected to retrain on yet');
    assert.match(r.reasons[0], /0 of 1 new accepted corrections/);
    // Accept one of the proposed true labels: now it fires.
    const proposal = ok(await server.gql(ENTRY, { id: `${line}-a2` }, reader)).logEntry.corrections[0];
    ok(await server.gql(`mutation($input: AcceptCorrectionInput!) { acceptCorrection(input: $input) { correction { status } } }`, { input: { correctionId: proposal.id } }, operator));
    r = await readiness();
    assert.equal(r.ready, true, r.reasons.join('\n'));

    const series = ok(await server.gql(`query($v: String!, $from: DateTime!, $to: DateTime!) { groundTruthAccuracy(modelVersion: $v, from: $from, to: $to) { startsAt labelled correct accuracy } }`, {
      v: `${line}-v1`,
      from: at(3),
      to: new Date(now + 60_000).toISOString(),
    }, reader)).groundTruthAccuracy;
    assert.deepEqual(series.map((b: any) => [b.labelled, b.correct]), [[3, 2], [3, 1]]);
    assert.equal(series[0].startsAt, new Date(Math.floor((now - 2 * 3_600_000) / 3_600_000) * 3_600_000).toISOString());
  });
});
