import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { GraphQLInterfaceType } from 'graphql';
import { buildFlywheelSchema } from '../src/app';
import { JobKindEnum } from '../src/schema/job.types';
import { createKey, GqlResponse, logBatch, logInput, startTestServer, TestServer, waitFor, ok, errorCode } from './helpers/test-server';

/**
 * The Relay-style contract as a client (Apollo Client, Relay, urql's graphcache) uses it: objects are
 * cached by their global `id`, mutation payloads carry the same ids so they update the cache in place,
 * and anything cached can be refetched with `node(id:)` / `nodes(ids:)`.
 */

/** Every type that implements Node; a test checks this is exactly the schema's list. */
const NODE_TYPES = [
  'LogEntry', 'Tag', 'Feedback', 'Correction', 'ReviewItem', 'LabelConflict', 'DriftEvent', 'ApiKey', 'Job', 'DatasetVersion', 'RetrainPolicy',
  'RetrainDecision', 'ModelLine', 'ModelVersion', 'TrainingRun', 'EvalGate', 'Evaluation', 'Deployment', 'Webhook', 'WebhookDelivery', 'GroundTruth',
  'AuditEvent',
] as const;
type NodeType = (typeof NODE_TYPES)[number];
/** The keys the tests use, one per scope (ADMIN holds every scope). */
const SCOPES = ['INGEST', 'FEEDBACK', 'ANNOTATE', 'MODEL_LABEL', 'READ', 'CURATE', 'CI', 'DEPLOY', 'ADMIN'] as const;

const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
/** A well-formed global id of an object that does not exist. Clients never build ids; tests may. */
const unknownId = (type: NodeType, key: string) => Buffer.from(`${type}:${key}`, 'utf8').toString('base64url');
const UNKNOWN_CORRECTION_ID = unknownId('Correction', ZERO_UUID);


const uniq = (p: string) => `${p}-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;

const NODE = `query($id: ID!) { node(id: $id) { __typename id } }`;
const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`;
const TAG = `mutation($input: TagLogEntriesInput!) { tagLogEntries(input: $input) {
  entries { id requestId tags { id name source actor } } taggedCount unchangedCount missingRequestIds } }`;
const CORRECT = `mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) {
  correction { id requestId completion status source annotator confidence reviewedBy }
  reviewItem { id status }
  logEntry { id requestId corrections { id status } } } }`;
const ACCEPT = `mutation($input: AcceptCorrectionInput!) { acceptCorrection(input: $input) { correction { id status } } }`;
const REJECT = `mutation($input: RejectCorrectionInput!) { rejectCorrection(input: $input) { correction { id status } } }`;
const ENTRY = `query($r: String!) { logEntry(requestId: $r) { id requestId tags { id name } feedback { id } corrections { id } } }`;
const FEEDBACK = `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) {
  feedbackId created feedback { id kind requestId } logEntry { id requestId } } }`;
const QUEUE = `query($first: Int, $last: Int, $after: String, $before: String, $filter: ReviewQueueFilter) {
  reviewQueue(first: $first, last: $last, after: $after, before: $before, filter: $filter) {
    totalCount nodes { id requestId status claimedBy entry { id requestId } }
    edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
const CONFLICTS = `query($first: Int) { labelConflicts(first: $first) {
  totalCount nodes { id promptKey corrections { id } } edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage } } }`;
const REPORT_DRIFT = `mutation($input: ReportDriftEventInput!) { reportDriftEvent(input: $input) { driftEvent { id open } windowRows } }`;
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id name } } }`;
const COMPACT = `mutation { compactLogs(input: {}) { job { id name state } } }`;
const CLAIM = `mutation($input: ClaimReviewItemsInput!) { claimReviewItems(input: $input) {
  items { id requestId claimedBy status entry { id requestId } } } }`;

/** Logs two entries asking the same question and corrects them differently: a label conflict. */
async function makeConflict(server: TestServer, annotateKey: string): Promise<{ requestIds: string[]; correctionIds: string[] }> {
  const prompt = `Can I change my billing date? ${uniq('conflict')}`;
  const a = logInput({ prompt });
  const b = logInput({ prompt: `  ${prompt.toUpperCase()}?  ` });
  await logBatch(server, [a, b]);
  const ids: string[] = [];
  for (const [entry, completion] of [
    [a, 'Yes, in Settings → Billing.'],
    [b, 'No, billing dates are fixed.'],
  ] as const) {
    const c = ok(await server.gql(CORRECT, { input: { requestId: entry.requestId, completion } }, annotateKey)).submitCorrection.correction;
    assert.equal(c.status, 'ACCEPTED');
    ids.push(c.id);
  }
  return { requestIds: [a.requestId as string, b.requestId as string], correctionIds: ids };
}

