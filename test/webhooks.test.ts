import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ADMIN_KEY, createKey, errorCode, logBatch, logInput, ok, startTestServer, TestServer, waitFor } from './helpers/test-server';

/**
 * Issue 10, point 7: webhooks that start the work. A receiver on loopback (the training pipeline is
 * outside the system) checks each POST's signature as a receiver must; deliveries are retried with
 * backoff, logged, and written in the same transaction as the event (a refused promotion sends nothing).
 */

const RUN = crypto.randomBytes(3).toString('hex');

interface Received {
  event: string;
  delivery: string;
  body: any;
  signatureValid: boolean;
}

/** A receiver that answers `failFirst` 500s per delivery id before accepting. */
async function startReceiver(secretOf: () => string, failFirst = 0) {
  const received: Received[] = [];
  const failures = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const delivery = String(req.headers['x-flywheel-delivery']);
      const seen = failures.get(delivery) ?? 0;
      if (seen < failFirst) {
        failures.set(delivery, seen + 1);
        res.statusCode = 500;
        res.end('try again');
        return;
      }
      const expected = crypto.createHmac('sha256', secretOf()).update(`${req.headers['x-flywheel-timestamp']}.${raw}`).digest('hex');
      received.push({
        event: String(req.headers['x-flywheel-event']),
        delivery,
        body: JSON.parse(raw),
        signatureValid: req.headers['x-flywheel-signature'] === `sha256=${expected}`,
      });
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/flywheel`, received, close: () => new Promise((r) => server.close(r)) };
}

const CREATE = `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id url events enabled } } }`;
const DELIVERIES = `query($id: ID!) { node(id: $id) { ... on Webhook { deliveries(first: 20) { totalCount nodes { id event status attempts lastStatusCode lastError payload deliveredAt } } } } }`;

describe('webhooks (issue 10)', () => {
  let server: TestServer;
  let curator: string;
  let deployer: string;
  let operator: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let secret = '';
  let hookId: string;

  before(async () => {
    server = await startTestServer({ SAMPLE_RATE: '1', WEBHOOK_RETRY_DELAY_SECONDS: '1', WEBHOOK_MAX_ATTEMPTS: '3' });
    curator = await createKey(server, ['curate'], 'pipeline');
    deployer = await createKey(server, ['deploy'], 'release');
    operator = await createKey(server, ['annotate'], 'ana');
    receiver = await startReceiver(() => secret, 1);
    const created = ok(await server.gql(CREATE, { input: { url: receiver.url, events: ['RETRAIN_DECIDED', 'PROMOTED', 'ROLLED_BACK'], description: 'CI workflow_dispatch' } })).createWebhook;
    secret = created.secret;
    hookId = created.webhook.id;
    assert.match(secret, /^whsec_/);
  });
  after(async () => {
    await server.stop();
    await receiver.close();
  });

  const deliveries = async () => ok(await server.gql(DELIVERIES, { id: hookId })).node.deliveries;

  test('a RETRAIN that builds a dataset POSTs a signed RETRAIN_DECIDED once; a failed attempt is retried and logged', async () => {
    const mv = `hook-${RUN}`;
    ok(await server.gql(`mutation($input: CreateRetrainPolicyInput!) { createRetrainPolicy(input: $input) { retrainPolicy { id } } }`, { input: { modelVersion: mv, kind: 'VOLUME', minNewCorrections: 1 } }));
    const [entry] = await logBatch(server, [logInput({ modelVersion: mv })]);
    ok(await server.gql(`mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { id } } }`, { input: { requestId: entry.requestId, completion: 'The right answer.' } }, operator));
    const decision = ok(await server.gql(`mutation($input: EvaluateRetrainInput!) { evaluateRetrain(input: $input) { retrainDecision { id outcome datasetVersion { id name version } } } }`, { input: { modelVersion: mv } }, curator)).evaluateRetrain.retrainDecision;
    assert.equal(decision.outcome, 'RETRAIN');

    const got = await waitFor(() => Promise.resolve(receiver.received.find((r) => r.event === 'RETRAIN_DECIDED')), 'the RETRAIN_DECIDED webhook', 30_000);
    assert.equal(got.signatureValid, true, 'X-Flywheel-Signature verifies with the secret');
    assert.equal(got.body.event, 'RETRAIN_DECIDED');
    assert.equal(got.body.deliveryId, got.delivery);
    assert.deepEqual(got.body.data.datasetVersion, decision.datasetVersion);
    assert.equal(got.body.data.retrainDecisionId, decision.id);
    assert.equal(got.body.data.modelVersion, mv);
    const log = (await deliveries()).nodes.find((d: any) => d.id && d.event === 'RETRAIN_DECIDED');
    assert.deepEqual([log.status, log.attempts, log.lastStatusCode], ['DELIVERED', 2, 204], 'the first attempt got a 500 and was retried');

    // Deciding again on the same data points at the same dataset and starts nothing.
    ok(await server.gql(`mutation($input: EvaluateRetrainInput!) { evaluateRetrain(input: $input) { retrainDecision { id } } }`, { input: { modelVersion: mv } }, curator));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(receiver.received.filter((r) => r.event === 'RETRAIN_DECIDED').length, 1);
  });

  test('PROMOTED and ROLLED_BACK are sent; a refused promotion sends nothing', async () => {
    const line = `hookline-${RUN}`;
    ok(await server.gql(`mutation($input: AdoptDeploymentInput!) { adoptDeployment(input: $input) { deployment { id } } }`, { input: { modelLine: line, modelVersion: `${line}-v1` } }, deployer));
    ok(await server.gql(`mutation($input: SaveEvalGateInput!) { saveEvalGate(input: $input) { evalGate { id } } }`, { input: { modelLine: line, name: 'accuracy', direction: 'HIGHER_IS_BETTER', threshold: 0.8 } }, ADMIN_KEY));
    const [dataset] = await server.sql(`SELECT id FROM dataset_version WHERE status = 'READY' LIMIT 1`);
    const datasetId = Buffer.from(`DatasetVersion:${dataset.id}`).toString('base64url');
    const run = ok(await server.gql(`mutation($input: RegisterTrainingRunInput!) { registerTrainingRun(input: $input) { trainingRun { id } } }`, { input: { datasetVersionId: datasetId, baseModelVersion: `${line}-v1`, candidateModelVersion: `${line}-v2` } }, curator)).registerTrainingRun.trainingRun;
    ok(await server.gql(`mutation($input: UpdateTrainingRunInput!) { updateTrainingRun(input: $input) { trainingRun { id } } }`, { input: { runId: run.id, status: 'SUCCEEDED' } }, curator));
    ok(await server.gql(`mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) { evaluations { id } } }`, { input: { runId: run.id, results: [{ gate: 'accuracy', value: 0.7 }] } }, curator));
    const before = (await deliveries()).totalCount;
    assert.equal(errorCode(await server.gql(`mutation($input: PromoteInput!) { promote(input: $input) { deployment { id } } }`, { input: { runId: run.id } }, deployer)), 'PROMOTION_REFUSED');
    assert.equal((await deliveries()).totalCount, before, 'the refused promotion wrote no delivery');

    ok(await server.gql(`mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) { evaluations { id } } }`, { input: { runId: run.id, results: [{ gate: 'accuracy', value: 0.9 }] } }, curator));
    const promoted = ok(await server.gql(`mutation($input: PromoteInput!) { promote(input: $input) { deployment { id } } }`, { input: { runId: run.id } }, deployer)).promote.deployment;
    const p = await waitFor(() => Promise.resolve(receiver.received.find((r) => r.event === 'PROMOTED')), 'the PROMOTED webhook', 30_000);
    assert.deepEqual([p.signatureValid, p.body.data.deploymentId, p.body.data.modelVersion, p.body.data.previousModelVersion], [true, promoted.id, `${line}-v2`, `${line}-v1`]);

    ok(await server.gql(`mutation($input: RollbackInput!) { rollback(input: $input) { deployment { id } } }`, { input: { modelLine: line, reason: 'error rate up' } }, deployer));
    const r = await waitFor(() => Promise.resolve(receiver.received.find((x) => x.event === 'ROLLED_BACK')), 'the ROLLED_BACK webhook', 30_000);
    assert.deepEqual([r.body.data.modelVersion, r.body.data.rolledBackModelVersion, r.body.data.automatic, r.body.data.reason], [`${line}-v1`, `${line}-v2`, false, 'error rate up']);
  });

  test('a receiver that never answers: attempts stop at WEBHOOK_MAX_ATTEMPTS and the delivery is FAILED with the error', async () => {
    // A loopback port nobody listens on (taken, then released).
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const closedPort = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const dead = ok(await server.gql(CREATE, { input: { url: `http://127.0.0.1:${closedPort}/unreachable`, events: ['ROLLED_BACK'] } })).createWebhook.webhook;
    const line = `deadline-${RUN}`;
    // A rollback needs something to roll back to: adopt, then promote a candidate with no gates.
    ok(await server.gql(`mutation($input: AdoptDeploymentInput!) { adoptDeployment(input: $input) { deployment { id } } }`, { input: { modelLine: line, modelVersion: `${line}-v1` } }, deployer));
    const [dataset] = await server.sql(`SELECT id FROM dataset_version WHERE status = 'READY' LIMIT 1`);
    const run = ok(await server.gql(`mutation($input: RegisterTrainingRunInput!) { registerTrainingRun(input: $input) { trainingRun { id } } }`, { input: { datasetVersionId: Buffer.from(`DatasetVersion:${dataset.id}`).toString('base64url'), baseModelVersion: `${line}-v1`, candidateModelVersion: `${line}-v2` } }, curator)).registerTrainingRun.trainingRun;
    ok(await server.gql(`mutation($input: UpdateTrainingRunInput!) { updateTrainingRun(input: $input) { trainingRun { id } } }`, { input: { runId: run.id, status: 'SUCCEEDED' } }, curator));
    ok(await server.gql(`mutation($input: PromoteInput!) { promote(input: $input) { deployment { id } } }`, { input: { runId: run.id } }, deployer));
    ok(await server.gql(`mutation($input: RollbackInput!) { rollback(input: $input) { deployment { id } } }`, { input: { modelLine: line, reason: 'test' } }, deployer));
    const failed = await waitFor(
      async () => {
        const d = ok(await server.gql(DELIVERIES, { id: dead.id })).node.deliveries.nodes[0];
        return d?.status === 'FAILED' ? d : null;
      },
      'the delivery to fail for good',
      60_000,
    );
    assert.equal(failed.attempts, 3);
    assert.equal(failed.lastStatusCode, null);
    assert.match(failed.lastError, /ECONNREFUSED/);
    assert.equal(errorCode(await server.gql(CREATE, { input: { url: 'file:///etc/passwd', events: ['PROMOTED'] } })), 'BAD_USER_INPUT');
    assert.equal(errorCode(await server.gql(CREATE, { input: { url: receiver.url, events: [] } })), 'BAD_USER_INPUT');
    assert.equal(errorCode(await server.gql(CREATE, { input: { url: receiver.url, events: ['PROMOTED'] } }, curator)), 'FORBIDDEN');
  });
});
