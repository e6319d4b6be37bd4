import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { runCli, runFlywheel } from './helpers/cli';
import { createKey, errorCode, logBatch, logInput, ok, startTestServer, TestServer, waitFor } from './helpers/test-server';

/**
 * Issue 10, points 1–3: retrain policies, decisions and readiness, as the reference lesson's cadence
 * patterns (drift with enough corrected rows, a schedule, a failure cluster) and the practice's volume
 * trigger, with exact counts — including "not enough corrected rows yet → WAIT, no dataset built".
 *
 * One server for the file; every test works on its own model version.
 */

const RUN = crypto.randomBytes(3).toString('hex');
const POLICY_FIELDS = `id modelVersion kind enabled minCorrected intervalHours minExamples tag threshold periodHours minNewCorrections minCorrectedShare
  dataset { name tags systemPrompt formats validationFraction } createdBy`;
const CREATE_POLICY = `mutation($input: CreateRetrainPolicyInput!) { createRetrainPolicy(input: $input) { retrainPolicy { ${POLICY_FIELDS} } } }`;
const UPDATE_POLICY = `mutation($input: UpdateRetrainPolicyInput!) { updateRetrainPolicy(input: $input) { retrainPolicy { ${POLICY_FIELDS} } } }`;
const DELETE_POLICY = `mutation($input: DeleteRetrainPolicyInput!) { deleteRetrainPolicy(input: $input) { retrainPolicy { id } } }`;
const DECISION_FIELDS = `id modelVersion outcome reasons counts { newAcceptedCorrections lastTrainingRunAt policies } decidedBy decidedAt policy { id kind } checks { policyId kind fired reason counts { newAcceptedCorrections minExamples openDriftEvents driftEventId correctedInWindow minCorrected dueAt openTagged threshold flagged flaggedCorrected labelled correct accuracy minLabelled } }
  datasetVersion { id name version status filter { tags from to modelVersions } parent { id } }`;
const EVALUATE = `mutation($input: EvaluateRetrainInput!) { evaluateRetrain(input: $input) { retrainDecision { ${DECISION_FIELDS} } } }`;
const READINESS = `query($v: String!) { retrainReadiness(modelVersion: $v) { modelVersion ready outcome reasons counts { newAcceptedCorrections lastTrainingRunAt policies } checks { kind fired reason counts { newAcceptedCorrections minExamples openDriftEvents driftEventId correctedInWindow minCorrected dueAt openTagged threshold flagged flaggedCorrected labelled correct accuracy minLabelled } } lastDecision { id outcome } } }`;
const DECISIONS = `query($v: String, $first: Int, $after: String) { retrainDecisions(modelVersion: $v, first: $first, after: $after) {
  totalCount nodes { id outcome decidedBy datasetVersion { id } } pageInfo { hasNextPage endCursor } } }`;