describe('API contract: global ids, node refetch, normalised caching', () => {
  let server: TestServer;
  let reader: string;
  let annotator: string;
  let annotatorName: string;

  before(async () => {
    server = await startTestServer();
    reader = await createKey(server, ['READ'], 'dashboard');
    annotatorName = uniq('ana');
    annotator = await createKey(server, ['ANNOTATE', 'READ'], annotatorName);
  });
  after(() => server.stop());

  test('a page of logEntries cached by id is updated in place by tagLogEntries and submitCorrection payloads', async () => {
    const modelVersion = uniq('cache-v');
    const a = logInput({ modelVersion });
    const b = logInput({ modelVersion });
    await logBatch(server, [a, b]);

    // What a normalised cache does: store each object under its `id`.
    const page = ok(
      await server.gql(`query($f: LogEntryFilter) { logEntries(filter: $f, first: 10) { nodes { id requestId tags { id name } corrections { id status } } } }`, { f: { modelVersion } }, reader),
    ).logEntries.nodes;
    assert.equal(page.length, 2);
    const cache = new Map<string, any>(page.map((n: any) => [n.id, n]));
    const cachedId = page.find((n: any) => n.requestId === a.requestId).id;
    assert.deepEqual(cache.get(cachedId).tags, []);
    const merge = (obj: any) => cache.set(obj.id, { ...(cache.get(obj.id) ?? {}), ...obj });

    const tagged = ok(await server.gql(TAG, { input: { requestIds: [a.requestId], tags: ['billing.refund'] } }, annotator)).tagLogEntries;
    assert.equal(tagged.taggedCount, 1);
    assert.equal(tagged.entries.length, 1);
    assert.equal(tagged.entries[0].id, cachedId, 'the payload entry has the id the cache holds');
    assert.deepEqual(tagged.entries[0].tags.map((t: any) => t.name), ['billing.refund']);
    for (const e of tagged.entries) merge(e);
    assert.equal(cache.size, 2, 'merging the payload updated a cached row; it added none');
    assert.deepEqual(cache.get(cachedId).tags.map((t: any) => t.name), ['billing.refund'], 'the cached row now carries the tag without a refetch');
    // The cache now agrees with the server.
    const fresh = ok(await server.gql(ENTRY, { r: a.requestId }, reader)).logEntry;
    assert.deepEqual(cache.get(cachedId).tags.map(({ id, name }: any) => ({ id, name })), fresh.tags);
    // The tag is a Node too: refetching it gives the same object.
    const tagId = tagged.entries[0].tags[0].id;
    const tagNode = ok(await server.gql(`query($id: ID!) { node(id: $id) { __typename id ... on Tag { name source actor } } }`, { id: tagId }, reader)).node;
    assert.deepEqual(tagNode, { __typename: 'Tag', id: tagId, name: 'billing.refund', source: 'OPERATOR', actor: annotatorName });

    // submitCorrection: the payload's logEntry is the cached row, and the correction refetches as itself.
    const corrected = ok(await server.gql(CORRECT, { input: { requestId: a.requestId, completion: 'Refunds take 5–7 business days.' } }, annotator)).submitCorrection;
    assert.equal(corrected.logEntry.id, cachedId);
    merge(corrected.logEntry);
    assert.equal(cache.size, 2);
    assert.deepEqual(cache.get(cachedId).corrections, [{ id: corrected.correction.id, status: 'ACCEPTED' }]);
    assert.deepEqual(cache.get(cachedId).tags.map((t: any) => t.name), ['billing.refund'], 'merging keeps fields the payload did not select');
    const refetched = ok(
      await server.gql(`query($id: ID!) { node(id: $id) { __typename ... on Correction { id requestId completion status source annotator confidence reviewedBy } } }`, { id: corrected.correction.id }, reader),
    ).node;
    assert.deepEqual(refetched, { __typename: 'Correction', ...corrected.correction });
  });

  describe('node(id:) and nodes(ids:) for every Node type', () => {
    const ids = {} as Record<NodeType, string>;
    const homeVars: Record<string, string> = {};
    /**
     * The type's own query: the root field a client reads it from (through a nested field where the type
     * has no root field of its own). Variables come from `homeVars`.
     */
    const HOMES: Record<NodeType, string> = {
      LogEntry: `query($entry: String!) { logEntry(requestId: $entry) { id } }`,
      Tag: `query($entry: String!) { logEntry(requestId: $entry) { tags { id } } }`,
      Feedback: `query($entry: String!) { logEntry(requestId: $entry) { feedback { id } } }`,
      Correction: `{ reviewQueue(first: 1, filter: { includeClaimed: true }) { nodes { entry { corrections { id } } } } }`,
      ReviewItem: `{ reviewQueue(first: 1) { nodes { id } } }`,
      LabelConflict: `{ labelConflicts(first: 1) { nodes { id } } }`,
      DriftEvent: `{ driftEvents(first: 1) { nodes { id } } }`,
      ApiKey: `{ apiKeys(first: 1) { nodes { id } } }`,
      Job: `query($job: ID!) { job(id: $job) { id } }`,
      DatasetVersion: `query($dataset: ID!) { datasetVersion(id: $dataset) { id } }`,
      RetrainPolicy: `{ retrainPolicies(first: 1) { nodes { id } } }`,
      RetrainDecision: `{ retrainDecisions(first: 1) { nodes { id } } }`,
      ModelLine: `query($line: String!) { modelLine(name: $line) { id } }`,
      ModelVersion: `query($line: String!) { trainingRuns(modelLine: $line, first: 1) { nodes { candidate { id } } } }`,
      TrainingRun: `query($line: String!) { trainingRuns(modelLine: $line, first: 1) { nodes { id } } }`,
      EvalGate: `query($line: String!) { evalGates(modelLine: $line, first: 1) { nodes { id } } }`,
      Evaluation: `query($line: String!) { trainingRuns(modelLine: $line, first: 1) { nodes { candidate { evaluations(first: 1) { nodes { id } } } } } }`,
      Deployment: `query($line: String!) { deployments(modelLine: $line, first: 1) { nodes { id } } }`,
      Webhook: `{ webhooks(first: 1) { nodes { id } } }`,
      WebhookDelivery: `{ webhooks(first: 1) { nodes { deliveries(first: 1) { nodes { id } } } } }`,
      GroundTruth: `query($groundTruthEntry: String!) { logEntry(requestId: $groundTruthEntry) { groundTruth { id } } }`,
      AuditEvent: `{ auditLog(first: 1) { nodes { id } } }`,
    };

    before(async () => {
      const entry = logInput();
      const queued = logInput();
      await logBatch(server, [entry, queued]);

      const tagged = ok(await server.gql(TAG, { input: { requestIds: [entry.requestId], tags: ['node.test'] } }, annotator)).tagLogEntries;
      ids.LogEntry = tagged.entries[0].id;
      ids.Tag = tagged.entries[0].tags[0].id;

      const fb = ok(await server.gql(FEEDBACK, { input: { requestId: entry.requestId, kind: 'THUMBS_UP' } })).submitFeedback;
      assert.equal(fb.feedback.id, fb.feedbackId);
      ids.Feedback = fb.feedbackId;

      ids.Correction = ok(await server.gql(CORRECT, { input: { requestId: entry.requestId, completion: 'A better answer.' } }, annotator)).submitCorrection.correction.id;

      // operator_review is a review tag: the entry enters the queue.
      ok(await server.gql(TAG, { input: { requestIds: [queued.requestId], tags: ['operator_review'] } }, annotator));
      const queue = ok(await server.gql(QUEUE, { first: 500 }, reader)).reviewQueue;
      ids.ReviewItem = queue.nodes.find((n: any) => n.requestId === queued.requestId).id;

      const conflict = await makeConflict(server, annotator);
      const conflicts = ok(await server.gql(CONFLICTS, { first: 500 }, reader)).labelConflicts.nodes;
      ids.LabelConflict = conflicts.find((c: any) => c.corrections.some((x: any) => x.id === conflict.correctionIds[0])).id;

      ids.DriftEvent = ok(
        await server.gql(REPORT_DRIFT, { input: { modelVersion: uniq('drift-v'), metric: 'gold_pass_rate', value: 0.7, threshold: 0.8 } }, annotator),
      ).reportDriftEvent.driftEvent.id;
      ids.ApiKey = ok(await server.gql(CREATE_KEY, { input: { name: uniq('node-key'), scopes: ['INGEST'] } })).createApiKey.apiKey.id;
      ids.Job = ok(await server.gql(COMPACT)).compactLogs.job.id;
      homeVars.entry = entry.requestId as string;
      homeVars.job = ids.Job;

      // Curate and decide: a READY dataset version of corrected entries, a retrain policy and its
      // decision, a line with its adopted version, a gate, a run and its score, a webhook and the
      // delivery of the promotion, a ground-truth report.
      const mv = uniq('node-mv');
      const line = uniq('node-line');
      const items = [logInput({ modelVersion: mv }), logInput({ modelVersion: mv })];
      await logBatch(server, items);
      for (const it of items) ok(await server.gql(CORRECT, { input: { requestId: it.requestId, completion: 'Corrected.' } }, annotator));
      const dataset = ok(
        await server.gql(`mutation($input: CreateDatasetVersionInput!) { createDatasetVersion(input: $input) { datasetVersion { id } } }`, { input: { name: uniq('node-ds'), modelVersions: [mv] } }),
      ).createDatasetVersion.datasetVersion;
      ids.DatasetVersion = dataset.id;
      const built = await waitFor(async () => {
        const v = ok(await server.gql(`query($id: ID!) { datasetVersion(id: $id) { status error } }`, { id: dataset.id })).datasetVersion;
        return v.status === 'READY' || v.status === 'FAILED' ? v : null;
      }, 'the dataset version', 60_000);
      assert.equal(built.status, 'READY', built.error);
      ids.RetrainPolicy = ok(
        await server.gql(`mutation($input: CreateRetrainPolicyInput!) { createRetrainPolicy(input: $input) { retrainPolicy { id } } }`, { input: { modelVersion: mv, kind: 'VOLUME', minNewCorrections: 1000 } }),
      ).createRetrainPolicy.retrainPolicy.id;
      ids.RetrainDecision = ok(await server.gql(`mutation($input: EvaluateRetrainInput!) { evaluateRetrain(input: $input) { retrainDecision { id } } }`, { input: { modelVersion: mv } }))
        .evaluateRetrain.retrainDecision.id;
      const adopted = ok(
        await server.gql(`mutation($input: AdoptDeploymentInput!) { adoptDeployment(input: $input) { deployment { id version { id } } modelLine { id } } }`, {
          input: { modelLine: line, modelVersion: `${line}-v1` },
        }),
      ).adoptDeployment;
      ids.Deployment = adopted.deployment.id;
      ids.ModelVersion = adopted.deployment.version.id;
      ids.ModelLine = adopted.modelLine.id;
      ids.EvalGate = ok(
        await server.gql(`mutation($input: SaveEvalGateInput!) { saveEvalGate(input: $input) { evalGate { id } } }`, { input: { modelLine: line, name: 'accuracy', direction: 'HIGHER_IS_BETTER', threshold: 0.5 } }),
      ).saveEvalGate.evalGate.id;
      ids.Webhook = ok(
        await server.gql(`mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } } }`, { input: { url: 'http://127.0.0.1:9/flywheel-hook', events: ['PROMOTED'] } }),
      ).createWebhook.webhook.id;
      ids.TrainingRun = ok(
        await server.gql(`mutation($input: RegisterTrainingRunInput!) { registerTrainingRun(input: $input) { trainingRun { id } } }`, {
          input: { datasetVersionId: ids.DatasetVersion, baseModelVersion: `${line}-v1`, candidateModelVersion: `${line}-v2` },
        }),
      ).registerTrainingRun.trainingRun.id;
      ok(await server.gql(`mutation($input: UpdateTrainingRunInput!) { updateTrainingRun(input: $input) { trainingRun { id } } }`, { input: { runId: ids.TrainingRun, status: 'SUCCEEDED' } }));
      ids.Evaluation = ok(
        await server.gql(`mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) { evaluations { id } } }`, { input: { runId: ids.TrainingRun, results: [{ gate: 'accuracy', value: 0.9 }] } }),
      ).recordEvaluation.evaluations[0].id;
      ok(await server.gql(`mutation($input: PromoteInput!) { promote(input: $input) { deployment { id } } }`, { input: { runId: ids.TrainingRun } }));
      const hooks = ok(await server.gql(`{ webhooks(first: 500) { nodes { id deliveries(first: 5) { nodes { id event } } } } }`)).webhooks.nodes;
      const delivery = hooks.find((h: any) => h.id === ids.Webhook).deliveries.nodes[0];
      assert.equal(delivery.event, 'PROMOTED');
      ids.WebhookDelivery = delivery.id;
      ids.GroundTruth = ok(
        await server.gql(`mutation($input: ReportGroundTruthInput!) { reportGroundTruth(input: $input) { groundTruth { id } } }`, { input: { requestId: items[0].requestId, expected: 'Corrected.' } }),
      ).reportGroundTruth.groundTruth.id;
      ids.AuditEvent = ok(await server.gql(`{ auditLog(first: 1) { nodes { id } } }`)).auditLog.nodes[0].id;
      Object.assign(homeVars, { groundTruthEntry: items[0].requestId, line, dataset: ids.DatasetVersion });
    });

    test('the list of Node types here is exactly the schema’s Node implementers', async () => {
      const schema = await buildFlywheelSchema();
      const implementers = schema.getPossibleTypes(schema.getType('Node') as GraphQLInterfaceType).map((t) => t.name).sort();
      assert.deepEqual([...NODE_TYPES].sort(), implementers);
      assert.deepEqual(Object.keys(HOMES).sort(), implementers, 'every type has its own query below');
    });

    test('node(id:) refuses exactly the keys the type’s own query refuses, and returns the object to the others', async () => {
      const keys = {} as Record<(typeof SCOPES)[number], string | undefined>;
      for (const scope of SCOPES) keys[scope] = scope === 'ADMIN' ? undefined : await createKey(server, [scope], uniq(`node-${scope.toLowerCase()}`));
      const refused = (r: GqlResponse, what: string) => {
        for (const e of r.errors ?? []) assert.equal(e.extensions?.code, 'FORBIDDEN', `${what}: ${JSON.stringify(e)}`);
        return (r.errors ?? []).length > 0;
      };
      const mismatches: string[] = [];
      for (const type of NODE_TYPES) {
        for (const scope of SCOPES) {
          const home = await server.gql(HOMES[type], homeVars, keys[scope]);
          const homeRefused = refused(home, `${type} own query as ${scope}`);
          if (scope === 'ADMIN') assert.ok(Object.values(home.data).every((v) => v !== null), `${type}: the own query answers ADMIN`);
          const node = await server.gql(NODE, { id: ids[type] }, keys[scope]);
          const nodeRefused = refused(node, `node(${type}) as ${scope}`);
          if (homeRefused !== nodeRefused) mismatches.push(`${type} as ${scope}: own query ${homeRefused ? 'refuses' : 'allows'}, node(id:) ${nodeRefused ? 'refuses' : 'allows'}`);
          if (nodeRefused) assert.equal(node.data?.node ?? null, null);
          else assert.deepEqual(node.data.node, { __typename: type, id: ids[type] }, `${type} as ${scope}`);
        }
      }
      assert.deepEqual(mismatches, []);
    });

    test('JobKind values are the queue names of the jobs the service defines', async () => {
      const queues = (await server.sql(`SELECT name FROM pgboss.queue`)).map((r: any) => r.name as string).filter((n) => !n.startsWith('__'));
      assert.deepEqual([...queues].sort(), Object.values(JobKindEnum).sort());
    });

    test('node(id:) returns each object with its __typename and the same id', async () => {
      assert.deepEqual(Object.keys(ids).sort(), [...NODE_TYPES].sort(), 'one object of every Node type');
      assert.equal(new Set(Object.values(ids)).size, NODE_TYPES.length, 'ids are distinct across types');
      for (const type of NODE_TYPES) {
        const r = await server.gql(NODE, { id: ids[type] });
        assert.deepEqual(ok(r).node, { __typename: type, id: ids[type] }, type);
      }
      // Type-specific fields come back through fragments.
      const job = ok(await server.gql(`query($id: ID!) { node(id: $id) { ... on Job { id name } } job(id: $id) { id name } }`, { id: ids.Job }));
      assert.deepEqual(job.node, job.job);
      assert.equal(job.job.name, 'COMPACTION');
    });

    test('nodes(ids:) keeps the input order, with null for objects that do not exist', async () => {
      const forward = ok(await server.gql(NODES, { ids: NODE_TYPES.map((t) => ids[t]) })).nodes;
      assert.deepEqual(forward, NODE_TYPES.map((t) => ({ __typename: t, id: ids[t] })));
      const reversed = [...NODE_TYPES].reverse();
      assert.deepEqual(ok(await server.gql(NODES, { ids: reversed.map((t) => ids[t]) })).nodes, reversed.map((t) => ({ __typename: t, id: ids[t] })));

      const mixed = [ids.Correction, UNKNOWN_CORRECTION_ID, ids.LogEntry, unknownId('LogEntry', 'never-logged'), ids.Correction];
      assert.deepEqual(ok(await server.gql(NODES, { ids: mixed })).nodes, [
        { __typename: 'Correction', id: ids.Correction },
        null,
        { __typename: 'LogEntry', id: ids.LogEntry },
        null,
        { __typename: 'Correction', id: ids.Correction },
      ]);
      assert.deepEqual(ok(await server.gql(NODES, { ids: [] })).nodes, []);
    });

    test('a well-formed id of an object that does not exist reads as null, for every type', async () => {
      const unknown: Record<NodeType, string> = {
        LogEntry: unknownId('LogEntry', 'never-logged'),
        Tag: unknownId('Tag', '999999999999'),
        Feedback: unknownId('Feedback', ZERO_UUID),
        Correction: UNKNOWN_CORRECTION_ID,
        ReviewItem: unknownId('ReviewItem', 'never-queued'),
        LabelConflict: unknownId('LabelConflict', '0'.repeat(64)),
        DriftEvent: unknownId('DriftEvent', ZERO_UUID),
        ApiKey: unknownId('ApiKey', ZERO_UUID),
        Job: unknownId('Job', ZERO_UUID),
        DatasetVersion: unknownId('DatasetVersion', ZERO_UUID),
        RetrainPolicy: unknownId('RetrainPolicy', ZERO_UUID),
        RetrainDecision: unknownId('RetrainDecision', ZERO_UUID),
        ModelLine: unknownId('ModelLine', 'no-such-line'),
        ModelVersion: unknownId('ModelVersion', 'no-such-version'),
        TrainingRun: unknownId('TrainingRun', ZERO_UUID),
        EvalGate: unknownId('EvalGate', ZERO_UUID),
        Evaluation: unknownId('Evaluation', ZERO_UUID),
        Deployment: unknownId('Deployment', ZERO_UUID),
        Webhook: unknownId('Webhook', ZERO_UUID),
        WebhookDelivery: unknownId('WebhookDelivery', ZERO_UUID),
        GroundTruth: unknownId('GroundTruth', 'never-reported'),
        AuditEvent: unknownId('AuditEvent', ZERO_UUID),
      };
      for (const type of NODE_TYPES) {
        const r = await server.gql(NODE, { id: unknown[type] });
        assert.equal(ok(r).node, null, type);
      }
      assert.deepEqual(ok(await server.gql(NODES, { ids: NODE_TYPES.map((t) => unknown[t]) })).nodes, NODE_TYPES.map(() => null));
      // Keys of the wrong shape for their table (not a uuid, not a number) are unknown objects too, not faults.
      for (const id of [unknownId('Tag', 'abc'), unknownId('Job', 'not-a-uuid'), unknownId('Correction', 'x'), unknownId('ApiKey', '1')]) {
        assert.equal(ok(await server.gql(NODE, { id })).node, null, id);
      }
      // An id the server issued for an entry that is gone: the ReviewItem of an entry that never queued.
      assert.equal(ok(await server.gql(NODE, { id: unknownId('ReviewItem', 'never-queued') })).node, null);
    });

    test('a malformed id is BAD_USER_INPUT', async () => {
      for (const id of ['nope!', '', Buffer.from('Bogus:1').toString('base64url'), Buffer.from('LogEntry:').toString('base64url'), Buffer.from('no colon').toString('base64url')]) {
        const r = await server.gql(NODE, { id });
        assert.equal(errorCode(r), 'BAD_USER_INPUT', `node(id: ${JSON.stringify(id)})`);
        assert.equal(r.data?.node ?? null, null);
      }
      const many = await server.gql(NODES, { ids: [ids.LogEntry, 'nope!'] });
      assert.equal(errorCode(many), 'BAD_USER_INPUT');
    });
  });

  describe('scopes through node: exactly those of the type’s own query', () => {
    let entryId: string;
    let reviewItemId: string;
    let apiKeyId: string;
    let jobId: string;

    before(async () => {
      const e = logInput();
      const q = logInput();
      await logBatch(server, [e, q]);
      entryId = ok(await server.gql(ENTRY, { r: e.requestId }, reader)).logEntry.id;
      ok(await server.gql(TAG, { input: { requestIds: [q.requestId], tags: ['operator_review'] } }, annotator));
      reviewItemId = ok(await server.gql(QUEUE, { first: 500 }, reader)).reviewQueue.nodes.find((n: any) => n.requestId === q.requestId).id;
      apiKeyId = ok(await server.gql(CREATE_KEY, { input: { name: uniq('scoped'), scopes: ['READ'] } })).createApiKey.apiKey.id;
      jobId = ok(await server.gql(COMPACT)).compactLogs.job.id;
    });

    test('READ: a LogEntry yes; an ApiKey or a Job no (FORBIDDEN, like apiKeys and job)', async () => {
      assert.deepEqual(ok(await server.gql(NODE, { id: entryId }, reader)).node, { __typename: 'LogEntry', id: entryId });
      for (const id of [apiKeyId, jobId]) {
        const r = await server.gql(NODE, { id }, reader);
        assert.equal(errorCode(r), 'FORBIDDEN');
        // Jobs are also visible to CURATE keys (training pipelines follow their dataset builds).
        assert.deepEqual(r.errors![0].extensions?.requiredScopes, id === jobId ? ['ADMIN', 'CURATE'] : ['ADMIN']);
        assert.equal(r.data?.node ?? null, null);
        assert.equal(errorCode(await server.gql(NODES, { ids: [id] }, reader)), 'FORBIDDEN');
      }
      // The type's own queries agree.
      assert.equal(errorCode(await server.gql(`{ apiKeys { totalCount } }`, {}, reader)), 'FORBIDDEN');
      assert.equal(errorCode(await server.gql(`query($id: ID!) { job(id: $id) { id } }`, { id: jobId }, reader)), 'FORBIDDEN');
    });

    test('ANNOTATE: a LogEntry no (logEntry needs READ); a ReviewItem yes', async () => {
      const annotateOnly = await createKey(server, ['ANNOTATE'], uniq('annotate-only'));
      const r = await server.gql(NODE, { id: entryId }, annotateOnly);
      assert.equal(errorCode(r), 'FORBIDDEN');
      assert.match(r.errors![0].message, /READ/);
      assert.equal(errorCode(await server.gql(`query($r: String!) { logEntry(requestId: $r) { id } }`, { r: 'x' }, annotateOnly)), 'FORBIDDEN');
      assert.deepEqual(ok(await server.gql(NODE, { id: reviewItemId }, annotateOnly)).node, { __typename: 'ReviewItem', id: reviewItemId });
    });

    test('FEEDBACK: not even the feedback it just created', async () => {
      const feedbackKey = await createKey(server, ['FEEDBACK'], uniq('browser'));
      const e = logInput();
      await logBatch(server, [e]);
      const fb = ok(await server.gql(FEEDBACK, { input: { requestId: e.requestId, kind: 'THUMBS_UP' } }, feedbackKey)).submitFeedback;
      assert.equal(fb.feedback, null, 'a FEEDBACK-only key sees no feedback object');
      assert.equal(fb.logEntry, null);
      const r = await server.gql(NODE, { id: fb.feedbackId }, feedbackKey);
      assert.equal(errorCode(r), 'FORBIDDEN');
      assert.deepEqual(r.errors![0].extensions?.requiredScopes, ['READ']);
      // A READ key may read it: the id is real.
      assert.deepEqual(ok(await server.gql(NODE, { id: fb.feedbackId }, reader)).node, { __typename: 'Feedback', id: fb.feedbackId });
    });

    test('no key: UNAUTHENTICATED', async () => {
      assert.equal(errorCode(await server.gql(NODE, { id: entryId }, null)), 'UNAUTHENTICATED');
    });
  });

  test('global ids are opaque but stable: one entry, one id, wherever it appears', async () => {
    const e = logInput();
    await logBatch(server, [e]);
    const seen: [string, string][] = [];
    const see = (where: string, id: string) => seen.push([where, id]);

    const listed = ok(await server.gql(`query { logEntries(first: 500) { nodes { id requestId } edges { node { id requestId } } } }`, {}, reader)).logEntries;
    see('logEntries.nodes', listed.nodes.find((n: any) => n.requestId === e.requestId).id);
    see('logEntries.edges', listed.edges.find((n: any) => n.node.requestId === e.requestId).node.id);
    see('logEntry', ok(await server.gql(ENTRY, { r: e.requestId }, reader)).logEntry.id);
    see('logEntry again', ok(await server.gql(ENTRY, { r: e.requestId }, reader)).logEntry.id);
    see('tagLogEntries.entries', ok(await server.gql(TAG, { input: { requestIds: [e.requestId], tags: ['operator_review'] } }, annotator)).tagLogEntries.entries[0].id);
    const queue = ok(await server.gql(QUEUE, { first: 500, filter: { includeClaimed: true } }, reader)).reviewQueue;
    const item = queue.nodes.find((n: any) => n.requestId === e.requestId);
    see('reviewQueue.entry', item.entry.id);
    const fb = ok(await server.gql(FEEDBACK, { input: { requestId: e.requestId, kind: 'THUMBS_UP' } })).submitFeedback;
    see('submitFeedback.logEntry', fb.logEntry.id);
    const claimed = ok(await server.gql(CLAIM, { input: { requestIds: [e.requestId] } }, annotator)).claimReviewItems.items;
    assert.equal(claimed.length, 1);
    see('claimReviewItems.items.entry', claimed[0].entry.id);
    const corrected = ok(await server.gql(CORRECT, { input: { requestId: e.requestId, completion: 'Stable.' } }, annotator)).submitCorrection;
    see('submitCorrection.logEntry', corrected.logEntry.id);
    see('node', ok(await server.gql(NODE, { id: seen[0][1] }, reader)).node.id);

    const distinct = new Set(seen.map(([, id]) => id));
    assert.equal(distinct.size, 1, `one id everywhere: ${JSON.stringify(seen)}`);
    const [entryId] = distinct;
    assert.notEqual(entryId, e.requestId, 'the global id is not the natural key');
    // The entry's review item shares the requestId but not the id (no collision in a normalised cache).
    assert.notEqual(item.id, entryId);
    assert.equal(claimed[0].id, item.id);
    assert.equal(corrected.reviewItem.id, item.id);
    assert.equal(corrected.reviewItem.status, 'DONE');
  });

  test('ids in mutations: unknown well-formed id -> NOT_FOUND; id of another type or malformed -> BAD_USER_INPUT', async () => {
    for (const m of [ACCEPT, REJECT]) {
      const r = await server.gql(m, { input: { correctionId: UNKNOWN_CORRECTION_ID } }, annotator);
      assert.equal(errorCode(r), 'NOT_FOUND', m);
    }
    const e = logInput();
    await logBatch(server, [e]);
    const entryId = ok(await server.gql(ENTRY, { r: e.requestId }, reader)).logEntry.id;
    const wrongType = await server.gql(ACCEPT, { input: { correctionId: entryId } }, annotator);
    assert.equal(errorCode(wrongType), 'BAD_USER_INPUT');
    assert.match(wrongType.errors![0].message, /correctionId/);
    assert.equal(errorCode(await server.gql(ACCEPT, { input: { correctionId: 'nope!' } }, annotator)), 'BAD_USER_INPUT');
    const [c] = await server.sql(`SELECT count(*)::int AS n FROM correction WHERE request_id = $1`, [e.requestId]);
    assert.equal(c.n, 0);

    // Other mutations that take a global id follow the same rule.
    const resolve = `mutation($input: ResolveDriftEventInput!) { resolveDriftEvent(input: $input) { driftEvent { id } } }`;
    assert.equal(errorCode(await server.gql(resolve, { input: { driftEventId: unknownId('DriftEvent', ZERO_UUID) } }, annotator)), 'NOT_FOUND');
    assert.equal(errorCode(await server.gql(resolve, { input: { driftEventId: entryId } }, annotator)), 'BAD_USER_INPUT');
    const revoke = `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id } } }`;
    assert.equal(errorCode(await server.gql(revoke, { input: { apiKeyId: unknownId('ApiKey', ZERO_UUID) } })), 'NOT_FOUND');
    assert.equal(errorCode(await server.gql(revoke, { input: { apiKeyId: entryId } })), 'BAD_USER_INPUT');
    // job(id:) is a read: an unknown job is null, a non-job id is refused.
    assert.equal(ok(await server.gql(`query($id: ID!) { job(id: $id) { id } }`, { id: unknownId('Job', ZERO_UUID) })).job, null);
    assert.equal(errorCode(await server.gql(`query($id: ID!) { job(id: $id) { id } }`, { id: entryId })), 'BAD_USER_INPUT');
  });
});

