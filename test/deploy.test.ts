import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { runFlywheel } from './helpers/cli';
import { ADMIN_KEY as ADMIN, createKey, errorCode, logBatch, logInput, ok, startTestServer, TestServer, waitFor } from './helpers/test-server';

/**
 * Issue 10, points 4–6: model lines and training runs (lineage both ways), eval gates inherited from
 * the deployed version with per-gate tolerance, promotion refused for a regression, rollback by hand
 * and automatic rollback during probation (a drift event, a worse gold-set result).
 */

const RUN = crypto.randomBytes(3).toString('hex');

const DEPLOYMENT = `id modelVersion kind reason deployedBy probationEndsAt endedAt endReason trainingRun { id } replaces { id modelVersion }`;
// Deployment changes return every object they touched (for normalising client caches).
const CHANGED = `deployment { ${DEPLOYMENT} } endedDeployment { ${DEPLOYMENT} } modelLine { id name deployed { id modelVersion } }`;
const ADOPT = `mutation($input: AdoptDeploymentInput!) { adoptDeployment(input: $input) { ${CHANGED} } }`;
const REGISTER = `mutation($input: RegisterTrainingRunInput!) { registerTrainingRun(input: $input) { trainingRun { id status baseModelVersion candidateModelVersion modelLine externalUrl } } }`;
const UPDATE_RUN = `mutation($input: UpdateTrainingRunInput!) { updateTrainingRun(input: $input) { trainingRun { id status } } }`;
const SAVE_GATE = `mutation($input: SaveEvalGateInput!) { saveEvalGate(input: $input) { evalGate { id name direction threshold tolerance required } } }`;
const RECORD = `mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) { evaluations { id gate value modelVersion } rolledBack { ${DEPLOYMENT} } } }`;
const DECISION = `query($run: ID!) { promotionDecision(runId: $run) { outcome reasons candidateModelVersion deployedModelVersion
  gates { gate required inherited threshold candidateValue deployedValue passed reason } } }`;
const PROMOTE = `mutation($input: PromoteInput!) { promote(input: $input) { ${CHANGED} } }`;
const ROLLBACK = `mutation($input: RollbackInput!) { rollback(input: $input) { ${CHANGED} } }`;
const HISTORY = `query($line: String!) { deployments(modelLine: $line, first: 20) { totalCount nodes { modelVersion kind reason endReason } } }`;

