import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import {
  getNamedType,
  GraphQLEnumType,
  GraphQLField,
  GraphQLInterfaceType,
  GraphQLObjectType,
  GraphQLSchema,
  isInterfaceType,
  isObjectType,
  parse,
  validate,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';
import { buildFlywheelSchema } from '../src/app';
import { ADMIN_KEY, logInput, startTestServer, TestServer, waitFor } from './helpers/test-server';

/**
 * The scope matrix (issue 12, point 6): every Query and Mutation field, the nested fields that cross
 * from one scope's types into another's, and every HTTP route, against every kind of caller. The rows
 * come from the built schema: a field the tables below do not list (or a table entry the schema lacks)
 * fails the first test, so a new field cannot ship without a rule.
 *
 * - An allowed cell must succeed (no error at all, the field not null).
 * - A denied cell with a valid key is FORBIDDEN for that field only (`data.<field>` null, one error,
 *   no value of the request echoed); with no key or a revoked key it is HTTP 401 UNAUTHENTICATED
 *   before the body is read.
 * - No existence oracle: a denied cell is sent twice, naming an object that exists and one that does
 *   not; the two replies must be identical apart from the request id.
 *
 * Keys cannot expire (api_key has no expiry column, and ApiKey no expiresAt field: a test below says
 * so), so there is no "expired" column; a revoked key is the closest kind and is one.
 */

// ---------------------------------------------------------------------------------------------------
// The contract (README "API keys and scopes"). ADMIN may do everything and is implied in every row.
// ---------------------------------------------------------------------------------------------------

const SCOPES = ['ingest', 'feedback', 'annotate', 'model_label', 'read', 'curate', 'ci', 'deploy', 'metrics', 'admin'] as const;
type Scope = (typeof SCOPES)[number];
/** Every caller the matrix tries: no key, one key per scope, and a revoked (ADMIN) key. */
const KINDS = ['none', 'feedback', 'ingest', 'annotate', 'model_label', 'read', 'curate', 'ci', 'deploy', 'metrics', 'admin', 'revoked'] as const;
type Kind = (typeof KINDS)[number];
const unauthenticated = (k: Kind) => k === 'none' || k === 'revoked';

/** node/nodes: any valid key may ask; the answer follows the scopes of the type of the id (TYPE_SCOPES). */
const PER_TYPE = 'per type of the id' as const;
type RootRule = readonly Scope[] | typeof PER_TYPE;
const LINEAGE = ['read', 'curate', 'deploy'] as const;
const EVERY_KEY_BUT_FEEDBACK = ['ingest', 'annotate', 'model_label', 'read', 'curate', 'ci', 'deploy', 'metrics'] as const;

/** Who may call each root field (ADMIN implied). */
const ROOT_RULES: Record<string, RootRule> = {
  // Query
  viewer: EVERY_KEY_BUT_FEEDBACK,
  apiKeys: [],
  jobs: ['curate'],
  job: ['curate'],
  datasetVersion: ['read', 'curate'],
  datasetVersions: ['read', 'curate'],
  driftEvents: ['read'],
  logEntry: ['read'],
  logEntries: ['read'],
  ingestStats: ['read'],
  node: PER_TYPE,
  nodes: PER_TYPE,
  retrainPolicies: ['read', 'curate'],
  retrainDecisions: ['read', 'curate'],
  retrainReadiness: ['ci', 'read', 'curate'],
  promotionDecision: ['ci', 'read', 'curate', 'deploy'],
  modelLine: LINEAGE,
  modelLines: LINEAGE,
  trainingRuns: LINEAGE,
  deployments: LINEAGE,
  evalGates: LINEAGE,
  webhooks: [],
  groundTruthAccuracy: ['read', 'curate'],
  reviewQueue: ['read', 'annotate', 'model_label'],
  reviewStats: ['read', 'annotate', 'model_label'],
  labelConflicts: ['read', 'annotate'],
  tagCounts: ['read'],
  auditLog: [],
  auditEvent: [],
  // Mutation
  createApiKey: [],
  revokeApiKey: [],
  compactLogs: [],
  runLogRetention: [],
  refreshTrafficProfiles: [],
  createDatasetVersion: ['curate'],
  cancelJob: ['curate'],
  reportDriftEvent: ['annotate'],
  resolveDriftEvent: ['annotate'],
  submitFeedback: ['feedback'],
  logInference: ['ingest'],
  logInferences: ['ingest'],
  createRetrainPolicy: [],
  updateRetrainPolicy: [],
  deleteRetrainPolicy: [],
  evaluateRetrain: ['curate'],
  saveModelLine: [],
  adoptDeployment: ['deploy'],
  registerTrainingRun: ['curate'],
  updateTrainingRun: ['curate'],
  saveEvalGate: [],
  deleteEvalGate: [],
  recordEvaluation: ['curate'],
  promote: ['deploy'],
  rollback: ['deploy'],
  createWebhook: [],
  updateWebhook: [],
  deleteWebhook: [],
  reportGroundTruth: ['ingest'],
  reportGroundTruths: ['ingest'],
  claimReviewItems: ['annotate', 'model_label'],
  releaseReviewItems: ['annotate', 'model_label'],
  submitCorrection: ['annotate', 'model_label'],
  acceptCorrection: ['annotate'],
  rejectCorrection: ['annotate'],
  tagLogEntries: ['annotate'],
  untagLogEntries: ['annotate'],
  eraseUser: [],
};

/** Who may read each Node type: the scopes of the type's own query (node/nodes answer exactly these). */
const TYPE_SCOPES: Record<string, readonly Scope[]> = {
  LogEntry: ['read'],
  Tag: ['read'],
  Feedback: ['read'],
  Correction: ['read', 'annotate', 'model_label'],
  ReviewItem: ['read', 'annotate', 'model_label'],
  LabelConflict: ['read', 'annotate'],
  DriftEvent: ['read'],
  ApiKey: [],
  Job: ['curate'],
  DatasetVersion: ['read', 'curate'],
  RetrainPolicy: ['read', 'curate'],
  RetrainDecision: ['read', 'curate'],
  ModelLine: LINEAGE,
  ModelVersion: LINEAGE,
  TrainingRun: LINEAGE,
  EvalGate: LINEAGE,
  Evaluation: LINEAGE,
  Deployment: LINEAGE,
  GroundTruth: ['read'],
  Webhook: [],
  WebhookDelivery: [],
  AuditEvent: [],
};

/**
 * Nested fields that lead from a type one key may read into a type it may not (README: "Nested fields
 * check the type they lead to"). `guard`: field-level @Authorized, FORBIDDEN for other keys. `nulled`:
 * the resolver answers null, without an error, to other keys. `open`: the documented exceptions, with
 * the reason, by key kind. A test walks the schema from every key's root fields and fails on any hop
 * into a type outside the key's scopes that is neither guarded here nor an exception here.
 */
type NestedRule = { guard: readonly Scope[] } | { nulled: readonly Scope[] } | { open: Partial<Record<Scope, string>> };
const ITEM_ENTRY = 'README: an ANNOTATE or MODEL_LABEL key reads a review item’s entry (with its tags, feedback and corrections), which it needs to correct it';
const NESTED: Record<string, NestedRule> = {
  'TrainingRun.datasetVersion': { guard: ['read', 'curate'] },
  'RetrainDecision.datasetVersion': { guard: ['read', 'curate'] },
  'RetrainDecision.policy': { guard: ['read', 'curate'] },
  'DatasetVersion.entries': { guard: ['read'] },
  'DatasetVersion.job': { guard: ['curate'] },
  'LogEntry.datasetVersions': { guard: ['read', 'curate'] },
  'LogEntry.groundTruth': { guard: ['read'] },
  'SubmitCorrectionPayload.logEntry': { guard: ['read'] },
  'TagLogEntriesPayload.entries': { guard: ['read'] },
  'UntagLogEntriesPayload.entries': { guard: ['read'] },
  'ReportDriftEventPayload.rolledBack': { guard: [...LINEAGE] },
  'SubmitFeedbackPayload.feedback': { nulled: ['read'] },
  'SubmitFeedbackPayload.logEntry': { nulled: ['read'] },
  'ReviewItem.entry': { open: { annotate: ITEM_ENTRY, model_label: ITEM_ENTRY } },
  'LogEntry.tags': { open: { annotate: ITEM_ENTRY, model_label: ITEM_ENTRY } },
  'LogEntry.feedback': { open: { annotate: ITEM_ENTRY, model_label: ITEM_ENTRY } },
  'RetrainReadiness.lastDecision': { open: { ci: 'README: a CI key reads retrainReadiness.lastDecision but not its dataset (or policy)' } },
  'ReportDriftEventPayload.driftEvent': { open: { annotate: 'the event the key just reported: its id is what resolveDriftEvent takes' } },
  'ResolveDriftEventPayload.driftEvent': { open: { annotate: 'the event the key just resolved' } },
  'ReportGroundTruthPayload.groundTruth': { open: { ingest: 'the report the key just wrote (README: reportGroundTruth returns groundTruth { id requestId status })' } },
  'GroundTruthResult.groundTruth': { open: { ingest: 'the reports the key just wrote' } },
};

const rootAllows = (field: string, kind: Kind): boolean => {
  if (unauthenticated(kind)) return false;
  const rule = ROOT_RULES[field];
  return kind === 'admin' || rule === PER_TYPE || rule.includes(kind as Scope);
};
const typeAllows = (type: string, kind: Kind) => !unauthenticated(kind) && (kind === 'admin' || TYPE_SCOPES[type].includes(kind as Scope));
/** Whether a key that reached the parent gets the nested field's value ('value'), null without error ('null') or FORBIDDEN. */
function nestedOutcome(field: string, kind: Kind): 'value' | 'null' | 'forbidden' {
  const rule = NESTED[field];
  if (kind === 'admin' || 'open' in rule) return 'value';
  if ('guard' in rule) return rule.guard.includes(kind as Scope) ? 'value' : 'forbidden';
  return rule.nulled.includes(kind as Scope) ? 'value' : 'null';
}

// ---------------------------------------------------------------------------------------------------
// Fixtures and requests
// ---------------------------------------------------------------------------------------------------

type Vars = Record<string, unknown>;
const ZERO_UUID = '00000000-0000-0000-0000-000000000000';
const unknownId = (type: string, key: string) => Buffer.from(`${type}:${key}`, 'utf8').toString('base64url');
const uniq = (p: string) => `${p}-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
// Time series take bounded ranges (ingestStats, groundTruthAccuracy, tagCounts): the last week.
const FROM = new Date(Date.now() - 7 * 86_400_000).toISOString();
const TO = new Date(Date.now() + 86_400_000).toISOString();
const ORIGIN = 'https://shop.example.com';

interface Fx {
  mv: string; // a model version with entries, corrections, a READY dataset version, a policy and a RETRAIN decision
  mvQuiet: string; // a model version without policies (evaluateRetrain → WAIT)
  mvDrift: string;
  entry: string; // logged, tagged, with feedback, a correction and ground truth
  queued: string; // in the review queue (operator_review), with feedback and ground truth
  ids: Record<string, string>; // one existing object of every Node type, by type
  dataset: string;
  datasetName: string;
  job: string;
  policy: string;
  line: string; // adopted v1, promoted v2 (run), unpromoted v3 (run2)
  gateLine: string; // adopted only: eval-gate cells work here
  run: string;
  run2: string;
  evalGate: string;
  webhook: string;
  driftEvent: string;
  spareKey: string;
  correction: string;
}

interface Reply {
  status: number;
  text: string;
  body: any;
  contentType: string | null;
}

describe('scope matrix: every field and route × every kind of caller', () => {
  let schema: GraphQLSchema;
  let server: TestServer;
  const keys = {} as Record<Kind, string | null>;
  const names = {} as Record<Kind, string>;
  const fx = { ids: {} } as Fx;
  let cells = 0;
  let requests = 0;

  async function send(path: string, init: { method?: string; headers?: Record<string, string>; body?: string }, kind: Kind): Promise<Reply> {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    const key = keys[kind];
    if (key) headers.authorization = `Bearer ${key}`;
    for (let attempt = 0; ; attempt++) {
      try {
        requests++;
        const res = await fetch(`${server.url}${path}`, { method: init.method ?? 'GET', headers, body: init.body });
        const text = await res.text();
        let body: any = null;
        try {
          body = JSON.parse(text);
        } catch {
          body = null;
        }
        return { status: res.status, text, body, contentType: res.headers.get('content-type') };
      } catch (err) {
        // A 401 closes the connection without reading the body; a request racing that close is retried.
        if (attempt >= 2) throw err;
      }
    }
  }
  const gql = (query: string, variables: Vars, kind: Kind) =>
    send('/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) }, kind);

  /** Fixture setup as ADMIN_KEY (or another kind): the data, or a thrown error naming the request. */
  async function as(kind: Kind | 'env-admin', query: string, variables: Vars = {}): Promise<any> {
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${kind === 'env-admin' ? ADMIN_KEY : keys[kind]}` };
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as any;
    if (body.errors) throw new Error(`fixture ${query.slice(0, 80)}: ${JSON.stringify(body.errors)}`);
    return body.data;
  }
  const admin = (query: string, variables: Vars = {}) => as('env-admin', query, variables);

  // Builders: fresh objects for cells that use them up.
  async function freshEntry(overrides: Vars = {}): Promise<string> {
    const input = logInput({ modelVersion: fx.mvQuiet, ...overrides });
    await admin(`mutation($input: LogInferenceInput!) { logInference(input: $input) { requestId } }`, { input });
    return input.requestId as string;
  }
  async function queuedEntry(): Promise<string> {
    const r = await freshEntry();
    await admin(`mutation($input: TagLogEntriesInput!) { tagLogEntries(input: $input) { taggedCount } }`, { input: { requestIds: [r], tags: ['operator_review'] } });
    return r;
  }
  async function proposedCorrection(): Promise<string> {
    const r = await freshEntry();
    const c = await as('model_label', `mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { id status } } }`, {
      input: { requestId: r, completion: 'A proposed answer.', confidence: 0.1 },
    });
    assert.equal(c.submitCorrection.correction.status, 'PROPOSED');
    return c.submitCorrection.correction.id;
  }
  async function adoptedLine(): Promise<string> {
    const line = uniq('mx-line');
    await admin(`mutation($input: AdoptDeploymentInput!) { adoptDeployment(input: $input) { deployment { id } } }`, { input: { modelLine: line, modelVersion: `${line}-v1` } });
    await admin(`mutation($input: SaveEvalGateInput!) { saveEvalGate(input: $input) { evalGate { id } } }`, {
      input: { modelLine: line, name: 'accuracy', direction: 'HIGHER_IS_BETTER', threshold: 0.5 },
    });
    return line;
  }
  /** A SUCCEEDED run whose candidate passes the line's gate: promote says PROMOTE. */
  async function promotableRun(line: string, candidate = `${line}-v2`): Promise<string> {
    const run = (
      await admin(`mutation($input: RegisterTrainingRunInput!) { registerTrainingRun(input: $input) { trainingRun { id } } }`, {
        input: { datasetVersionId: fx.dataset, baseModelVersion: `${line}-v1`, candidateModelVersion: candidate },
      })
    ).registerTrainingRun.trainingRun.id;
    await admin(`mutation($input: UpdateTrainingRunInput!) { updateTrainingRun(input: $input) { trainingRun { id } } }`, { input: { runId: run, status: 'SUCCEEDED' } });
    await admin(`mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) { evaluations { id } } }`, { input: { runId: run, results: [{ gate: 'accuracy', value: 0.9 }] } });
    return run;
  }
  /** A line whose v2 was promoted (on probation now), so it can be rolled back. */
  async function promotedLine(): Promise<string> {
    const line = await adoptedLine();
    const run = await promotableRun(line);
    await admin(`mutation($input: PromoteInput!) { promote(input: $input) { deployment { id } } }`, { input: { runId: run } });
    return line;
  }
  async function driftEvent(): Promise<string> {
    return (
      await admin(`mutation($input: ReportDriftEventInput!) { reportDriftEvent(input: $input) { driftEvent { id } } }`, {
        input: { modelVersion: uniq('mx-drift'), metric: 'gold_pass_rate', value: 0.7, threshold: 0.8 },
      })
    ).reportDriftEvent.driftEvent.id;
  }
  async function spareKey(): Promise<string> {
    return (await admin(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } } }`, { input: { name: uniq('mx-spare'), scopes: ['READ'] } })).createApiKey.apiKey.id;
  }
  async function retrainPolicy(modelVersion = uniq('mx-policy-mv')): Promise<string> {
    return (
      await admin(`mutation($input: CreateRetrainPolicyInput!) { createRetrainPolicy(input: $input) { retrainPolicy { id } } }`, {
        input: { modelVersion, kind: 'VOLUME', minNewCorrections: 1000 },
      })
    ).createRetrainPolicy.retrainPolicy.id;
  }
  async function webhook(): Promise<string> {
    return (
      await admin(`mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } } }`, {
        input: { url: 'http://127.0.0.1:9/scope-matrix', events: ['RETRAIN_DECIDED'] },
      })
    ).createWebhook.webhook.id;
  }
  async function enqueuedJob(): Promise<string> {
    return (await admin(`mutation { refreshTrafficProfiles(input: {}) { job { id } } }`)).refreshTrafficProfiles.job.id;
  }

  before(async () => {
    schema = await buildFlywheelSchema();
    server = await startTestServer({ CORS_ORIGINS: ORIGIN });
    const started = Date.now();

    // One key per kind, created once. The revoked key had ADMIN: a revocation that leaked would open everything.
    keys.none = null;
    for (const kind of KINDS) {
      if (kind === 'none') continue;
      const scope = kind === 'revoked' ? 'ADMIN' : kind.toUpperCase();
      names[kind] = uniq(`mx-${kind}`);
      const created = (await admin(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id } } }`, { input: { name: names[kind], scopes: [scope] } }))
        .createApiKey;
      keys[kind] = created.secret;
      if (kind === 'revoked') await admin(`mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id } } }`, { input: { apiKeyId: created.apiKey.id } });
    }

    fx.mv = uniq('mx-mv');
    fx.mvQuiet = uniq('mx-quiet');
    fx.mvDrift = uniq('mx-drift');
    const [e, q, d1, d2] = [0, 1, 2, 3].map(() => logInput({ modelVersion: fx.mv }));
    await admin(`mutation($input: LogInferencesInput!) { logInferences(input: $input) { results { requestId } } }`, { input: { items: [e, q, d1, d2] } });
    fx.entry = e.requestId as string;
    fx.queued = q.requestId as string;
    const CORRECT = `mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { id status } } }`;
    for (const it of [e, d1, d2]) {
      const c = (await as('annotate', CORRECT, { input: { requestId: it.requestId, completion: `Corrected ${it.requestId}.` } })).submitCorrection.correction;
      if (it === e) fx.ids.Correction = c.id;
    }
    fx.correction = await proposedCorrection();
    const tagged = (
      await admin(`mutation($input: TagLogEntriesInput!) { tagLogEntries(input: $input) { entries { id requestId tags { id name } } } }`, { input: { requestIds: [fx.entry], tags: ['scope.matrix'] } })
    ).tagLogEntries.entries[0];
    fx.ids.LogEntry = tagged.id;
    fx.ids.Tag = tagged.tags[0].id;
    await admin(`mutation($input: TagLogEntriesInput!) { tagLogEntries(input: $input) { taggedCount } }`, { input: { requestIds: [fx.queued], tags: ['operator_review'] } });
    for (const r of [fx.entry, fx.queued]) {
      const fb = (await admin(`mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { feedbackId } }`, { input: { requestId: r, kind: 'THUMBS_UP' } })).submitFeedback;
      if (r === fx.entry) fx.ids.Feedback = fb.feedbackId;
      const gt = (await admin(`mutation($input: ReportGroundTruthInput!) { reportGroundTruth(input: $input) { groundTruth { id } } }`, { input: { requestId: r, expected: e.response } }))
        .reportGroundTruth.groundTruth;
      if (r === fx.entry) fx.ids.GroundTruth = gt.id;
    }
    const queue = (await admin(`{ reviewQueue(first: 500, filter: { includeClaimed: true }) { nodes { id requestId } } }`)).reviewQueue.nodes;
    fx.ids.ReviewItem = queue.find((n: any) => n.requestId === fx.queued).id;

    // A label conflict: one question, two accepted answers.
    const prompt = `Can I change my billing date? ${uniq('conflict')}`;
    const ca = logInput({ prompt, modelVersion: fx.mvQuiet });
    const cb = logInput({ prompt: `  ${prompt.toUpperCase()}?  `, modelVersion: fx.mvQuiet });
    await admin(`mutation($input: LogInferencesInput!) { logInferences(input: $input) { results { requestId } } }`, { input: { items: [ca, cb] } });
    const conflictCorrection = (await as('annotate', CORRECT, { input: { requestId: ca.requestId, completion: 'Yes, in Settings → Billing.' } })).submitCorrection.correction.id;
    await as('annotate', CORRECT, { input: { requestId: cb.requestId, completion: 'No, billing dates are fixed.' } });
    const conflicts = (await admin(`{ labelConflicts(first: 500) { nodes { id corrections { id } } } }`)).labelConflicts.nodes;
    fx.ids.LabelConflict = conflicts.find((c: any) => c.corrections.some((x: any) => x.id === conflictCorrection)).id;

    // A READY dataset version of the corrected entries.
    fx.datasetName = uniq('mx-ds');
    fx.dataset = (await admin(`mutation($input: CreateDatasetVersionInput!) { createDatasetVersion(input: $input) { datasetVersion { id } } }`, { input: { name: fx.datasetName, modelVersions: [fx.mv] } }))
      .createDatasetVersion.datasetVersion.id;
    fx.ids.DatasetVersion = fx.dataset;
    const built = await waitFor(
      async () => {
        const v = (await admin(`query($id: ID!) { datasetVersion(id: $id) { status error } }`, { id: fx.dataset })).datasetVersion;
        return v.status === 'READY' || v.status === 'FAILED' ? v : null;
      },
      'the dataset version',
      90_000,
    );
    assert.equal(built.status, 'READY', built.error);

    // A retrain policy that fires, and its RETRAIN decision (with a policy and a dataset version).
    fx.policy = (
      await admin(`mutation($input: CreateRetrainPolicyInput!) { createRetrainPolicy(input: $input) { retrainPolicy { id } } }`, { input: { modelVersion: fx.mv, kind: 'VOLUME', minNewCorrections: 1 } })
    ).createRetrainPolicy.retrainPolicy.id;
    fx.ids.RetrainPolicy = fx.policy;
    const decision = (await admin(`mutation($input: EvaluateRetrainInput!) { evaluateRetrain(input: $input) { retrainDecision { id outcome policy { id } datasetVersion { id } } } }`, { input: { modelVersion: fx.mv } }))
      .evaluateRetrain.retrainDecision;
    assert.equal(decision.outcome, 'RETRAIN', 'the fixture policy fires');
    assert.ok(decision.policy && decision.datasetVersion, 'a RETRAIN decision has its policy and dataset version');
    fx.ids.RetrainDecision = decision.id;

    // Lineage: a line with an adopted v1 and a promoted v2 (its run, gate, evaluation, deployments), a
    // webhook with the PROMOTED delivery, and a SUCCEEDED v3 not promoted.
    fx.webhook = (
      await admin(`mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } } }`, { input: { url: 'http://127.0.0.1:9/scope-matrix', events: ['PROMOTED'] } })
    ).createWebhook.webhook.id;
    fx.ids.Webhook = fx.webhook;
    fx.line = await adoptedLine();
    fx.run = await promotableRun(fx.line);
    const promoted = (await admin(`mutation($input: PromoteInput!) { promote(input: $input) { deployment { id version { id } } modelLine { id } } }`, { input: { runId: fx.run } })).promote;
    fx.ids.TrainingRun = fx.run;
    fx.ids.Deployment = promoted.deployment.id;
    fx.ids.ModelVersion = promoted.deployment.version.id;
    fx.ids.ModelLine = promoted.modelLine.id;
    const lineParts = (await admin(`query($l: String!) { evalGates(modelLine: $l) { nodes { id } } trainingRuns(modelLine: $l) { nodes { id candidate { evaluations { nodes { id } } } } } }`, { l: fx.line }));
    fx.evalGate = lineParts.evalGates.nodes[0].id;
    fx.ids.EvalGate = fx.evalGate;
    fx.ids.Evaluation = lineParts.trainingRuns.nodes.find((r: any) => r.id === fx.run).candidate.evaluations.nodes[0].id;
    fx.run2 = await promotableRun(fx.line, `${fx.line}-v3`);
    fx.gateLine = await adoptedLine();
    const hooks = (await admin(`{ webhooks(first: 500) { nodes { id deliveries(first: 5) { nodes { id event } } } } }`)).webhooks.nodes;
    fx.ids.WebhookDelivery = hooks.find((h: any) => h.id === fx.webhook).deliveries.nodes[0].id;
    // Deliveries to port 9 fail and retry; the fixture webhook has done its part.
    await admin(`mutation($input: UpdateWebhookInput!) { updateWebhook(input: $input) { webhook { id } } }`, { input: { webhookId: fx.webhook, enabled: false } });

    fx.driftEvent = (
      await admin(`mutation($input: ReportDriftEventInput!) { reportDriftEvent(input: $input) { driftEvent { id } } }`, { input: { modelVersion: fx.mvDrift, metric: 'gold_pass_rate', value: 0.7, threshold: 0.8 } })
    ).reportDriftEvent.driftEvent.id;
    fx.ids.DriftEvent = fx.driftEvent;
    fx.spareKey = await spareKey();
    fx.ids.ApiKey = fx.spareKey;
    fx.job = (await admin(`mutation { compactLogs(input: {}) { job { id } } }`)).compactLogs.job.id;
    fx.ids.Job = fx.job;
    // The fixtures' own admin actions are in the audit log.
    fx.ids.AuditEvent = (await admin(`{ auditLog(first: 1) { nodes { id } } }`)).auditLog.nodes[0].id;
    console.log(`scope matrix: fixtures ready in ${Date.now() - started} ms`);
  });
  after(() => server?.stop());

  // -------------------------------------------------------------------------------------------------
  // Rows: one minimal operation per root field. `vars` builds what an allowed cell uses (fresh objects
  // where the call uses them up); `probe` names an existing object and a missing one for denied cells.
  // -------------------------------------------------------------------------------------------------

  interface Row {
    op: string;
    vars?: (kind: Kind) => Vars | Promise<Vars>;
    probe?: () => [existing: Vars, missing?: Vars];
  }
  const same = (v: () => Vars) => ({ vars: v, probe: () => [v()] as [Vars] });
  const entryPair = (make: (requestId: string) => Vars) => () => [make(fx.entry), make(uniq('never-logged'))] as [Vars, Vars];
  const idPair = (make: (id: string) => Vars, type: string, existing: () => string) => () => [make(existing()), make(unknownId(type, ZERO_UUID))] as [Vars, Vars];
  const namePair = (make: (name: string) => Vars, existing: () => string) => () => [make(existing()), make(uniq('missing'))] as [Vars, Vars];

  const ROWS: Record<string, Row> = {
    // Query
    viewer: { op: `{ viewer { name scopes } }` },
    apiKeys: { op: `{ apiKeys(first: 2) { totalCount nodes { id } } }` },
    jobs: { op: `{ jobs(first: 2) { totalCount nodes { id state } } }` },
    job: { op: `query($id: ID!) { job(id: $id) { id state } }`, vars: () => ({ id: fx.job }), probe: idPair((id) => ({ id }), 'Job', () => fx.job) },
    datasetVersion: {
      op: `query($id: ID!) { datasetVersion(id: $id) { id status } }`,
      vars: () => ({ id: fx.dataset }),
      probe: idPair((id) => ({ id }), 'DatasetVersion', () => fx.dataset),
    },
    datasetVersions: {
      op: `query($name: String) { datasetVersions(name: $name, first: 2) { totalCount nodes { id } } }`,
      vars: () => ({ name: fx.datasetName }),
      probe: namePair((name) => ({ name }), () => fx.datasetName),
    },
    driftEvents: {
      op: `query($f: DriftEventFilter) { driftEvents(filter: $f, first: 2) { totalCount nodes { id } } }`,
      vars: () => ({ f: { modelVersion: fx.mvDrift } }),
      probe: namePair((modelVersion) => ({ f: { modelVersion } }), () => fx.mvDrift),
    },
    logEntry: { op: `query($r: String!) { logEntry(requestId: $r) { id requestId } }`, vars: () => ({ r: fx.entry }), probe: entryPair((r) => ({ r })) },
    logEntries: {
      op: `query($f: LogEntryFilter) { logEntries(filter: $f, first: 2) { nodes { id } } }`,
      vars: () => ({ f: { modelVersion: fx.mv } }),
      probe: namePair((modelVersion) => ({ f: { modelVersion } }), () => fx.mv),
    },
    ingestStats: {
      op: `query($mv: String, $from: DateTime!, $to: DateTime!) { ingestStats(modelVersion: $mv, from: $from, to: $to) { total { received } } }`,
      vars: () => ({ mv: fx.mv, from: FROM, to: TO }),
      probe: namePair((mv) => ({ mv, from: FROM, to: TO }), () => fx.mv),
    },
    retrainPolicies: {
      op: `query($mv: String) { retrainPolicies(modelVersion: $mv, first: 2) { totalCount nodes { id } } }`,
      vars: () => ({ mv: fx.mv }),
      probe: namePair((mv) => ({ mv }), () => fx.mv),
    },
    retrainDecisions: {
      op: `query($mv: String) { retrainDecisions(modelVersion: $mv, first: 2) { totalCount nodes { id } } }`,
      vars: () => ({ mv: fx.mv }),
      probe: namePair((mv) => ({ mv }), () => fx.mv),
    },
    retrainReadiness: {
      op: `query($mv: String!) { retrainReadiness(modelVersion: $mv) { ready outcome } }`,
      vars: () => ({ mv: fx.mv }),
      probe: namePair((mv) => ({ mv }), () => fx.mv),
    },
    promotionDecision: {
      op: `query($id: ID!) { promotionDecision(runId: $id) { outcome } }`,
      vars: () => ({ id: fx.run2 }),
      probe: idPair((id) => ({ id }), 'TrainingRun', () => fx.run2),
    },
    modelLine: { op: `query($l: String!) { modelLine(name: $l) { id } }`, vars: () => ({ l: fx.line }), probe: namePair((l) => ({ l }), () => fx.line) },
    modelLines: { op: `{ modelLines(first: 2) { totalCount nodes { id } } }` },
    trainingRuns: {
      op: `query($l: String) { trainingRuns(modelLine: $l, first: 2) { totalCount nodes { id } } }`,
      vars: () => ({ l: fx.line }),
      probe: namePair((l) => ({ l }), () => fx.line),
    },
    deployments: {
      op: `query($l: String!) { deployments(modelLine: $l, first: 2) { totalCount nodes { id } } }`,
      vars: () => ({ l: fx.line }),
      probe: namePair((l) => ({ l }), () => fx.line),
    },
    evalGates: {
      op: `query($l: String!) { evalGates(modelLine: $l, first: 2) { totalCount nodes { id } } }`,
      vars: () => ({ l: fx.line }),
      probe: namePair((l) => ({ l }), () => fx.line),
    },
    webhooks: { op: `{ webhooks(first: 2) { totalCount nodes { id } } }` },
    groundTruthAccuracy: {
      op: `query($mv: String!, $from: DateTime!, $to: DateTime!) { groundTruthAccuracy(modelVersion: $mv, from: $from, to: $to) { startsAt labelled } }`,
      vars: () => ({ mv: fx.mv, from: FROM, to: TO }),
      probe: namePair((mv) => ({ mv, from: FROM, to: TO }), () => fx.mv),
    },
    reviewQueue: { op: `{ reviewQueue(first: 2) { totalCount nodes { id } } }` },
    reviewStats: { op: `{ reviewStats { acceptedCorrections } }` },
    labelConflicts: { op: `{ labelConflicts(first: 2) { totalCount nodes { id } } }` },
    tagCounts: {
      op: `query($mv: String, $from: DateTime!, $to: DateTime!) { tagCounts(modelVersion: $mv, from: $from, to: $to, bucket: DAY) { tag count } }`,
      vars: () => ({ mv: fx.mv, from: FROM, to: TO }),
      probe: namePair((mv) => ({ mv, from: FROM, to: TO }), () => fx.mv),
    },
    // node/nodes: rows per Node type, below.

    // Mutation
    createApiKey: {
      op: `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } } }`,
      ...same(() => ({ input: { name: uniq('mx-created'), scopes: ['READ'] } })),
    },
    revokeApiKey: {
      op: `mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id revokedAt } } }`,
      vars: async () => ({ input: { apiKeyId: await spareKey() } }),
      probe: idPair((apiKeyId) => ({ input: { apiKeyId } }), 'ApiKey', () => fx.spareKey),
    },
    compactLogs: { op: `mutation { compactLogs(input: {}) { job { id } } }` },
    runLogRetention: { op: `mutation { runLogRetention(input: {}) { job { id } } }` },
    auditLog: { op: `{ auditLog(first: 2) { totalCount nodes { id } } }` },
    auditEvent: { op: `query($id: ID!) { auditEvent(id: $id) { id action } }`, vars: () => ({ id: fx.ids.AuditEvent }), probe: idPair((id) => ({ id }), 'AuditEvent', () => fx.ids.AuditEvent) },
    eraseUser: {
      op: `mutation($input: EraseUserInput!) { eraseUser(input: $input) { counts { logEntries } } }`,
      ...same(() => ({ input: { userId: uniq('mx-user') } })),
    },
    refreshTrafficProfiles: { op: `mutation { refreshTrafficProfiles(input: {}) { job { id } } }` },
    createDatasetVersion: {
      op: `mutation($input: CreateDatasetVersionInput!) { createDatasetVersion(input: $input) { datasetVersion { id } } }`,
      vars: () => ({ input: { name: uniq('mx-ds-cell'), modelVersions: [fx.mv] } }),
      probe: () => [
        { input: { name: 'mx-denied', modelVersions: [fx.mv], baseVersionId: fx.dataset } },
        { input: { name: 'mx-denied', modelVersions: [fx.mv], baseVersionId: unknownId('DatasetVersion', ZERO_UUID) } },
      ],
    },
    cancelJob: {
      op: `mutation($input: CancelJobInput!) { cancelJob(input: $input) { job { id state } } }`,
      vars: async () => ({ input: { jobId: await enqueuedJob() } }),
      probe: idPair((jobId) => ({ input: { jobId } }), 'Job', () => fx.job),
    },
    reportDriftEvent: {
      op: `mutation($input: ReportDriftEventInput!) { reportDriftEvent(input: $input) { windowRows } }`,
      vars: () => ({ input: { modelVersion: uniq('mx-drift-cell'), metric: 'gold_pass_rate', value: 0.7, threshold: 0.8 } }),
      probe: namePair((modelVersion) => ({ input: { modelVersion, metric: 'gold_pass_rate', value: 0.7, threshold: 0.8 } }), () => fx.mv),
    },
    resolveDriftEvent: {
      op: `mutation($input: ResolveDriftEventInput!) { resolveDriftEvent(input: $input) { driftEvent { open } } }`,
      vars: async () => ({ input: { driftEventId: await driftEvent() } }),
      probe: idPair((driftEventId) => ({ input: { driftEventId } }), 'DriftEvent', () => fx.driftEvent),
    },
    submitFeedback: {
      op: `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { feedbackId created } }`,
      vars: async () => ({ input: { requestId: await freshEntry(), kind: 'THUMBS_UP', clientFeedbackId: uniq('mx-click') } }),
      probe: entryPair((requestId) => ({ input: { requestId, kind: 'THUMBS_DOWN' } })),
    },
    logInference: {
      op: `mutation($input: LogInferenceInput!) { logInference(input: $input) { requestId created } }`,
      vars: () => ({ input: logInput({ modelVersion: fx.mvQuiet }) }),
      probe: entryPair((requestId) => ({ input: { ...logInput({ modelVersion: fx.mv }), requestId } })),
    },
    logInferences: {
      op: `mutation($input: LogInferencesInput!) { logInferences(input: $input) { results { requestId created } } }`,
      vars: () => ({ input: { items: [logInput({ modelVersion: fx.mvQuiet })] } }),
      probe: entryPair((requestId) => ({ input: { items: [{ ...logInput({ modelVersion: fx.mv }), requestId }] } })),
    },
    createRetrainPolicy: {
      op: `mutation($input: CreateRetrainPolicyInput!) { createRetrainPolicy(input: $input) { retrainPolicy { id } } }`,
      vars: () => ({ input: { modelVersion: uniq('mx-policy-mv'), kind: 'VOLUME', minNewCorrections: 1000 } }),
      probe: namePair((modelVersion) => ({ input: { modelVersion, kind: 'VOLUME', minNewCorrections: 1000 } }), () => fx.mv),
    },
    updateRetrainPolicy: {
      op: `mutation($input: UpdateRetrainPolicyInput!) { updateRetrainPolicy(input: $input) { retrainPolicy { id } } }`,
      vars: () => ({ input: { policyId: fx.policy, minNewCorrections: 1 } }),
      probe: idPair((policyId) => ({ input: { policyId, enabled: false } }), 'RetrainPolicy', () => fx.policy),
    },
    deleteRetrainPolicy: {
      op: `mutation($input: DeleteRetrainPolicyInput!) { deleteRetrainPolicy(input: $input) { retrainPolicy { id } } }`,
      vars: async () => ({ input: { policyId: await retrainPolicy() } }),
      probe: idPair((policyId) => ({ input: { policyId } }), 'RetrainPolicy', () => fx.policy),
    },
    evaluateRetrain: {
      op: `mutation($input: EvaluateRetrainInput!) { evaluateRetrain(input: $input) { retrainDecision { id outcome } } }`,
      vars: () => ({ input: { modelVersion: fx.mvQuiet } }),
      probe: namePair((modelVersion) => ({ input: { modelVersion } }), () => fx.mv),
    },
    saveModelLine: {
      op: `mutation($input: SaveModelLineInput!) { saveModelLine(input: $input) { modelLine { id } } }`,
      vars: () => ({ input: { name: uniq('mx-saved-line'), probationHours: 1 } }),
      probe: namePair((name) => ({ input: { name, probationHours: 1 } }), () => fx.line),
    },
    adoptDeployment: {
      op: `mutation($input: AdoptDeploymentInput!) { adoptDeployment(input: $input) { deployment { id } } }`,
      vars: () => {
        const line = uniq('mx-adopt');
        return { input: { modelLine: line, modelVersion: `${line}-v1` } };
      },
      probe: namePair((modelLine) => ({ input: { modelLine, modelVersion: `${fx.line}-v9` } }), () => fx.line),
    },
    registerTrainingRun: {
      op: `mutation($input: RegisterTrainingRunInput!) { registerTrainingRun(input: $input) { trainingRun { id status } } }`,
      vars: () => ({ input: { datasetVersionId: fx.dataset, baseModelVersion: `${fx.line}-v1`, candidateModelVersion: uniq(`${fx.line}-cand`) } }),
      probe: idPair((datasetVersionId) => ({ input: { datasetVersionId, baseModelVersion: `${fx.line}-v1`, candidateModelVersion: `${fx.line}-denied` } }), 'DatasetVersion', () => fx.dataset),
    },
    updateTrainingRun: {
      op: `mutation($input: UpdateTrainingRunInput!) { updateTrainingRun(input: $input) { trainingRun { id status } } }`,
      vars: async () => {
        const run = (
          await admin(`mutation($input: RegisterTrainingRunInput!) { registerTrainingRun(input: $input) { trainingRun { id } } }`, {
            input: { datasetVersionId: fx.dataset, baseModelVersion: `${fx.line}-v1`, candidateModelVersion: uniq(`${fx.line}-upd`) },
          })
        ).registerTrainingRun.trainingRun.id;
        return { input: { runId: run, status: 'FAILED' } };
      },
      probe: idPair((runId) => ({ input: { runId, status: 'FAILED' } }), 'TrainingRun', () => fx.run2),
    },
    saveEvalGate: {
      op: `mutation($input: SaveEvalGateInput!) { saveEvalGate(input: $input) { evalGate { id } } }`,
      vars: () => ({ input: { modelLine: fx.gateLine, name: uniq('gate'), direction: 'LOWER_IS_BETTER', threshold: 0.5, required: false } }),
      probe: namePair((modelLine) => ({ input: { modelLine, name: 'latency', direction: 'LOWER_IS_BETTER', threshold: 0.5 } }), () => fx.line),
    },
    deleteEvalGate: {
      op: `mutation($input: DeleteEvalGateInput!) { deleteEvalGate(input: $input) { evalGate { id } } }`,
      vars: async () => {
        const gate = (
          await admin(`mutation($input: SaveEvalGateInput!) { saveEvalGate(input: $input) { evalGate { id } } }`, {
            input: { modelLine: fx.gateLine, name: uniq('gate'), direction: 'HIGHER_IS_BETTER', threshold: 0.1, required: false },
          })
        ).saveEvalGate.evalGate.id;
        return { input: { evalGateId: gate } };
      },
      probe: idPair((evalGateId) => ({ input: { evalGateId } }), 'EvalGate', () => fx.evalGate),
    },
    recordEvaluation: {
      op: `mutation($input: RecordEvaluationInput!) { recordEvaluation(input: $input) { evaluations { id } } }`,
      vars: () => ({ input: { runId: fx.run2, results: [{ gate: 'accuracy', value: 0.9 }] } }),
      probe: idPair((runId) => ({ input: { runId, results: [{ gate: 'accuracy', value: 0.1 }] } }), 'TrainingRun', () => fx.run2),
    },
    promote: {
      op: `mutation($input: PromoteInput!) { promote(input: $input) { deployment { id } } }`,
      vars: async () => ({ input: { runId: await promotableRun(await adoptedLine()) } }),
      probe: idPair((runId) => ({ input: { runId } }), 'TrainingRun', () => fx.run2),
    },
    rollback: {
      op: `mutation($input: RollbackInput!) { rollback(input: $input) { deployment { id } } }`,
      vars: async () => ({ input: { modelLine: await promotedLine(), reason: 'scope matrix' } }),
      probe: namePair((modelLine) => ({ input: { modelLine, reason: 'scope matrix' } }), () => fx.line),
    },
    createWebhook: {
      op: `mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } } }`,
      ...same(() => ({ input: { url: 'http://127.0.0.1:9/scope-matrix', events: ['RETRAIN_DECIDED'] } })),
    },
    updateWebhook: {
      op: `mutation($input: UpdateWebhookInput!) { updateWebhook(input: $input) { webhook { id } } }`,
      vars: () => ({ input: { webhookId: fx.webhook, description: 'scope matrix' } }),
      probe: idPair((webhookId) => ({ input: { webhookId, description: 'denied' } }), 'Webhook', () => fx.webhook),
    },
    deleteWebhook: {
      op: `mutation($input: DeleteWebhookInput!) { deleteWebhook(input: $input) { webhook { id } } }`,
      vars: async () => ({ input: { webhookId: await webhook() } }),
      probe: idPair((webhookId) => ({ input: { webhookId } }), 'Webhook', () => fx.webhook),
    },
    reportGroundTruth: {
      op: `mutation($input: ReportGroundTruthInput!) { reportGroundTruth(input: $input) { created } }`,
      vars: async () => ({ input: { requestId: await freshEntry(), expected: 'the true answer' } }),
      probe: entryPair((requestId) => ({ input: { requestId, expected: 'denied' } })),
    },
    reportGroundTruths: {
      op: `mutation($input: ReportGroundTruthsInput!) { reportGroundTruths(input: $input) { results { created } } }`,
      vars: async () => ({ input: { items: [{ requestId: await freshEntry(), expected: 'the true answer' }] } }),
      probe: entryPair((requestId) => ({ input: { items: [{ requestId, expected: 'denied' }] } })),
    },
    claimReviewItems: {
      op: `mutation($input: ClaimReviewItemsInput!) { claimReviewItems(input: $input) { items { id claimedBy } } }`,
      vars: async () => ({ input: { requestIds: [await queuedEntry()] } }),
      probe: () => [{ input: { requestIds: [fx.queued] } }, { input: { requestIds: [uniq('never-logged')] } }],
    },
    releaseReviewItems: {
      op: `mutation($input: ReleaseReviewItemsInput!) { releaseReviewItems(input: $input) { items { id } } }`,
      vars: async (kind) => {
        const r = await queuedEntry();
        await as(kind, `mutation($input: ClaimReviewItemsInput!) { claimReviewItems(input: $input) { items { id } } }`, { input: { requestIds: [r] } });
        return { input: { requestIds: [r] } };
      },
      probe: () => [{ input: { requestIds: [fx.queued] } }, { input: { requestIds: [uniq('never-logged')] } }],
    },
    submitCorrection: {
      op: `mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { id status } } }`,
      vars: async () => ({ input: { requestId: await freshEntry(), completion: 'A corrected answer.', confidence: 0.95 } }),
      probe: entryPair((requestId) => ({ input: { requestId, completion: 'denied' } })),
    },
    acceptCorrection: {
      op: `mutation($input: AcceptCorrectionInput!) { acceptCorrection(input: $input) { correction { id status } } }`,
      vars: async () => ({ input: { correctionId: await proposedCorrection() } }),
      probe: idPair((correctionId) => ({ input: { correctionId } }), 'Correction', () => fx.correction),
    },
    rejectCorrection: {
      op: `mutation($input: RejectCorrectionInput!) { rejectCorrection(input: $input) { correction { id status } } }`,
      vars: async () => ({ input: { correctionId: await proposedCorrection() } }),
      probe: idPair((correctionId) => ({ input: { correctionId } }), 'Correction', () => fx.correction),
    },
    tagLogEntries: {
      op: `mutation($input: TagLogEntriesInput!) { tagLogEntries(input: $input) { taggedCount unchangedCount } }`,
      vars: () => ({ input: { requestIds: [fx.entry], tags: ['scope.matrix'] } }),
      probe: entryPair((r) => ({ input: { requestIds: [r], tags: ['scope.denied'] } })),
    },
    untagLogEntries: {
      op: `mutation($input: UntagLogEntriesInput!) { untagLogEntries(input: $input) { untaggedCount } }`,
      vars: () => ({ input: { requestIds: [fx.entry], tags: ['scope.matrix.never'] } }),
      probe: entryPair((r) => ({ input: { requestIds: [r], tags: ['scope.matrix'] } })),
    },
  };

  /** An id of no object, well formed, for each Node type (a type's own key shape). */
  const MISSING_NODE: Record<string, string> = {
    LogEntry: unknownId('LogEntry', 'never-logged'),
    Tag: unknownId('Tag', '999999999999'),
    ReviewItem: unknownId('ReviewItem', 'never-queued'),
    LabelConflict: unknownId('LabelConflict', '0'.repeat(64)),
    ModelLine: unknownId('ModelLine', 'no-such-line'),
    ModelVersion: unknownId('ModelVersion', 'no-such-version'),
    GroundTruth: unknownId('GroundTruth', 'never-reported'),
  };
  const missingNode = (type: string) => MISSING_NODE[type] ?? unknownId(type, ZERO_UUID);

  /**
   * Nested cells: a path from a root field to a nested field of NESTED. `root` names the root field
   * (or `node:<Type>` for a path through node(id:)); `value` reads the nested value from `data`.
   */
  interface NestedCell {
    field: string;
    root: string;
    op: string;
    vars: (kind: Kind) => Vars | Promise<Vars>;
    value: (data: any) => unknown;
  }
  const ITEM = (sel: string) => `query($id: ID!) { node(id: $id) { ... on ReviewItem { id entry { id ${sel} } } } }`;
  const item = () => ({ id: fx.ids.ReviewItem });
  const NESTED_CELLS: NestedCell[] = [
    { field: 'ReviewItem.entry', root: 'node:ReviewItem', op: ITEM(''), vars: item, value: (d) => d.node.entry },
    { field: 'LogEntry.tags', root: 'node:ReviewItem', op: ITEM('tags { name }'), vars: item, value: (d) => d.node.entry.tags },
    { field: 'LogEntry.feedback', root: 'node:ReviewItem', op: ITEM('feedback { id }'), vars: item, value: (d) => d.node.entry.feedback },
    { field: 'LogEntry.groundTruth', root: 'node:ReviewItem', op: ITEM('groundTruth { id status }'), vars: item, value: (d) => d.node.entry.groundTruth },
    { field: 'LogEntry.groundTruth', root: 'logEntry', op: `query($r: String!) { logEntry(requestId: $r) { groundTruth { id } } }`, vars: () => ({ r: fx.entry }), value: (d) => d.logEntry.groundTruth },
    {
      field: 'LogEntry.datasetVersions',
      root: 'node:ReviewItem',
      op: ITEM('datasetVersions(first: 1) { totalCount }'),
      vars: item,
      value: (d) => d.node.entry.datasetVersions,
    },
    {
      field: 'TrainingRun.datasetVersion',
      root: 'trainingRuns',
      op: `query($l: String) { trainingRuns(modelLine: $l, first: 1) { nodes { id datasetVersion { id } } } }`,
      vars: () => ({ l: fx.line }),
      value: (d) => d.trainingRuns.nodes[0].datasetVersion,
    },
    {
      field: 'TrainingRun.datasetVersion',
      root: 'node:Deployment',
      op: `query($id: ID!) { node(id: $id) { ... on Deployment { trainingRun { id datasetVersion { id } } } } }`,
      vars: () => ({ id: fx.ids.Deployment }),
      value: (d) => d.node.trainingRun.datasetVersion,
    },
    {
      field: 'RetrainReadiness.lastDecision',
      root: 'retrainReadiness',
      op: `query($mv: String!) { retrainReadiness(modelVersion: $mv) { lastDecision { id outcome } } }`,
      vars: () => ({ mv: fx.mv }),
      value: (d) => d.retrainReadiness.lastDecision,
    },
    {
      field: 'RetrainDecision.datasetVersion',
      root: 'retrainReadiness',
      op: `query($mv: String!) { retrainReadiness(modelVersion: $mv) { lastDecision { id datasetVersion { id } } } }`,
      vars: () => ({ mv: fx.mv }),
      value: (d) => d.retrainReadiness.lastDecision.datasetVersion,
    },
    {
      field: 'RetrainDecision.policy',
      root: 'retrainReadiness',
      op: `query($mv: String!) { retrainReadiness(modelVersion: $mv) { lastDecision { id policy { id } } } }`,
      vars: () => ({ mv: fx.mv }),
      value: (d) => d.retrainReadiness.lastDecision.policy,
    },
    {
      field: 'DatasetVersion.entries',
      root: 'datasetVersion',
      op: `query($id: ID!) { datasetVersion(id: $id) { id entries(first: 1) { nodes { requestId } } } }`,
      vars: () => ({ id: fx.dataset }),
      value: (d) => d.datasetVersion.entries,
    },
    {
      field: 'DatasetVersion.job',
      root: 'datasetVersion',
      op: `query($id: ID!) { datasetVersion(id: $id) { id job { id state } } }`,
      vars: () => ({ id: fx.dataset }),
      value: (d) => d.datasetVersion.job,
    },
    {
      field: 'SubmitCorrectionPayload.logEntry',
      root: 'submitCorrection',
      op: `mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { id } logEntry { id } } }`,
      vars: async () => ({ input: { requestId: await freshEntry(), completion: 'Nested.', confidence: 0.95 } }),
      value: (d) => d.submitCorrection.logEntry,
    },
    {
      field: 'TagLogEntriesPayload.entries',
      root: 'tagLogEntries',
      op: `mutation($input: TagLogEntriesInput!) { tagLogEntries(input: $input) { taggedCount entries { id } } }`,
      vars: () => ({ input: { requestIds: [fx.entry], tags: ['scope.matrix'] } }),
      value: (d) => d.tagLogEntries.entries,
    },
    {
      field: 'UntagLogEntriesPayload.entries',
      root: 'untagLogEntries',
      op: `mutation($input: UntagLogEntriesInput!) { untagLogEntries(input: $input) { untaggedCount entries { id } } }`,
      vars: () => ({ input: { requestIds: [fx.entry], tags: ['scope.matrix.never'] } }),
      value: (d) => d.untagLogEntries.entries,
    },
    {
      field: 'SubmitFeedbackPayload.feedback',
      root: 'submitFeedback',
      op: `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { created feedback { id } } }`,
      vars: async () => ({ input: { requestId: await freshEntry(), kind: 'THUMBS_UP' } }),
      value: (d) => d.submitFeedback.feedback,
    },
    {
      field: 'SubmitFeedbackPayload.logEntry',
      root: 'submitFeedback',
      op: `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { created logEntry { id } } }`,
      vars: async () => ({ input: { requestId: await freshEntry(), kind: 'THUMBS_UP' } }),
      value: (d) => d.submitFeedback.logEntry,
    },
    {
      field: 'ReportDriftEventPayload.driftEvent',
      root: 'reportDriftEvent',
      op: `mutation($input: ReportDriftEventInput!) { reportDriftEvent(input: $input) { driftEvent { id open } } }`,
      vars: () => ({ input: { modelVersion: uniq('mx-drift-nested'), metric: 'gold_pass_rate', value: 0.7, threshold: 0.8 } }),
      value: (d) => d.reportDriftEvent.driftEvent,
    },
    {
      field: 'ReportDriftEventPayload.rolledBack',
      root: 'reportDriftEvent',
      op: `mutation($input: ReportDriftEventInput!) { reportDriftEvent(input: $input) { driftEvent { id } rolledBack { id version { id } } } }`,
      // A drift event on a version in probation rolls its line back: the payload carries the restored deployment.
      vars: async () => ({ input: { modelVersion: `${await promotedLine()}-v2`, metric: 'gold_pass_rate', value: 0.6, threshold: 0.8 } }),
      value: (d) => d.reportDriftEvent.rolledBack,
    },
    {
      field: 'ResolveDriftEventPayload.driftEvent',
      root: 'resolveDriftEvent',
      op: `mutation($input: ResolveDriftEventInput!) { resolveDriftEvent(input: $input) { driftEvent { id open } } }`,
      vars: async () => ({ input: { driftEventId: await driftEvent() } }),
      value: (d) => d.resolveDriftEvent.driftEvent,
    },
    {
      field: 'ReportGroundTruthPayload.groundTruth',
      root: 'reportGroundTruth',
      op: `mutation($input: ReportGroundTruthInput!) { reportGroundTruth(input: $input) { groundTruth { id status } } }`,
      vars: async () => ({ input: { requestId: await freshEntry(), expected: 'the true answer' } }),
      value: (d) => d.reportGroundTruth.groundTruth,
    },
    {
      field: 'GroundTruthResult.groundTruth',
      root: 'reportGroundTruths',
      op: `mutation($input: ReportGroundTruthsInput!) { reportGroundTruths(input: $input) { results { groundTruth { id status } } } }`,
      vars: async () => ({ input: { items: [{ requestId: await freshEntry(), expected: 'the true answer' }] } }),
      value: (d) => d.reportGroundTruths.results[0].groundTruth,
    },
  ];

  // -------------------------------------------------------------------------------------------------
  // Checks
  // -------------------------------------------------------------------------------------------------

  const rootFields = () => [...Object.values(schema.getQueryType()!.getFields()), ...Object.values(schema.getMutationType()!.getFields())];
  const nodeTypes = () => schema.getPossibleTypes(schema.getType('Node') as GraphQLInterfaceType).map((t) => t.name);
  const nodeRows = () => nodeTypes().flatMap((t) => [`node:${t}`, `nodes:${t}`]);

  /** Strings of a request that must not come back in a refusal (ids, requestIds, names; not enum values). */
  function echoable(v: unknown, out: string[] = []): string[] {
    if (typeof v === 'string') {
      if (v.length >= 8 && !/^[A-Z_]+$/.test(v) && !/^\d{4}-\d\d-\d\dT/.test(v)) out.push(v);
    } else if (Array.isArray(v)) v.forEach((x) => echoable(x, out));
    else if (v && typeof v === 'object') Object.values(v).forEach((x) => echoable(x, out));
    return out;
  }
  /** What an outsider sees of a reply: status, content type and body without the request id. */
  function fingerprint(r: Reply): string {
    const body = r.body ? JSON.parse(JSON.stringify(r.body)) : r.text;
    for (const e of (body && body.errors) ?? []) delete e.extensions?.requestId;
    return JSON.stringify({ status: r.status, contentType: r.contentType, body });
  }
  const show = (r: Reply) => `${r.status} ${r.text.slice(0, 300)}`;

  /** Problems with a refusal of `field` (a root field) to `kind`. */
  function refusalProblems(kind: Kind, field: string, r: Reply, vars: Vars, allowedScopes: readonly string[]): string[] {
    const p: string[] = [];
    for (const s of echoable(vars)) if (r.text.includes(s)) p.push(`the refusal echoes ${JSON.stringify(s)}`);
    if (unauthenticated(kind)) {
      if (r.status !== 401) p.push(`expected HTTP 401, got ${show(r)}`);
      if (r.body?.errors?.[0]?.extensions?.code !== 'UNAUTHENTICATED') p.push(`expected UNAUTHENTICATED, got ${show(r)}`);
      if (r.body?.data != null) p.push('a 401 carries data');
      return p;
    }
    const errors = r.body?.errors ?? [];
    if (r.status !== 200) p.push(`expected HTTP 200 with a FORBIDDEN error, got ${show(r)}`);
    if (errors.length !== 1 || errors[0].extensions?.code !== 'FORBIDDEN') return [...p, `expected one FORBIDDEN error, got ${show(r)}`];
    if (JSON.stringify(errors[0].path) !== JSON.stringify([field])) p.push(`FORBIDDEN at ${JSON.stringify(errors[0].path)}, expected [${field}]`);
    const data = r.body?.data;
    if (data != null && Object.values(data).some((v) => v !== null)) p.push(`data is not null: ${JSON.stringify(data)}`);
    const extra = Object.keys(errors[0].extensions ?? {}).filter((k) => !['code', 'requestId', 'requiredScopes'].includes(k));
    if (extra.length) p.push(`the refusal carries ${extra.join(', ')}`);
    const required: string[] = errors[0].extensions?.requiredScopes ?? [];
    const ok = [...allowedScopes, 'admin'].map((s) => s.toUpperCase());
    if (!required.length || required.some((s) => !ok.includes(s))) p.push(`requiredScopes ${JSON.stringify(required)} do not match the contract ${JSON.stringify(ok)}`);
    return p;
  }

  /** Runs `cells` with at most `width` in flight. */
  async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (next < items.length) await fn(items[next++]);
      }),
    );
  }

  // -------------------------------------------------------------------------------------------------
  // Tests
  // -------------------------------------------------------------------------------------------------

  test('the tables cover the schema exactly: every root field, every Node type, every scope', () => {
    const fields = rootFields().map((f) => f.name).sort();
    const missingRule = fields.filter((f) => !(f in ROOT_RULES));
    const staleRule = Object.keys(ROOT_RULES).filter((f) => !fields.includes(f));
    assert.deepEqual(missingRule, [], 'root fields without a rule in ROOT_RULES: add the field’s scopes (and its README row)');
    assert.deepEqual(staleRule, [], 'ROOT_RULES lists fields the schema does not have');
    const withoutOp = fields.filter((f) => ROOT_RULES[f] !== PER_TYPE && !(f in ROWS));
    assert.deepEqual(withoutOp, [], 'root fields without an operation in ROWS');
    assert.deepEqual(Object.keys(ROWS).filter((f) => !fields.includes(f)), [], 'ROWS lists fields the schema does not have');

    assert.deepEqual([...nodeTypes()].sort(), Object.keys(TYPE_SCOPES).sort(), 'TYPE_SCOPES lists exactly the Node types');
    assert.deepEqual(nodeTypes().filter((t) => !fx.ids[t]), [], 'a fixture object of every Node type');

    const scopeEnum = (schema.getType('Scope') as GraphQLEnumType).getValues().map((v) => v.name.toLowerCase());
    assert.deepEqual([...scopeEnum].sort(), [...SCOPES].sort(), 'one column per scope of the Scope enum');
    assert.deepEqual(KINDS.filter((k) => !unauthenticated(k)).sort(), [...SCOPES].sort());

    // "expired": keys have no expiry. When they get one, this fails: add an expired-key column.
    const apiKeyFields = Object.keys((schema.getType('ApiKey') as GraphQLObjectType).getFields());
    assert.deepEqual(apiKeyFields.filter((f) => /expir/i.test(f)), [], 'keys can expire now: add an "expired" column to the matrix');

    // Every operation is valid against the schema (a typo would read as a refusal).
    const docs = [...Object.entries(ROWS).map(([f, r]) => [f, r.op]), ...NESTED_CELLS.map((c) => [c.field, c.op])];
    for (const [name, op] of docs) assert.deepEqual(validate(schema, parse(op)).map((e) => e.message), [], `${name}: ${op}`);
    for (const field of Object.keys(NESTED)) assert.ok(NESTED_CELLS.some((c) => c.field === field), `NESTED ${field} has a cell`);
  });

  test('the tables agree with the @Authorized rules in src/resolvers and src/schema', () => {
    const m = getMetadataStorage();
    const objectName = (target: Function) => m.objectTypes.find((o) => o.target === target)?.name;
    const declared = new Map<string, string[]>();
    for (const a of m.authorizedFields) {
      const root = [...m.queries, ...m.mutations].find((q) => q.target === a.target && q.methodName === a.fieldName);
      if (root) {
        declared.set(root.schemaName, a.roles as string[]);
        continue;
      }
      const fr = m.fieldResolvers.find((f) => f.target === a.target && f.methodName === a.fieldName);
      const parent = fr ? objectName((fr.getObjectType?.() ?? fr.target) as Function) : objectName(a.target);
      const name = fr ? fr.schemaName : m.fields.find((f) => f.target === a.target && f.name === a.fieldName)?.schemaName;
      declared.set(`${parent}.${name}`, a.roles as string[]);
    }
    const norm = (s: readonly string[]) => [...new Set([...s, 'admin'])].sort().join(',');
    const problems: string[] = [];
    for (const f of rootFields()) {
      const rule = ROOT_RULES[f.name];
      const roles = declared.get(f.name);
      if (!roles) problems.push(`${f.name}: no @Authorized (open to every key, FEEDBACK included)`);
      else if (rule === PER_TYPE) {
        if (roles.length !== 0) problems.push(`${f.name}: expected @Authorized() (per type), got ${roles}`);
      } else if (norm(roles) !== norm(rule)) problems.push(`${f.name}: @Authorized(${roles}) but the contract says ${rule.length ? rule : 'ADMIN only'}`);
    }
    for (const [field, roles] of declared) {
      if (!field.includes('.')) continue;
      const rule = NESTED[field];
      if (!rule || !('guard' in rule)) problems.push(`${field}: @Authorized(${roles}) without a NESTED guard here`);
      else if (norm(roles) !== norm(rule.guard)) problems.push(`${field}: @Authorized(${roles}) but NESTED says ${rule.guard}`);
    }
    for (const [field, rule] of Object.entries(NESTED)) {
      if ('guard' in rule && !declared.has(field)) problems.push(`${field}: NESTED guards it, but it has no @Authorized`);
    }
    assert.deepEqual(problems, []);
  });

  test('no key reaches a type outside its scopes through a nested field, but for the documented exceptions', () => {
    const problems: string[] = [];
    for (const kind of SCOPES.filter((s) => s !== 'admin')) {
      const seen = new Set<string>();
      const visit = (type: GraphQLObjectType, via: string) => {
        if (seen.has(type.name)) return;
        seen.add(type.name);
        for (const f of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
          const name = `${type.name}.${f.name}`;
          const target = getNamedType(f.type);
          const rule = NESTED[name];
          if (rule && 'guard' in rule && !rule.guard.includes(kind)) continue;
          if (rule && 'nulled' in rule && !rule.nulled.includes(kind)) continue;
          if (TYPE_SCOPES[target.name] && !TYPE_SCOPES[target.name].includes(kind) && !(rule && 'open' in rule && rule.open[kind])) {
            problems.push(`${kind.toUpperCase()} reaches ${target.name} (readable by ${TYPE_SCOPES[target.name].join(', ') || 'ADMIN'}) through ${name}, from ${via}`);
          }
          if (isObjectType(target)) visit(target, via);
          if (isInterfaceType(target)) problems.push(`${name} returns the interface ${target.name}: give it a rule`);
        }
      };
      for (const f of rootFields()) {
        const rule = ROOT_RULES[f.name];
        if (rule === PER_TYPE || !rule.includes(kind)) continue;
        const target = getNamedType(f.type);
        if (TYPE_SCOPES[target.name] && !TYPE_SCOPES[target.name].includes(kind)) problems.push(`${kind.toUpperCase()} reaches ${target.name} through the root field ${f.name}`);
        if (isObjectType(target)) visit(target, f.name);
      }
      // node(id:) hands out exactly the types of the key's scopes; walk from those too.
      for (const t of nodeTypes()) if (TYPE_SCOPES[t].includes(kind)) visit(schema.getType(t) as GraphQLObjectType, `node(${t})`);
    }
    assert.deepEqual(problems, []);
  });

  test('GraphQL: every root field, Node type and nested crossing × every caller', async () => {
    const failures: string[] = [];
    type Cell = { row: string; kind: Kind; run: () => Promise<string[]> };
    const all: Cell[] = [];

    /** A denied root cell: refused alike for an existing and a missing object, with nothing else said. */
    const deniedCell = (row: string, field: string, op: string, variants: Vars[], kind: Kind, allowedScopes: readonly string[]) => async () => {
      const replies = [];
      for (const v of variants) replies.push(await gql(op, v, kind));
      const p = replies.flatMap((r, i) => refusalProblems(kind, field, r, variants[i], allowedScopes).map((x) => `${i ? 'missing' : 'existing'}: ${x}`));
      if (replies.length === 2 && fingerprint(replies[0]) !== fingerprint(replies[1])) {
        p.push(`existence oracle: existing → ${show(replies[0])} | missing → ${show(replies[1])}`);
      }
      return p;
    };

    for (const f of rootFields()) {
      const rule = ROOT_RULES[f.name];
      if (rule === PER_TYPE) continue;
      const row = ROWS[f.name];
      for (const kind of KINDS) {
        if (rootAllows(f.name, kind)) {
          all.push({
            row: f.name,
            kind,
            run: async () => {
              const r = await gql(row.op, await (row.vars?.(kind) ?? {}), kind);
              if (r.status !== 200 || r.body?.errors || r.body?.data?.[f.name] == null) return [`allowed, but got ${show(r)}`];
              return [];
            },
          });
        } else {
          const variants = row.probe ? row.probe().filter((v): v is Vars => v !== undefined) : [{}];
          all.push({ row: f.name, kind, run: deniedCell(f.name, f.name, row.op, variants, kind, rule) });
        }
      }
    }

    // node(id:) and nodes(ids:) for each Node type: the type's own scopes, and no oracle either.
    for (const type of nodeTypes()) {
      for (const [field, op, vars, read] of [
        ['node', `query($id: ID!) { node(id: $id) { __typename id } }`, (id: string) => ({ id }), (d: any) => d.node],
        ['nodes', `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, (id: string) => ({ ids: [id] }), (d: any) => d.nodes[0]],
      ] as const) {
        for (const kind of KINDS) {
          const row = `${field}:${type}`;
          if (typeAllows(type, kind)) {
            all.push({
              row,
              kind,
              run: async () => {
                const [found, missing] = [await gql(op, vars(fx.ids[type]), kind), await gql(op, vars(missingNode(type)), kind)];
                const p: string[] = [];
                if (found.body?.errors || read(found.body?.data)?.id !== fx.ids[type]) p.push(`allowed, but got ${show(found)}`);
                if (missing.body?.errors || read(missing.body?.data) !== null) p.push(`a missing ${type} should read as null, got ${show(missing)}`);
                return p;
              },
            });
          } else {
            all.push({ row, kind, run: deniedCell(row, field, op, [vars(fx.ids[type]), vars(missingNode(type))], kind, TYPE_SCOPES[type]) });
          }
        }
      }
    }

    // Nested crossings.
    for (const c of NESTED_CELLS) {
      const [rootKind, rootType] = c.root.split(':');
      const reachesParent = (kind: Kind) => (rootType ? typeAllows(rootType, kind) : rootAllows(c.root, kind));
      const rootField = rootType ? rootKind : c.root;
      for (const kind of KINDS) {
        const row = `${c.field} via ${c.root}`;
        if (!reachesParent(kind)) {
          // The root refuses first: that refusal is the root row's (with its oracle check); here only its shape.
          const allowedScopes = rootType ? TYPE_SCOPES[rootType] : (ROOT_RULES[c.root] as readonly Scope[]);
          // Valid variables without building anything: the root row's probe (same variable names), or the id.
          const vars = () => (rootType ? c.vars('admin') : (ROWS[c.root].probe?.()[0] ?? {}));
          all.push({ row, kind, run: async () => refusalProblems(kind, rootField, await gql(c.op, await vars(), kind), {}, allowedScopes) });
          continue;
        }
        const expected = nestedOutcome(c.field, kind);
        all.push({
          row,
          kind,
          run: async () => {
            const r = await gql(c.op, await c.vars(kind), kind);
            const errors: any[] = r.body?.errors ?? [];
            const nestedName = c.field.split('.')[1];
            let value: unknown;
            try {
              value = c.value(r.body?.data);
            } catch {
              return [`the path to ${c.field} is broken: ${show(r)}`];
            }
            if (expected === 'forbidden') {
              const p: string[] = [];
              if (errors.length !== 1 || errors[0].extensions?.code !== 'FORBIDDEN' || errors[0].path?.at(-1) !== nestedName) p.push(`expected FORBIDDEN on ${nestedName} only, got ${show(r)}`);
              if (value !== null) p.push(`the refused ${c.field} has a value: ${JSON.stringify(value)}`);
              if (r.body?.data?.[rootField] == null) p.push(`the refusal of ${c.field} took the whole ${rootField} down`);
              return p;
            }
            if (errors.length) return [`expected ${expected === 'null' ? 'null without an error' : 'a value'}, got ${show(r)}`];
            if (expected === 'null' && value !== null) return [`expected null for ${kind}, got ${JSON.stringify(value)}`];
            if (expected === 'value' && (value === null || value === undefined)) return [`expected a value, got ${show(r)}`];
            return [];
          },
        });
      }
    }

    const started = Date.now();
    await pool(all, 6, async (cell) => {
      try {
        for (const p of await cell.run()) failures.push(`${cell.row} × ${cell.kind}: ${p}`);
      } catch (err) {
        failures.push(`${cell.row} × ${cell.kind}: threw ${(err as Error).message.slice(0, 400)}`);
      }
    });
    cells += all.length;
    const summary = `scope matrix (GraphQL): ${all.length} cells (${rootFields().length - 2} root fields, ${nodeRows().length} node/nodes × type rows, ${NESTED_CELLS.length} nested paths) × ${KINDS.length} callers, ${requests} requests so far, ${Date.now() - started} ms`;
    console.log(summary);
    assert.deepEqual(failures.sort(), [], summary);
  });

  test('HTTP routes × every caller', async () => {
    const failures: string[] = [];
    const file = (id: string) => `/exports/${id}/train.jsonl`;
    type Route = { name: string; allowed: (k: Kind) => boolean; request: (variant: number) => [string, { method?: string; headers?: Record<string, string> }]; variants: number; ok: (r: Reply) => boolean; keyed: boolean };
    const ROUTES: Route[] = [
      { name: 'GET /healthz', allowed: () => true, request: () => ['/healthz', {}], variants: 1, ok: (r) => r.status === 200 && r.body?.status === 'ok', keyed: false },
      { name: 'GET /readyz', allowed: () => true, request: () => ['/readyz', {}], variants: 1, ok: (r) => r.status === 200 && r.body?.status === 'ready', keyed: false },
      {
        name: 'GET /metrics',
        allowed: (k) => k === 'metrics' || k === 'admin',
        request: () => ['/metrics', {}],
        variants: 1,
        ok: (r) => r.status === 200 && /^flywheel_database_up 1$/m.test(r.text),
        keyed: true,
      },
      {
        name: 'GET /exports/<id>/<file>',
        allowed: (k) => k === 'read' || k === 'curate' || k === 'admin',
        request: (v) => [file(v === 0 ? fx.dataset : unknownId('DatasetVersion', ZERO_UUID)), {}],
        variants: 2,
        ok: (r) => r.status === 200 && r.text.length > 0 && !r.text.startsWith('{"errors"'),
        keyed: true,
      },
      {
        name: 'GET /graphql (IDE page)',
        allowed: () => true,
        request: () => ['/graphql', { headers: { accept: 'text/html' } }],
        variants: 1,
        ok: (r) => r.status === 200 && (r.contentType ?? '').startsWith('text/html'),
        keyed: false,
      },
      {
        name: 'OPTIONS /graphql (preflight)',
        allowed: () => true,
        request: () => ['/graphql', { method: 'OPTIONS', headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' } }],
        variants: 1,
        ok: (r) => r.status === 204,
        keyed: false,
      },
      {
        name: 'GET /graphql?query= (viewer)',
        allowed: (k) => rootAllows('viewer', k),
        request: () => [`/graphql?query=${encodeURIComponent('{ viewer { name } }')}`, { headers: { 'apollo-require-preflight': 'true' } }],
        variants: 1,
        ok: (r) => r.status === 200 && !r.body?.errors && typeof r.body?.data?.viewer?.name === 'string',
        keyed: true,
      },
    ];
    let n = 0;
    const jobs: (() => Promise<void>)[] = [];
    for (const route of ROUTES) {
      for (const kind of KINDS) {
        n++;
        jobs.push(async () => {
          if (route.allowed(kind)) {
            const [path, init] = route.request(0);
            const r = await send(path, init, kind);
            if (!route.ok(r)) failures.push(`${route.name} × ${kind}: allowed, but got ${show(r)}`);
            return;
          }
          const replies: Reply[] = [];
          for (let v = 0; v < route.variants; v++) {
            const [path, init] = route.request(v);
            replies.push(await send(path, init, kind));
          }
          for (const r of replies) {
            const graphqlRoute = route.name.includes('/graphql');
            const expectedStatus = unauthenticated(kind) ? 401 : graphqlRoute ? 200 : 403;
            const code = r.body?.errors?.[0]?.extensions?.code;
            if (r.status !== expectedStatus || code !== (unauthenticated(kind) ? 'UNAUTHENTICATED' : 'FORBIDDEN')) failures.push(`${route.name} × ${kind}: expected ${expectedStatus}, got ${show(r)}`);
            if (r.text.includes(fx.dataset) || r.text.includes(fx.datasetName)) failures.push(`${route.name} × ${kind}: the refusal names the dataset`);
          }
          if (replies.length === 2 && fingerprint(replies[0]) !== fingerprint(replies[1])) {
            failures.push(`${route.name} × ${kind}: existence oracle: existing → ${show(replies[0])} | missing → ${show(replies[1])}`);
          }
        });
      }
    }
    await pool(jobs, 6, (job) => job());
    cells += n;
    console.log(`scope matrix (HTTP): ${n} cells (${ROUTES.length} routes × ${KINDS.length} callers); matrix total ${cells} cells, ${requests} requests`);
    assert.deepEqual(failures.sort(), []);
  });
});