describe('API contract: connections', () => {
  let server: TestServer;
  const modelVersion = uniq('conn-v');
  const requestIds: string[] = []; // oldest first
  const base = Date.parse('2026-03-01T10:00:00.000Z');
  const LIST = `query($f: LogEntryFilter, $first: Int, $last: Int, $after: String, $before: String, $order: SortOrder) {
    logEntries(filter: $f, first: $first, last: $last, after: $after, before: $before, order: $order) {
      edges { cursor node { requestId } } nodes { requestId } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;
  const page = async (vars: Record<string, unknown>) => {
    const conn = ok(await server.gql(LIST, { f: { modelVersion }, ...vars })).logEntries;
    assert.deepEqual(conn.nodes, conn.edges.map((e: any) => e.node), 'nodes and edges agree');
    assert.equal(conn.pageInfo.startCursor, conn.edges[0]?.cursor ?? null);
    assert.equal(conn.pageInfo.endCursor, conn.edges.at(-1)?.cursor ?? null);
    return { ids: conn.nodes.map((n: any) => n.requestId) as string[], pageInfo: conn.pageInfo };
  };

  before(async () => {
    server = await startTestServer({ MAX_PAGE_SIZE: '5' });
    const items = Array.from({ length: 8 }, (_, i) => logInput({ modelVersion, occurredAt: new Date(base + i * 60_000).toISOString() }));
    await logBatch(server, items);
    requestIds.push(...items.map((i) => i.requestId as string));
  });
  after(() => server.stop());

  test('first above MAX_PAGE_SIZE is clamped, not refused', async () => {
    const p = await page({ first: 100 });
    assert.deepEqual(p.ids, [...requestIds].reverse().slice(0, 5), 'newest first by default');
    assert.equal(p.pageInfo.hasNextPage, true);
    assert.equal(p.pageInfo.hasPreviousPage, false);
    const rest = await page({ first: 100, after: p.pageInfo.endCursor });
    assert.deepEqual(rest.ids, [...requestIds].reverse().slice(5));
    assert.equal(rest.pageInfo.hasNextPage, false);
    assert.equal(rest.pageInfo.hasPreviousPage, true);
    assert.equal((await page({ last: 100 })).ids.length, 5, 'last is clamped like first');
  });

  test('last pages backward from the end of the list and returns items in list order', async () => {
    const desc = await page({ last: 2 });
    assert.deepEqual(desc.ids, [requestIds[1], requestIds[0]], 'default DESC: the two oldest, newest of them first');
    assert.equal(desc.pageInfo.hasPreviousPage, true);
    assert.equal(desc.pageInfo.hasNextPage, false);
    const asc = await page({ last: 2, order: 'ASC' });
    assert.deepEqual(asc.ids, [requestIds[6], requestIds[7]]);
    assert.equal(asc.pageInfo.hasPreviousPage, true);
    // Walking backward with before/startCursor visits every row once and ends with hasPreviousPage false.
    const walked: string[] = [];
    let before: string | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const p = await page({ last: 3, before });
      walked.unshift(...p.ids);
      if (before) assert.equal(p.pageInfo.hasNextPage, true, 'paging backward with `before`: items follow');
      if (!p.pageInfo.hasPreviousPage) break;
      before = p.pageInfo.startCursor;
    }
    assert.deepEqual(walked, [...requestIds].reverse());
  });

  test('first and last together, negative sizes, and foreign cursors are BAD_USER_INPUT', async () => {
    const both = await server.gql(LIST, { f: { modelVersion }, first: 2, last: 2 });
    assert.equal(errorCode(both), 'BAD_USER_INPUT');
    assert.equal(both.data?.logEntries ?? null, null);
    assert.equal(errorCode(await server.gql(LIST, { f: { modelVersion }, first: -1 })), 'BAD_USER_INPUT');
    assert.equal(errorCode(await server.gql(LIST, { f: { modelVersion }, last: -1 })), 'BAD_USER_INPUT');
    const badAfter = await server.gql(LIST, { f: { modelVersion }, after: 'garbage' });
    assert.equal(errorCode(badAfter), 'BAD_USER_INPUT');
    assert.match(badAfter.errors![0].message, /^after: not a cursor of this list/);
    const badBefore = await server.gql(LIST, { f: { modelVersion }, last: 1, before: 'garbage' });
    assert.match(badBefore.errors![0].message, /^before: not a cursor of this list/);
    // A cursor of another list is not a cursor of this one.
    const keyCursor = ok(await server.gql(`{ apiKeys(first: 1) { pageInfo { endCursor } } }`)).apiKeys.pageInfo.endCursor;
    assert.equal(errorCode(await server.gql(LIST, { f: { modelVersion }, after: keyCursor })), 'BAD_USER_INPUT');
  });

  test('reviewQueue.totalCount counts every matching item, not the page', async () => {
    const annotator = await createKey(server, ['ANNOTATE', 'READ'], uniq('queue-ana'));
    const TAG_ONLY = `mutation($input: TagLogEntriesInput!) { tagLogEntries(input: $input) { taggedCount } }`;
    ok(await server.gql(TAG_ONLY, { input: { requestIds: requestIds.slice(0, 3), tags: ['operator_review'] } }, annotator));
    const all = ok(await server.gql(QUEUE, { first: 100 })).reviewQueue;
    assert.equal(all.totalCount, 3);
    assert.equal(all.nodes.length, 3);
    assert.deepEqual(all.nodes.map((n: any) => n.requestId).sort(), requestIds.slice(0, 3).sort());
    const one = ok(await server.gql(QUEUE, { first: 1 })).reviewQueue;
    assert.equal(one.totalCount, 3);
    assert.equal(one.nodes.length, 1);
    assert.equal(one.pageInfo.hasNextPage, true);
    // Claimed items leave the default queue and its count.
    ok(await server.gql(CLAIM, { input: { requestIds: [requestIds[0]] } }, annotator));
    assert.equal(ok(await server.gql(QUEUE, { first: 100 })).reviewQueue.totalCount, 2);
    assert.equal(ok(await server.gql(QUEUE, { first: 100, filter: { includeClaimed: true } })).reviewQueue.totalCount, 3);
  });

  test('apiKeys, driftEvents and labelConflicts are connections with totalCount', async () => {
    const annotator = await createKey(server, ['ANNOTATE', 'READ'], uniq('conn-ana'));
    for (let i = 0; i < 6; i++) ok(await server.gql(CREATE_KEY, { input: { name: uniq('k'), scopes: ['INGEST'] } }));
    const keysAll = ok(await server.gql(`{ apiKeys(first: 100) { totalCount nodes { id name } edges { cursor node { id } } pageInfo { hasNextPage } } }`)).apiKeys;
    const [{ n: keyRows }] = await server.sql(`SELECT count(*)::int AS n FROM api_key`);
    assert.equal(keysAll.totalCount, keyRows);
    assert.ok(keyRows > 5);
    assert.equal(keysAll.nodes.length, 5, 'clamped to MAX_PAGE_SIZE');
    assert.equal(keysAll.pageInfo.hasNextPage, true);
    assert.deepEqual(keysAll.nodes.map((n: any) => n.id), keysAll.edges.map((e: any) => e.node.id));

    const driftModel = uniq('drift-conn');
    for (const value of [0.5, 0.6]) {
      ok(await server.gql(REPORT_DRIFT, { input: { modelVersion: driftModel, metric: 'gold_pass_rate', value, threshold: 0.8 } }, annotator));
    }
    const drift = ok(
      await server.gql(`query($f: DriftEventFilter) { driftEvents(filter: $f, first: 1) { totalCount nodes { id modelVersion } pageInfo { hasNextPage } } }`, { f: { modelVersion: driftModel } }),
    ).driftEvents;
    assert.equal(drift.totalCount, 2);
    assert.equal(drift.nodes.length, 1);
    assert.equal(drift.pageInfo.hasNextPage, true);

    await makeConflict(server, annotator);
    await makeConflict(server, annotator);
    const conflicts = ok(await server.gql(CONFLICTS, { first: 1 })).labelConflicts;
    assert.equal(conflicts.totalCount, 2);
    assert.equal(conflicts.nodes.length, 1);
    assert.equal(conflicts.pageInfo.hasNextPage, true);
    assert.equal(conflicts.nodes[0].corrections.length, 2);
    assert.match(conflicts.nodes[0].promptKey, /^[0-9a-f]{64}$/);
  });
});

describe('API contract: node reads null once an object no longer exists', () => {
  let server: TestServer;
  let annotator: string;
  before(async () => {
    // Nothing is sampled, so only references keep a row past compaction.
    server = await startTestServer({ SAMPLE_RATE: '0', MAX_PAGE_SIZE: '5' });
    annotator = await createKey(server, ['ANNOTATE', 'READ'], uniq('gone-ana'));
  });
  after(() => server.stop());

  test('a removed tag, a compacted entry and a resolved label conflict refetch as null; the job is followed by node', async () => {
    const gone = logInput();
    const kept = logInput();
    await logBatch(server, [gone, kept]);
    const tagged = ok(await server.gql(TAG, { input: { requestIds: [gone.requestId, kept.requestId], tags: ['temporary'] } }, annotator)).tagLogEntries.entries;
    const [goneEntry, keptEntry] = [gone, kept].map((i) => tagged.find((e: any) => e.requestId === i.requestId));
    const tagId = goneEntry.tags[0].id;
    assert.equal(ok(await server.gql(NODE, { id: tagId })).node.id, tagId);
    ok(await server.gql(`mutation($input: UntagLogEntriesInput!) { untagLogEntries(input: $input) { untaggedCount } }`, { input: { requestIds: [gone.requestId], tags: ['temporary'] } }, annotator));
    assert.equal(ok(await server.gql(NODE, { id: tagId })).node, null, 'a removed tag no longer exists');

    const job = ok(await server.gql(`mutation { compactLogs(input: { graceHours: 0 }) { job { id state } } }`)).compactLogs.job;
    const JOB = `query($id: ID!) { node(id: $id) { __typename ... on Job { id state output } } }`;
    const done = await waitFor(async () => {
      const n = ok(await server.gql(JOB, { id: job.id })).node;
      return ['COMPLETED', 'FAILED'].includes(n.state) ? n : null;
    }, 'compaction job');
    assert.equal(done.__typename, 'Job');
    assert.equal(done.state, 'COMPLETED', JSON.stringify(done.output));

    assert.equal(ok(await server.gql(`query($r: String!) { logEntry(requestId: $r) { id } }`, { r: gone.requestId })).logEntry, null, 'compacted');
    assert.equal(ok(await server.gql(NODE, { id: goneEntry.id })).node, null);
    assert.deepEqual(ok(await server.gql(NODES, { ids: [goneEntry.id, keptEntry.id] })).nodes, [null, { __typename: 'LogEntry', id: keptEntry.id }]);

    const other = await createKey(server, ['ANNOTATE'], uniq('gone-bob'));
    const conflict = await makeConflict(server, annotator);
    const conflictId = ok(await server.gql(CONFLICTS, { first: 5 })).labelConflicts.nodes[0].id;
    assert.equal(ok(await server.gql(NODE, { id: conflictId })).node.id, conflictId);
    ok(await server.gql(REJECT, { input: { correctionId: conflict.correctionIds[1] } }, other));
    assert.equal(ok(await server.gql(NODE, { id: conflictId })).node, null, 'one accepted answer left: no conflict');
    assert.equal(ok(await server.gql(CONFLICTS, { first: 5 })).labelConflicts.totalCount, 0);
  });

  test('nodes(ids:) answers every id it was given, in order (no silent truncation at MAX_PAGE_SIZE)', async () => {
    const items = Array.from({ length: 7 }, () => logInput());
    await logBatch(server, items);
    const tagged = ok(await server.gql(TAG, { input: { requestIds: items.map((i) => i.requestId), tags: ['keep'] } }, annotator)).tagLogEntries.entries;
    const ids = items.map((i) => tagged.find((e: any) => e.requestId === i.requestId).id as string);
    const r = await server.gql(NODES, { ids });
    // Either every id gets its answer (index i ↔ ids[i]), or the call is refused as a whole. A list
    // shorter than the input leaves a client unable to tell "missing" from "not asked".
    if (r.errors) {
      assert.equal(errorCode(r), 'BAD_USER_INPUT');
    } else {
      assert.deepEqual(r.data.nodes, ids.map((id) => ({ __typename: 'LogEntry', id })), `7 ids in, ${r.data.nodes.length} answers out`);
    }
  });
});