describe('training runs, eval gates, promotion and rollback (issue 10)', () => {
  let server: TestServer;
  let curator: string;
  let deployer: string;
  let operator: string;
  let ci: string;
  let reader: string;
  const line = `support-${RUN}`;
  const v = (n: number) => `${line}-v${n}`;
  let dataset: { id: string };
  let entryIds: string[];
  let adopted: any;

  const as = async (key: string, query: string, variables: Record<string, unknown> = {}) => ok(await server.gql(query, variables, key));

  before(async () => {
    server = await startTestServer({ SAMPLE_RATE: '1', PROBATION_HOURS: '24' });
    curator = await createKey(server, ['curate'], 'pipeline');
    deployer = await createKey(server, ['deploy'], 'release');
    operator = await createKey(server, ['annotate'], 'ana');
    ci = await createKey(server, ['ci'], 'ci');
    reader = await createKey(server, ['read'], 'dashboard');

    // v6 is in production when Flywheel arrives; its traffic is corrected into a dataset version.
    adopted = (await as(deployer, ADOPT, { input: { modelLine: line, modelVersion: v(6) } })).adoptDeployment;
    const items = [0, 1, 2].map((i) => logInput({ requestId: `${line}-e${i}`, modelVersion: v(6), prompt: `Where is order ${i} (${RUN})?` }));
    await logBatch(server, items);
    entryIds = items.map((i) => i.requestId as string);
    for (const requestId of entryIds) {
      await as(operator, `mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { status } } }`, {
        input: { requestId, completion: `Order ${requestId} ships today.` },
      });
    }
    const created = (await as(curator, `mutation($input: CreateDatasetVersionInput!) { createDatasetVersion(input: $input) { datasetVersion { id } } }`, {
      input: { name: `ds-${RUN}`, modelVersions: [v(6)] },
    })).createDatasetVersion.datasetVersion;
    await waitFor(async () => (await as(curator, `query($id: ID!) { datasetVersion(id: $id) { status } }`, { id: created.id })).datasetVersion.status === 'READY', 'the dataset');
    dataset = created;
    await as(ADMIN, SAVE_GATE, { input: { modelLine: line, name: 'accuracy', direction: 'HIGHER_IS_BETTER', threshold: 0.8, tolerance: 0.02 } });
    await as(ADMIN, SAVE_GATE, { input: { modelLine: line, name: 'toxicity', direction: 'LOWER_IS_BETTER', threshold: 0.05, tolerance: 0.02, required: false } });
    // The deployed version's scores (a gold-set run): it passes toxicity, so every candidate inherits that gate.
    await as(curator, RECORD, { input: { modelVersion: v(6), results: [{ gate: 'accuracy', value: 0.9 }, { gate: 'toxicity', value: 0.03 }] } });
  });
  after(() => server.stop());

  async function trainedCandidate(n: number, scores: Record<string, number>): Promise<string> {
    const run = (await as(curator, REGISTER, { input: { datasetVersionId: dataset.id, baseModelVersion: v(6), candidateModelVersion: v(n) } })).registerTrainingRun.trainingRun;
    await as(curator, UPDATE_RUN, { input: { runId: run.id, status: 'SUCCEEDED' } });
    await as(curator, RECORD, { input: { runId: run.id, results: Object.entries(scores).map(([gate, value]) => ({ gate, value })) } });
    return run.id;
  }

  test('training runs: registered against a READY dataset and a known base, idempotent, with checked status changes', async () => {
    const input = { datasetVersionId: dataset.id, baseModelVersion: v(6), candidateModelVersion: v(7), externalUrl: 'https://train.example.com/runs/7' };
    const readinessBefore = (await as(ADMIN, `query($v: String!) { retrainReadiness(modelVersion: $v) { counts { newAcceptedCorrections } } }`, { v: v(6) })).retrainReadiness.counts;
    assert.equal(readinessBefore.newAcceptedCorrections, 3);
    const run = (await as(curator, REGISTER, { input })).registerTrainingRun.trainingRun;
    assert.deepEqual([run.status, run.modelLine, run.externalUrl], ['RUNNING', line, input.externalUrl]);
    assert.equal((await as(curator, REGISTER, { input })).registerTrainingRun.trainingRun.id, run.id, 'a retry returns the same run');
    // The corrections it trains on no longer count towards the next retrain of v6.
    const after = (await as(ADMIN, `query($v: String!) { retrainReadiness(modelVersion: $v) { counts { newAcceptedCorrections } } }`, { v: v(6) })).retrainReadiness.counts;
    assert.equal(after.newAcceptedCorrections, 0);

    assert.equal(errorCode(await server.gql(REGISTER, { input: { ...input, datasetVersionId: dataset.id, baseModelVersion: v(6), candidateModelVersion: v(6) } }, curator)), 'BAD_USER_INPUT');
    assert.equal(errorCode(await server.gql(REGISTER, { input: { ...input, baseModelVersion: 'never-adopted' , candidateModelVersion: `x-${RUN}` } }, curator)), 'NOT_FOUND');
    assert.equal(errorCode(await server.gql(REGISTER, { input: { ...input, candidateModelVersion: v(6) + '-other', baseModelVersion: v(7), externalUrl: 'ftp://x' } }, curator)), 'BAD_USER_INPUT');
    const other = (await as(curator, REGISTER, { input: { datasetVersionId: dataset.id, baseModelVersion: v(7), candidateModelVersion: `${line}-side` } })).registerTrainingRun.trainingRun;
    assert.equal(errorCode(await server.gql(REGISTER, { input: { datasetVersionId: dataset.id, baseModelVersion: v(6), candidateModelVersion: `${line}-side` } }, curator)), 'CONFLICT');
    assert.equal(other.modelLine, line, 'a candidate joins its base version’s line');

    assert.equal((await as(curator, UPDATE_RUN, { input: { runId: run.id, status: 'SUCCEEDED' } })).updateTrainingRun.trainingRun.status, 'SUCCEEDED');
    assert.equal((await as(curator, UPDATE_RUN, { input: { runId: run.id, status: 'SUCCEEDED' } })).updateTrainingRun.trainingRun.status, 'SUCCEEDED');
    assert.equal(errorCode(await server.gql(UPDATE_RUN, { input: { runId: run.id, status: 'FAILED' } }, curator)), 'CONFLICT');
    assert.equal(errorCode(await server.gql(REGISTER, { input }, deployer)), 'FORBIDDEN');
  });

  test('promotion: refused for a regression beyond tolerance and for an inherited gate; PROMOTE when every gate holds', async () => {
    // accuracy 0.87: above the 0.8 threshold, but 0.03 below the deployed 0.9 (tolerance 0.02).
    const regress = await trainedCandidate(8, { accuracy: 0.87, toxicity: 0.02 });
    let d = (await as(ci, DECISION, { run: regress })).promotionDecision;
    assert.equal(d.outcome, 'REJECT');
    assert.equal(d.deployedModelVersion, v(6));
    assert.ok(d.reasons.includes(`accuracy: regresses from 0.9 (deployed ${v(6)}) to 0.87, beyond the tolerance 0.02`), d.reasons.join('\n'));
    const refused = await server.gql(PROMOTE, { input: { runId: regress } }, deployer);
    assert.equal(errorCode(refused), 'PROMOTION_REFUSED');
    assert.ok((refused.errors![0].extensions!.reasons as string[]).some((r) => r.startsWith('accuracy: regresses')));

    // toxicity is optional, but the deployed version passed it: inherited.
    const toxic = await trainedCandidate(9, { accuracy: 0.91, toxicity: 0.06 });
    d = (await as(ci, DECISION, { run: toxic })).promotionDecision;
    assert.equal(d.outcome, 'REJECT');
    const tox = d.gates.find((g: any) => g.gate === 'toxicity');
    assert.deepEqual([tox.required, tox.inherited, tox.passed], [false, true, false]);
    assert.equal(tox.reason, `toxicity: 0.06 does not meet ≤ 0.05 (the deployed ${v(6)} passed it)`);

    // 0.88 is exactly the tolerance below 0.9: allowed (no floating-point surprise).
    const good = await trainedCandidate(10, { accuracy: 0.88, toxicity: 0.04 });
    d = (await as(ci, DECISION, { run: good })).promotionDecision;
    assert.equal(d.outcome, 'PROMOTE', d.reasons.join('\n'));

    // The CLI says the same with exit codes.
    const env = { FLYWHEEL_URL: server.url, FLYWHEEL_API_KEY: ci };
    const no = await runFlywheel(['promotion', '--run', regress], env);
    assert.equal(no.code, 1, no.stderr);
    assert.match(no.stdout, new RegExp(`^${v(8)} against ${v(6)}: REJECT — may not be promoted\\n`));
    const yes = await runFlywheel(['promotion', '--run', good], env);
    assert.equal(yes.code, 0, yes.stderr);
    assert.equal((await runFlywheel(['promotion', '--run', 'not-an-id'], env)).code, 2);

    assert.equal(errorCode(await server.gql(PROMOTE, { input: { runId: good } }, curator)), 'FORBIDDEN');
    // A normalising client cache (objects by id) holding the line and its adopted deployment…
    assert.equal(adopted.endedDeployment, null, 'an adoption ends nothing');
    assert.equal(adopted.modelLine.deployed.id, adopted.deployment.id);
    const cache = new Map<string, any>();
    const merge = (o: any) => o && cache.set(o.id, { ...(cache.get(o.id) ?? {}), ...o });
    merge(adopted.deployment);
    merge(adopted.modelLine);
    const change = (await as(deployer, PROMOTE, { input: { runId: good } })).promote;
    const promoted = change.deployment;
    // …is brought up to date by the payload alone: the ended deployment and the line's new `deployed`.
    for (const o of [change.deployment, change.endedDeployment, change.modelLine]) merge(o);
    assert.equal(change.endedDeployment.id, adopted.deployment.id, 'the payload names the deployment it ended by the id the cache holds');
    assert.ok(cache.get(adopted.deployment.id).endedAt, 'the cached adopted deployment now has its endedAt');
    assert.match(cache.get(adopted.deployment.id).endReason, /^replaced by /);
    assert.equal(cache.get(adopted.modelLine.id).deployed.id, promoted.id, 'the cached line points at the new deployment');
    assert.equal(change.modelLine.id, adopted.modelLine.id);
    assert.deepEqual([promoted.modelVersion, promoted.kind, promoted.replaces.modelVersion, promoted.deployedBy], [v(10), 'PROMOTED', v(6), 'release']);
    const hours = (Date.parse(promoted.probationEndsAt) - Date.now()) / 3_600_000;
    assert.ok(hours > 23.9 && hours <= 24, `probation ${hours} h`);
    // Promoting it again: it is already deployed.
    assert.equal(errorCode(await server.gql(PROMOTE, { input: { runId: good } }, deployer)), 'PROMOTION_REFUSED');

    // A gate deleted after a deployment passed it still binds the next candidate.
    const gates = (await as(reader, `query($l: String!) { evalGates(modelLine: $l) { nodes { id name } } }`, { l: line })).evalGates.nodes;
    await as(ADMIN, `mutation($input: DeleteEvalGateInput!) { deleteEvalGate(input: $input) { evalGate { id } } }`, { input: { evalGateId: gates.find((g: any) => g.name === 'toxicity').id } });
    const next = await trainedCandidate(11, { accuracy: 0.9 });
    d = (await as(ci, DECISION, { run: next })).promotionDecision;
    assert.equal(d.outcome, 'REJECT');
    assert.ok(d.reasons.includes(`toxicity: no result recorded (the deployed ${v(10)} passed it)`), d.reasons.join('\n'));

    // Lineage, forward from a log entry to the deployment, and back (every growing hop a connection).
    const forward = (
      await as(
        reader,
        `query($id: String!) { logEntry(requestId: $id) { datasetVersions(first: 5) { totalCount nodes { id trainingRuns(first: 20) { totalCount nodes {
          candidate { name deployments(first: 5) { totalCount nodes { kind endedAt } } evaluations(first: 1) { totalCount nodes { gate value } pageInfo { hasNextPage } } trainingRun { id } } } } } } } }`,
        { id: entryIds[0] },
      )
    ).logEntry;
    assert.equal(forward.datasetVersions.totalCount, 1);
    const candidates = forward.datasetVersions.nodes[0].trainingRuns.nodes.map((r: any) => r.candidate);
    assert.equal(forward.datasetVersions.nodes[0].trainingRuns.totalCount, candidates.length);
    const live = candidates.find((c: any) => c.name === v(10));
    assert.deepEqual(live.deployments, { totalCount: 1, nodes: [{ kind: 'PROMOTED', endedAt: null }] });
    assert.equal(live.evaluations.totalCount, 2, 'accuracy and toxicity');
    assert.equal(live.evaluations.nodes.length, 1);
    assert.equal(live.evaluations.pageInfo.hasNextPage, true);
    // The nested connections page like the root ones: forward, backward, and with their own cursors.
    const EVALS = `query($l: String!, $first: Int, $after: String, $last: Int, $before: String) { modelLine(name: $l) { deployed { version { name
      evaluations(first: $first, after: $after, last: $last, before: $before) { nodes { gate } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
      deployments(first: 1) { pageInfo { endCursor } } } } } }`;
    const evals = async (vars: Record<string, unknown>) => (await as(reader, EVALS, { l: line, ...vars })).modelLine.deployed.version;
    const p1 = await evals({ first: 1 });
    assert.equal(p1.name, v(10));
    const p2 = (await evals({ first: 1, after: p1.evaluations.pageInfo.endCursor })).evaluations;
    assert.deepEqual([p2.nodes.length, p2.pageInfo.hasNextPage, p2.pageInfo.hasPreviousPage], [1, false, true]);
    const all = (await evals({ first: 10 })).evaluations.nodes.map((e: any) => e.gate);
    assert.deepEqual([p1.evaluations.nodes[0].gate, p2.nodes[0].gate], all, 'two pages of one = the list, newest first');
    const backward = (await evals({ last: 1 })).evaluations;
    assert.deepEqual([backward.nodes[0].gate, backward.pageInfo.hasPreviousPage], [all[1], true]);
    const before = (await evals({ last: 1, before: backward.pageInfo.startCursor })).evaluations;
    assert.deepEqual([before.nodes[0].gate, before.pageInfo.hasPreviousPage, before.pageInfo.hasNextPage], [all[0], false, true]);
    const foreign = await server.gql(EVALS, { l: line, first: 1, after: p1.deployments.pageInfo.endCursor }, reader);
    assert.equal(errorCode(foreign), 'BAD_USER_INPUT', 'a cursor of another list is refused');
    assert.equal(live.trainingRun.id, good);
    const back = (await as(reader, `query($l: String!) { modelLine(name: $l) { deployed { modelVersion trainingRun { datasetVersion { id entries(first: 10) { nodes { requestId } } } } } } }`, { l: line })).modelLine;
    assert.equal(back.deployed.modelVersion, v(10));
    assert.deepEqual(back.deployed.trainingRun.datasetVersion.entries.nodes.map((e: any) => e.requestId), [...entryIds].sort());
  });

  test('a DEPLOY key cannot walk from runs or deployments into dataset versions or the log; each denied hop is null on its own', async () => {
    const PROMPT = 'Where is order 0';
    const deny = (r: any, pathSuffix: string) => {
      assert.ok(r.errors?.length, 'refused');
      for (const e of r.errors) {
        assert.equal(e.extensions?.code, 'FORBIDDEN', JSON.stringify(e));
        assert.equal(e.path.at(-1), pathSuffix, JSON.stringify(e.path));
      }
      assert.ok(!JSON.stringify(r.data).includes(PROMPT), 'no prompt reaches the key');
    };
    const deep = `datasetVersion { id name entries(first: 5) { nodes { requestId prompt } } }`;
    // trainingRuns → TrainingRun.datasetVersion → DatasetVersion.entries → LogEntry.prompt
    const runs = await server.gql(`query($l: String!) { trainingRuns(modelLine: $l, first: 50) { nodes { id candidateModelVersion ${deep} } } }`, { l: line }, deployer);
    deny(runs, 'datasetVersion');
    assert.ok(runs.data.trainingRuns.nodes.length > 1, 'the runs themselves arrive');
    for (const n of runs.data.trainingRuns.nodes) assert.equal(n.datasetVersion, null);
    // deployments → Deployment.trainingRun → TrainingRun.datasetVersion
    const deployments = await server.gql(`query($l: String!) { deployments(modelLine: $l, first: 50) { nodes { modelVersion trainingRun { id ${deep} } } } }`, { l: line }, deployer);
    deny(deployments, 'datasetVersion');
    assert.ok(deployments.data.deployments.nodes.some((d: any) => d.trainingRun?.id && d.trainingRun.datasetVersion === null));
    // modelLine → deployed → trainingRun → datasetVersion; the deploy payload's line too
    const deployed = await server.gql(`query($l: String!) { modelLine(name: $l) { deployed { modelVersion trainingRun { ${deep} } } } }`, { l: line }, deployer);
    deny(deployed, 'datasetVersion');
    assert.equal(deployed.data.modelLine.deployed.modelVersion, v(10));
    // The same refusal node(id:) and datasetVersion give this key.
    assert.equal(errorCode(await server.gql(`query($id: ID!) { node(id: $id) { id } }`, { id: dataset.id }, deployer)), 'FORBIDDEN');
    assert.equal(errorCode(await server.gql(`query($id: ID!) { datasetVersion(id: $id) { id } }`, { id: dataset.id }, deployer)), 'FORBIDDEN');

    // A CURATE key reads the dataset version, not its entries (logEntry needs READ).
    const curated = await server.gql(`query($l: String!) { trainingRuns(modelLine: $l, first: 1) { nodes { ${deep} } } }`, { l: line }, curator);
    deny(curated, 'entries');
    assert.equal(curated.data.trainingRuns.nodes[0].datasetVersion.id, dataset.id);
    assert.equal(curated.data.trainingRuns.nodes[0].datasetVersion.entries, null);
    // A CI key reads retrainReadiness and its lastDecision, not the decision's dataset version or policy.
    await as(curator, `mutation($input: EvaluateRetrainInput!) { evaluateRetrain(input: $input) { retrainDecision { id } } }`, { input: { modelVersion: v(6) } });
    const ciRead = await server.gql(`query($v: String!) { retrainReadiness(modelVersion: $v) { ready lastDecision { outcome datasetVersion { id } policy { id } } } }`, { v: v(6) }, ci);
    assert.deepEqual(ciRead.errors!.map((e) => [e.extensions?.code, e.path!.at(-1)]).sort(), [['FORBIDDEN', 'datasetVersion'], ['FORBIDDEN', 'policy']]);
    assert.equal(ciRead.data.retrainReadiness.lastDecision.outcome, 'WAIT');

    // A READ key walks the whole way.
    const full = ok(await server.gql(`query($l: String!) { modelLine(name: $l) { deployed { trainingRun { ${deep} } } } }`, { l: line }, reader));
    assert.ok(full.modelLine.deployed.trainingRun.datasetVersion.entries.nodes.some((e: any) => e.prompt.startsWith(PROMPT)));
  });

  test('nested connections cost a constant number of statements, whatever the page size', async () => {
    const statements = async () => Number(/^flywheel_db_statements_total (\d+)/m.exec(await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN}` } })).text())![1]);
    const query = `query($l: String!, $n: Int) { trainingRuns(modelLine: $l, first: $n) { nodes { id
      candidate { name evaluations(first: 3) { totalCount nodes { gate } } deployments(first: 3) { totalCount nodes { kind } } }
      datasetVersion { id trainingRuns(first: 3) { totalCount nodes { id } } entries(first: 2) { nodes { requestId datasetVersions(first: 2) { totalCount nodes { id } } } } } } } }`;
    const cost = async (n: number) => {
      let least = Infinity;
      // The least of three: a background job's statement in between can only add.
      for (let i = 0; i < 3; i++) {
        const before = await statements();
        const r = await server.gql(query, { l: line, n }, reader);
        const used = (await statements()) - before;
        assert.equal(r.errors, undefined, JSON.stringify(r.errors));
        assert.ok(r.data.trainingRuns.nodes.length >= Math.min(n, 5), `${r.data.trainingRuns.nodes.length} runs`);
        least = Math.min(least, used);
      }
      return least;
    };
    const one = await cost(1);
    const many = await cost(50);
    assert.equal(many, one, `statements for 1 run: ${one}, for every run: ${many}`);
  });

  test('rollback: by hand with a reason; automatically for a drift event or a worse gold-set result during probation; history keeps why', async () => {
    // By hand: v10 → v6.
    const rolled = (await as(deployer, ROLLBACK, { input: { modelLine: line, reason: 'support tickets doubled' } })).rollback;
    const back = rolled.deployment;
    assert.deepEqual([back.modelVersion, back.kind, back.reason], [v(6), 'ROLLED_BACK', 'support tickets doubled']);
    // The payload carries the deployment it rolled back (now ended) and the line pointing at the restored one.
    assert.deepEqual([rolled.endedDeployment.modelVersion, rolled.endedDeployment.endReason], [v(10), 'rolled back: support tickets doubled']);
    assert.ok(rolled.endedDeployment.endedAt);
    assert.deepEqual(rolled.modelLine.deployed, { id: back.id, modelVersion: v(6) });
    assert.equal(errorCode(await server.gql(ROLLBACK, { input: { modelLine: line, reason: 'again' } }, deployer)), 'CONFLICT', 'nothing before the adopted version');
    assert.equal(errorCode(await server.gql(ROLLBACK, { input: { modelLine: line, reason: ' ' } }, deployer)), 'BAD_USER_INPUT');

    // A drift event for a version on probation rolls its line back in the same transaction. (toxicity was
    // deleted, and v6's record as deployed now carries no score for it: accuracy alone decides.)
    const r12 = await trainedCandidate(12, { accuracy: 0.92 });
    await as(deployer, PROMOTE, { input: { runId: r12 } });
    // rolledBack is a Deployment: it needs READ, CURATE or DEPLOY like deployments, so the operator here also reads.
    const watcher = await createKey(server, ['annotate', 'read'], 'ana-watching');
    const drift = (await as(watcher, `mutation($input: ReportDriftEventInput!) { reportDriftEvent(input: $input) { driftEvent { id } rolledBack { ${DEPLOYMENT} } } }`, {
      input: { modelVersion: v(12), metric: 'gold_pass_rate', value: 0.6, threshold: 0.8 },
    })).reportDriftEvent;
    assert.equal(drift.rolledBack.modelVersion, v(6));
    assert.equal(drift.rolledBack.deployedBy, 'flywheel');
    const [event] = await server.sql(`SELECT id FROM drift_event WHERE model_version = $1`, [v(12)]);
    assert.equal(drift.rolledBack.reason, `automatic: drift event ${event.id} (gold_pass_rate 0.6 against 0.8) on ${v(12)} during its probation`);

    // A gold-set result within tolerance keeps the version; one beyond it rolls back.
    const r13 = await trainedCandidate(13, { accuracy: 0.93 });
    await as(deployer, PROMOTE, { input: { runId: r13 } });
    const fine = (await as(curator, RECORD, { input: { modelVersion: v(13), results: [{ gate: 'accuracy', value: 0.89 }] } })).recordEvaluation;
    assert.equal(fine.rolledBack, null);
    const worse = (await as(curator, RECORD, { input: { modelVersion: v(13), results: [{ gate: 'accuracy', value: 0.85 }] } })).recordEvaluation;
    assert.equal(worse.rolledBack.modelVersion, v(6));
    assert.equal(worse.rolledBack.reason, `automatic: accuracy 0.85 on ${v(13)} during its probation, worse than 0.9 of the previous deployment ${v(6)} beyond the tolerance 0.02`);

    // After probation, a drift event no longer rolls back.
    const r14 = await trainedCandidate(14, { accuracy: 0.93 });
    await as(deployer, PROMOTE, { input: { runId: r14 } });
    await server.sql(`UPDATE deployment SET probation_until = now() - interval '1 minute' WHERE model_version = $1`, [v(14)]);
    const late = (await as(watcher, `mutation($input: ReportDriftEventInput!) { reportDriftEvent(input: $input) { rolledBack { id } } }`, {
      input: { modelVersion: v(14), metric: 'gold_pass_rate', value: 0.6, threshold: 0.8 },
    })).reportDriftEvent;
    assert.equal(late.rolledBack, null);

    const history = (await as(reader, HISTORY, { line })).deployments;
    assert.deepEqual(
      history.nodes.map((d: any) => [d.modelVersion, d.kind]),
      [[v(14), 'PROMOTED'], [v(6), 'ROLLED_BACK'], [v(13), 'PROMOTED'], [v(6), 'ROLLED_BACK'], [v(12), 'PROMOTED'], [v(6), 'ROLLED_BACK'], [v(10), 'PROMOTED'], [v(6), 'ADOPTED']],
    );
    assert.match(history.nodes[2].endReason, /^rolled back: automatic: accuracy 0\.85/);
    assert.equal(history.nodes[7].endReason, `replaced by ${v(10)} (promotion of training run ${(await server.sql(`SELECT id FROM training_run WHERE candidate_model_version = $1`, [v(10)]))[0].id})`);
    assert.equal(errorCode(await server.gql(HISTORY, { line }, ci)), 'FORBIDDEN', 'CI reads readiness and promotion decisions only');
  });

  test('adoption: once per line; scores need a known gate', async () => {
    assert.equal(errorCode(await server.gql(ADOPT, { input: { modelLine: line, modelVersion: `${line}-v99` } }, deployer)), 'CONFLICT');
    const bad = await server.gql(RECORD, { input: { modelVersion: v(6), results: [{ gate: 'bleu', value: 1 }] } }, curator);
    assert.equal(errorCode(bad), 'BAD_USER_INPUT');
    assert.match(bad.errors![0].message, /gate: not a gate of the version's model line; its gates: accuracy/);
    assert.doesNotMatch(bad.errors![0].message, /bleu/, 'the message names the field, not the value sent');
    assert.equal(errorCode(await server.gql(RECORD, { input: { results: [{ gate: 'accuracy', value: 1 }] } }, curator)), 'BAD_USER_INPUT');
  });

  test('no error echoes a value the caller sent: promotion, lineage, correction and tag refusals name the field instead', async () => {
    // A marker valid as a line, version, gate name, requestId and key name; it must appear in no error.
    const marker = `zq${RUN}marker`;
    const seen: string[] = [];
    const refused = async (label: string, code: string, query: string, input: Record<string, unknown>, key: string) => {
      const r = await server.gql(query, { input }, key);
      assert.equal(errorCode(r), code, `${label}: ${JSON.stringify(r.errors)}`);
      const text = JSON.stringify(r.errors);
      assert.ok(!text.includes(marker), `${label} echoes the value sent: ${text}`);
      seen.push(label);
      return r.errors![0];
    };
    const SAVE = `mutation($input: SaveEvalGateInput!) { saveEvalGate(input: $input) { evalGate { id } } }`;
    const TAG = `mutation($input: TagLogEntriesInput!) { tagLogEntries(input: $input) { taggedCount } }`;
    const CORRECT = `mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { id status } } }`;
    const ACCEPT = `mutation($input: AcceptCorrectionInput!) { acceptCorrection(input: $input) { correction { id } } }`;
    const CLAIM = `mutation($input: ClaimReviewItemsInput!) { claimReviewItems(input: $input) { items { id } } }`;

    // promotion.service
    await refused('saveEvalGate: unknown modelLine', 'NOT_FOUND', SAVE, { modelLine: marker, name: 'accuracy', direction: 'HIGHER_IS_BETTER', threshold: 0.5 }, ADMIN);
    await refused('recordEvaluation: unknown modelVersion', 'NOT_FOUND', RECORD, { modelVersion: marker, results: [{ gate: 'accuracy', value: 1 }] }, curator);
    await refused('recordEvaluation: unknown gate', 'BAD_USER_INPUT', RECORD, { modelVersion: v(6), results: [{ gate: marker, value: 1 }] }, curator);
    await refused('rollback: line without a deployment', 'NOT_FOUND', ROLLBACK, { modelLine: marker, reason: 'x' }, deployer);
    await as(deployer, ADOPT, { input: { modelLine: `${marker}-line`, modelVersion: `${marker}-v1` } });
    await refused('adoptDeployment: line already deployed', 'CONFLICT', ADOPT, { modelLine: `${marker}-line`, modelVersion: `${marker}-v2` }, deployer);
    await refused('rollback: nothing to roll back to', 'CONFLICT', ROLLBACK, { modelLine: `${marker}-line`, reason: 'x' }, deployer);
    // lineage.service
    await refused('adoptDeployment: version of another line', 'CONFLICT', ADOPT, { modelLine: `${marker}-other`, modelVersion: `${marker}-v1` }, deployer);
    await refused('registerTrainingRun: unknown base', 'NOT_FOUND', REGISTER, { datasetVersionId: dataset.id, baseModelVersion: `${marker}-nobase`, candidateModelVersion: `${marker}-c0` }, curator);
    await refused('registerTrainingRun: candidate exists', 'CONFLICT', REGISTER, { datasetVersionId: dataset.id, baseModelVersion: v(6), candidateModelVersion: `${marker}-v1` }, curator);
    await as(curator, REGISTER, { input: { datasetVersionId: dataset.id, baseModelVersion: v(6), candidateModelVersion: `${marker}-c1` } });
    await refused('registerTrainingRun: candidate of another run', 'CONFLICT', REGISTER, { datasetVersionId: dataset.id, baseModelVersion: `${marker}-v1`, candidateModelVersion: `${marker}-c1` }, curator);
    // correction.service: requestId, claimant and reviewer names, the correction's internal id
    await refused('submitCorrection: unknown requestId', 'NOT_FOUND', CORRECT, { requestId: marker, completion: 'x' }, operator);
    const queuedId = `${marker}-queued`;
    await logBatch(server, [logInput({ requestId: queuedId, modelVersion: v(6) })]);
    await as(ADMIN, TAG, { input: { requestIds: [queuedId], tags: ['operator_review'] } });
    await refused('submitCorrection: queued, not claimed', 'FORBIDDEN', CORRECT, { requestId: queuedId, completion: 'x' }, operator);
    const markerKey = await createKey(server, ['annotate'], marker);
    await as(markerKey, CLAIM, { input: { requestIds: [queuedId] } });
    await refused('submitCorrection: claimed by someone else', 'FORBIDDEN', CORRECT, { requestId: queuedId, completion: 'x' }, operator);
    const own = (await as(markerKey, CORRECT, { input: { requestId: queuedId, completion: 'Mine.' } })).submitCorrection.correction;
    const ownError = await refused('acceptCorrection: own correction', 'FORBIDDEN', ACCEPT, { correctionId: own.id }, markerKey);
    const [{ id: internalId }] = await server.sql(`SELECT id::text AS id FROM correction WHERE request_id = $1`, [queuedId]);
    assert.ok(!JSON.stringify(ownError).includes(internalId), 'nor an internal id');
    // tag.service
    await refused('tagLogEntries: invalid tag', 'BAD_USER_INPUT', TAG, { requestIds: [queuedId], tags: [`${marker} X`] }, operator);
    assert.equal(seen.length, 15);
  });
});