describe('retrain policies and decisions (issue 10)', () => {
  let server: TestServer;
  let curator: string;
  let operator: string;
  let reviewer: string;
  let ci: string;
  let reader: string;

  before(async () => {
    server = await startTestServer({ SAMPLE_RATE: '1' });
    curator = await createKey(server, ['curate'], 'training-pipeline');
    operator = await createKey(server, ['annotate'], 'ana');
    reviewer = await createKey(server, ['annotate'], 'bo');
    ci = await createKey(server, ['ci'], 'ci');
    reader = await createKey(server, ['read'], 'dashboard');
  });
  after(() => server.stop());

  /** Logs n entries of `modelVersion`, one a minute ending `endAt`; returns their requestIds (oldest first). */
  async function logEntries(modelVersion: string, n: number, endAt = Date.now()): Promise<string[]> {
    const items = Array.from({ length: n }, (_, i) =>
      logInput({
        requestId: `${modelVersion}-${i}`,
        modelVersion,
        prompt: `Question ${i} about ${modelVersion}: where is my order #${1000 + i}?`,
        response: 'Please wait.',
        occurredAt: new Date(endAt - (n - i) * 60_000).toISOString(),
      }),
    );
    for (let i = 0; i < items.length; i += 500) await logBatch(server, items.slice(i, i + 500));
    return items.map((it) => it.requestId as string);
  }

  /** ACCEPTED operator corrections for these entries (claiming those in the review queue first). */
  async function correct(requestIds: string[]): Promise<void> {
    for (let i = 0; i < requestIds.length; i += 100) {
      const chunk = requestIds.slice(i, i + 100);
      ok(await server.gql(`mutation($input: ClaimReviewItemsInput!) { claimReviewItems(input: $input) { items { requestId } } }`, { input: { requestIds: chunk } }, operator));
      await Promise.all(
        chunk.map(async (requestId) => {
          const c = ok(
            await server.gql(
              `mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { status } } }`,
              { input: { requestId, completion: `Your order ${requestId} ships today; tracking is in your email.` } },
              operator,
            ),
          ).submitCorrection.correction;
          assert.equal(c.status, 'ACCEPTED');
        }),
      );
    }
  }

  const evaluate = async (modelVersion: string, key = curator) => ok(await server.gql(EVALUATE, { input: { modelVersion } }, key)).evaluateRetrain.retrainDecision;
  const readiness = async (modelVersion: string, key = ci) => ok(await server.gql(READINESS, { v: modelVersion }, key)).retrainReadiness;
  const datasetCount = async () => (await server.sql(`SELECT count(*)::int AS n FROM dataset_version`))[0].n as number;
  const createPolicy = async (input: Record<string, unknown>) => ok(await server.gql(CREATE_POLICY, { input })).createRetrainPolicy.retrainPolicy;

  test('DRIFT (lesson): an open drift event and 84 of 100 corrected rows → WAIT, no dataset; 100 → RETRAIN with a dataset, once', async () => {
    const mv = `drift-${RUN}`;
    const policy = await createPolicy({ modelVersion: mv, kind: 'DRIFT', dataset: { systemPrompt: 'You are the support assistant.' } });
    assert.equal(policy.minCorrected, null, 'the default (100) applies');
    const ids = await logEntries(mv, 150);
    // No drift yet: WAIT, and the reason says so.
    const calm = await readiness(mv);
    assert.equal(calm.ready, false);
    assert.deepEqual(calm.reasons, ['DRIFT: no open drift event']);

    const drift = ok(
      await server.gql(
        `mutation($input: ReportDriftEventInput!) { reportDriftEvent(input: $input) { driftEvent { id taggedCount } } }`,
        { input: { modelVersion: mv, metric: 'gold_pass_rate', value: 0.71, threshold: 0.8, windowHours: 12 } },
        operator,
      ),
    ).reportDriftEvent.driftEvent;
    assert.equal(drift.taggedCount, 150);
    await correct(ids.slice(0, 84));

    const before = await datasetCount();
    const wait = await evaluate(mv);
    assert.equal(wait.outcome, 'WAIT');
    assert.equal(wait.datasetVersion, null);
    assert.equal(wait.policy, null);
    assert.equal(await datasetCount(), before, 'not enough corrected rows yet: no dataset built');
    assert.equal(wait.checks.length, 1);
    assert.equal(wait.checks[0].fired, false);
    assert.equal(wait.checks[0].counts.correctedInWindow, 84);
    assert.equal(wait.checks[0].counts.minCorrected, 100);
    assert.match(wait.reasons[0], /^DRIFT: drift event .+ \(gold_pass_rate 0\.71 against 0\.8\) open since \S+; 84 of 100 corrected rows in its 12 h window/);
    assert.equal(wait.counts.newAcceptedCorrections, 84);

    await correct(ids.slice(84, 100));
    const ready = await readiness(mv);
    assert.equal(ready.ready, true);
    assert.equal(ready.outcome, 'RETRAIN');
    assert.equal(ready.lastDecision.id, wait.id);
    assert.equal(await datasetCount(), before, 'readiness writes nothing');

    const retrain = await evaluate(mv);
    assert.equal(retrain.outcome, 'RETRAIN');
    assert.equal(retrain.policy.id, policy.id);
    assert.match(retrain.reasons[0], /100 of 100 corrected rows/);
    assert.equal(retrain.datasetVersion.name, `${mv}-retrain`);
    assert.deepEqual(retrain.datasetVersion.filter.modelVersions, [mv]);
    assert.equal(await datasetCount(), before + 1);
    // The dataset it asked for is built by the curate job: the 100 corrected entries.
    const built = await waitFor(async () => {
      const v = ok(await server.gql(`query($id: ID!) { datasetVersion(id: $id) { status exampleCount systemPrompt } }`, { id: retrain.datasetVersion.id }, curator)).datasetVersion;
      return v.status === 'READY' || v.status === 'FAILED' ? v : null;
    }, 'the retrain dataset to be built');
    assert.deepEqual(built, { status: 'READY', exampleCount: 100, systemPrompt: 'You are the support assistant.' });

    // Deciding again on unchanged data: a second RETRAIN decision, the same dataset version.
    const again = await evaluate(mv);
    assert.equal(again.outcome, 'RETRAIN');
    assert.equal(again.datasetVersion.id, retrain.datasetVersion.id);
    assert.equal(await datasetCount(), before + 1, 'no second dataset version');
    // One more accepted correction is new data: a new version.
    await correct([ids[100]]);
    const more = await evaluate(mv);
    assert.notEqual(more.datasetVersion.id, retrain.datasetVersion.id);
    assert.equal(more.datasetVersion.version, 2);

    const list = ok(await server.gql(DECISIONS, { v: mv, first: 2 }, reader)).retrainDecisions;
    assert.equal(list.totalCount, 4);
    assert.deepEqual(list.nodes.map((d: any) => d.id), [more.id, again.id]);
    const rest = ok(await server.gql(DECISIONS, { v: mv, first: 10, after: list.pageInfo.endCursor }, reader)).retrainDecisions;
    assert.deepEqual(rest.nodes.map((d: any) => d.id), [retrain.id, wait.id]);
    assert.equal(rest.nodes[1].decidedBy, 'training-pipeline');
  });

  test('SCHEDULE (lesson): not due → WAIT; due with 3 of 5 new corrections → WAIT; with 5 → RETRAIN', async () => {
    const mv = `schedule-${RUN}`;
    const policy = await createPolicy({ modelVersion: mv, kind: 'SCHEDULE', intervalHours: 24, minExamples: 5 });
    const ids = await logEntries(mv, 10);
    await correct(ids.slice(0, 5));
    const early = await readiness(mv);
    assert.equal(early.ready, false);
    assert.match(early.reasons[0], /^SCHEDULE: every 24 h: next due \S+; 5 of 5 new accepted corrections so far/);

    // A day later (the policy was written 25 h ago) with only 3 of the corrections: still WAIT.
    await server.sql(`UPDATE retrain_policy SET created_at = now() - interval '25 hours' WHERE id = (SELECT id FROM retrain_policy WHERE model_version = $1)`, [mv]);
    await server.sql(`UPDATE correction SET status = 'PROPOSED', accepted_at = NULL WHERE request_id = ANY ($1)`, [ids.slice(3, 5)]);
    const short = await evaluate(mv);
    assert.equal(short.outcome, 'WAIT');
    assert.match(short.reasons[0], /due since \S+; 3 of 5 new accepted corrections/);
    assert.equal(short.checks[0].counts.newAcceptedCorrections, 3);
    await server.sql(`UPDATE correction SET status = 'ACCEPTED', accepted_at = now() WHERE request_id = ANY ($1)`, [ids.slice(3, 5)]);
    const due = await evaluate(mv);
    assert.equal(due.outcome, 'RETRAIN');
    assert.equal(due.policy.id, policy.id);
    assert.equal(due.checks[0].counts.newAcceptedCorrections, 5);
    // It fired, so the next one is a full interval after this decision.
    const next = await readiness(mv);
    assert.equal(next.ready, false);
    assert.match(next.reasons[0], /next due/);
  });

  test('CLUSTER (lesson): 9 open entries tagged refund_loop → WAIT; the 10th crosses the threshold → RETRAIN', async () => {
    const mv = `cluster-${RUN}`;
    await createPolicy({ modelVersion: mv, kind: 'CLUSTER', tag: 'refund_loop', threshold: 10, periodHours: 24 });
    const ids = await logEntries(mv, 12);
    const tag = (requestIds: string[]) =>
      server.gql(`mutation($input: TagLogEntriesInput!) { tagLogEntries(input: $input) { taggedCount } }`, { input: { requestIds, tags: ['refund_loop'] } }, operator);
    ok(await tag(ids.slice(0, 9)));
    // One accepted correction elsewhere: something to retrain on.
    await correct([ids[11]]);
    const nine = await evaluate(mv);
    assert.equal(nine.outcome, 'WAIT');
    assert.match(nine.reasons[0], /^CLUSTER: cluster "refund_loop": 9 open entries tagged in the last 24 h \(threshold 10\); 1 of 1 new accepted corrections/);
    ok(await tag([ids[9]]));
    const ten = await evaluate(mv);
    assert.equal(ten.outcome, 'RETRAIN');
    assert.equal(ten.checks[0].counts.openTagged, 10);
    // A corrected entry is no longer open.
    await correct([ids[0]]);
    const r = await readiness(mv);
    assert.equal(r.checks[0].counts.openTagged, 9);
    assert.equal(r.ready, false);
  });

  test('VOLUME (practice): 19 of 20 new corrections → WAIT; 20 → RETRAIN; or half the flagged entries corrected', async () => {
    const mv = `volume-${RUN}`;
    const byCount = await createPolicy({ modelVersion: mv, kind: 'VOLUME', minNewCorrections: 20 });
    const ids = await logEntries(mv, 40);
    await correct(ids.slice(0, 19));
    const w = await evaluate(mv);
    assert.equal(w.outcome, 'WAIT');
    assert.match(w.reasons[0], /^VOLUME: 19 of 20 new accepted corrections so far/);
    await correct([ids[19]]);
    assert.equal((await evaluate(mv)).outcome, 'RETRAIN');

    // The share form: flag 10 entries (user_negative puts them in the queue), correct 5 → 50 %.
    ok(await server.gql(UPDATE_POLICY, { input: { policyId: byCount.id, enabled: false } }));
    const share = await createPolicy({ modelVersion: mv, kind: 'VOLUME', minCorrectedShare: 0.5 });
    const flagged = ids.slice(20, 30);
    ok(await server.gql(`mutation($input: TagLogEntriesInput!) { tagLogEntries(input: $input) { taggedCount } }`, { input: { requestIds: flagged, tags: ['user_negative'] } }, operator));
    // The first 20 corrections were of unflagged entries: 0 of 10 flagged corrected.
    let r = await readiness(mv);
    assert.deepEqual([r.ready, r.checks.length, r.checks[0].counts.flagged, r.checks[0].counts.flaggedCorrected], [false, 1, 10, 0]);
    await correct(flagged.slice(0, 4));
    r = await readiness(mv);
    assert.equal(r.ready, false);
    assert.match(r.reasons[0], /4 of 10 flagged entries corrected \(40\.0%, threshold 50\.0%\)/);
    await correct(flagged.slice(4, 5));
    r = await readiness(mv);
    assert.equal(r.ready, true);
    assert.equal(r.checks[0].counts.flaggedCorrected, 5);
    ok(await server.gql(DELETE_POLICY, { input: { policyId: share.id } }));
    assert.deepEqual((await readiness(mv)).reasons, [`no enabled retrain policy for ${mv}`]);
  });

  test('policy CRUD: checked per kind with every problem named; only ADMIN writes; updates and disabling', async () => {
    const mv = `crud-${RUN}`;
    const bad = await server.gql(CREATE_POLICY, { input: { modelVersion: mv, kind: 'CLUSTER', minCorrected: 5, threshold: 0, dataset: { name: 'Not A Name' } } });
    assert.equal(errorCode(bad), 'BAD_USER_INPUT');
    const fields = (bad.errors![0].extensions!.problems as { field: string }[]).map((p) => p.field).sort();
    assert.deepEqual(fields, ['dataset.name', 'minCorrected', 'periodHours', 'tag', 'threshold']);
    assert.equal(errorCode(await server.gql(CREATE_POLICY, { input: { modelVersion: mv, kind: 'SCHEDULE' } })), 'BAD_USER_INPUT');
    assert.equal(errorCode(await server.gql(CREATE_POLICY, { input: { modelVersion: mv, kind: 'VOLUME' } })), 'BAD_USER_INPUT');
    assert.equal(errorCode(await server.gql(CREATE_POLICY, { input: { modelVersion: mv, kind: 'DRIFT' } }, curator)), 'FORBIDDEN');
    assert.equal(await datasetCount() >= 0, true);

    const p = await createPolicy({ modelVersion: mv, kind: 'DRIFT', minCorrected: 50, dataset: { name: 'crud-data', formats: ['SFT', 'PREFERENCE'], validationFraction: 0.1 } });
    assert.equal(p.minCorrected, 50);
    assert.match(p.createdBy, /admin/);
    assert.deepEqual(p.dataset, { name: 'crud-data', tags: null, systemPrompt: null, formats: ['SFT', 'PREFERENCE'], validationFraction: 0.1 });
    const u = ok(await server.gql(UPDATE_POLICY, { input: { policyId: p.id, minCorrected: null, enabled: false } })).updateRetrainPolicy.retrainPolicy;
    assert.deepEqual([u.minCorrected, u.enabled, u.dataset.name], [null, false, 'crud-data']);
    assert.equal(errorCode(await server.gql(UPDATE_POLICY, { input: { policyId: p.id, intervalHours: 3 } })), 'BAD_USER_INPUT');
    // A disabled policy is not checked.
    assert.deepEqual((await readiness(mv)).reasons, [`no enabled retrain policy for ${mv}`]);
    const listed = ok(await server.gql(`query($v: String) { retrainPolicies(modelVersion: $v) { totalCount nodes { id enabled } } }`, { v: mv }, reader)).retrainPolicies;
    assert.deepEqual(listed, { totalCount: 1, nodes: [{ id: p.id, enabled: false }] });
    const node = ok(await server.gql(`query($id: ID!) { node(id: $id) { ... on RetrainPolicy { kind } } }`, { id: p.id }, reader)).node;
    assert.equal(node.kind, 'DRIFT');
    ok(await server.gql(DELETE_POLICY, { input: { policyId: p.id } }));
    assert.equal(errorCode(await server.gql(DELETE_POLICY, { input: { policyId: p.id } })), 'NOT_FOUND');
  });

  test('the CI key reads readiness and nothing else', async () => {
    const mv = `ci-${RUN}`;
    assert.equal((await readiness(mv, ci)).ready, false);
    assert.equal(errorCode(await server.gql(EVALUATE, { input: { modelVersion: mv } }, ci)), 'FORBIDDEN');
    assert.equal(errorCode(await server.gql(DECISIONS, { v: mv }, ci)), 'FORBIDDEN');
    assert.equal(errorCode(await server.gql(`query { logEntries(first: 1) { nodes { requestId } } }`, {}, ci)), 'FORBIDDEN');
    assert.equal(errorCode(await server.gql(READINESS, { v: mv }, reviewer)), 'FORBIDDEN');
  });

  test('the scheduled job records RETRAIN decisions, and a WAIT only when it changes', async () => {
    const mv = `job-${RUN}`;
    await createPolicy({ modelVersion: mv, kind: 'VOLUME', minNewCorrections: 2 });
    const ids = await logEntries(mv, 3);
    const run = async () => {
      const id = await server.app.services.jobs.send('retrain-evaluation', {});
      await waitFor(async () => (await server.app.services.jobs.status(id))?.state === 'completed', 'the retrain-evaluation job');
      return ok(await server.gql(DECISIONS, { v: mv, first: 10 }, reader)).retrainDecisions.nodes;
    };
    let d = await run();
    assert.deepEqual(d.map((x: any) => [x.outcome, x.decidedBy]), [['WAIT', 'schedule']]);
    d = await run();
    assert.equal(d.length, 1, 'an unchanged WAIT is not recorded again');
    await correct(ids.slice(0, 1));
    d = await run();
    assert.deepEqual(d.map((x: any) => x.outcome), ['WAIT', 'WAIT'], 'a WAIT with new numbers is');
    await correct(ids.slice(1, 2));
    d = await run();
    assert.equal(d[0].outcome, 'RETRAIN');
    assert.ok(d[0].datasetVersion);
    const firstDataset = d[0].datasetVersion.id;
    d = await run();
    assert.equal(d[0].outcome, 'RETRAIN');
    assert.equal(d[0].datasetVersion.id, firstDataset, 'the same data: the same dataset version');
  });

  test('bad input: an empty or overlong model version is refused with the field named', async () => {
    for (const v of ['', 'x'.repeat(201)]) {
      const r = await server.gql(READINESS, { v }, ci);
      assert.equal(errorCode(r), 'BAD_USER_INPUT');
      assert.equal((r.errors![0].extensions!.problems as { field: string }[])[0].field, 'modelVersion');
    }
  });

  test('the CLI (`npm run readiness`, `flywheel readiness`): exit 0 when ready, 1 when not, 2 on error, with the reasons printed', async () => {
    const mv = `cli-${RUN}`;
    await createPolicy({ modelVersion: mv, kind: 'VOLUME', minNewCorrections: 1 });
    const env = { FLYWHEEL_URL: server.url.replace(/\/graphql$/, ''), FLYWHEEL_API_KEY: ci };
    const wait = await runCli('npm', ['run', '--silent', 'readiness', '--', '--model', mv], env);
    assert.equal(wait.code, 1, wait.stderr);
    assert.match(wait.stdout, new RegExp(`^${mv}: WAIT — not ready to retrain\\n  - VOLUME: 0 of 1 new accepted corrections so far`));

    await correct(await logEntries(mv, 1));
    const ready = await runFlywheel(['readiness', '--model', mv], env);
    assert.equal(ready.code, 0, ready.stderr);
    assert.match(ready.stdout, /RETRAIN — ready to retrain\n  - VOLUME: 1 of 1 new accepted corrections/);
    const json = await runFlywheel(['readiness', '--model', mv, '--json'], env);
    assert.equal(json.code, 0);
    assert.equal(JSON.parse(json.stdout).outcome, 'RETRAIN');

    // Errors: a wrong key, no key, a server that is not there, bad arguments, an invalid model version.
    const cases: [string, string[], Record<string, string>, RegExp][] = [
      ['wrong key', ['readiness', '--model', mv], { ...env, FLYWHEEL_API_KEY: 'fw_not_a_key_0123456789' }, /UNAUTHENTICATED/],
      ['no key', ['readiness', '--model', mv], { FLYWHEEL_URL: env.FLYWHEEL_URL }, /FLYWHEEL_API_KEY is not set/],
      ['no server', ['readiness', '--model', mv], { ...env, FLYWHEEL_URL: 'http://127.0.0.1:9' }, /cannot reach/],
      ['no model', ['readiness'], env, /needs --model/],
      ['unknown flag', ['readiness', '--model', mv, '--force'], env, /unknown argument: --force/],
      ['bad model version', ['readiness', '--model', 'x'.repeat(201)], env, /BAD_USER_INPUT/],
      ['a key without the scope', ['readiness', '--model', mv], { ...env, FLYWHEEL_API_KEY: operator }, /FORBIDDEN/],
    ];
    for (const [what, args, e, message] of cases) {
      const r = await runFlywheel([...args], e);
      assert.equal(r.code, 2, `${what}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message, what);
    }
  });
});
