import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { buildFlywheelSchema } from '../src/app';
import { AUDITED_MUTATIONS } from '../src/services/govern/audit';
import { ADMIN_KEY, createKey, logInput, ok, startTestServer, TestServer, waitFor } from './helpers/test-server';

/**
 * Issue 14, point 3: the audit log of admin and reviewer actions. Each action's row is written in the
 * action's own transaction, the table refuses UPDATE and DELETE (but for the retention job), and
 * `auditLog` pages it as a connection.
 */

const RUN = crypto.randomBytes(3).toString('hex');
const EVENT = `id occurredAt action actor keyId target requestId details`;
const AUDIT = `query($filter: AuditLogFilter, $first: Int, $after: String) { auditLog(filter: $filter, first: $first, after: $after) {
  totalCount edges { cursor node { ${EVENT} } } pageInfo { hasNextPage endCursor } } }`;
const fromGlobal = (id: string) => Buffer.from(id, 'base64url').toString('utf8');

/** Mutations that are deliberately not audited, and why (the rest of the schema's mutations must be). */
const NOT_AUDITED: Record<string, string> = {
  logInference: 'traffic, not an action',
  logInferences: 'traffic',
  reportGroundTruth: 'traffic from the model endpoint',
  reportGroundTruths: 'traffic',
  submitFeedback: 'end users’ clicks',
  claimReviewItems: 'a queue lease; changes no data',
  releaseReviewItems: 'a queue lease',
  createDatasetVersion: 'CURATE pipeline; the version records who',
  cancelJob: 'CURATE pipeline',
  evaluateRetrain: 'CURATE pipeline; the decision records who',
  registerTrainingRun: 'CURATE pipeline; the run records who',
  updateTrainingRun: 'CURATE pipeline',
  recordEvaluation: 'CURATE pipeline; the evaluation records who',
};

describe('audit log (issue 14)', () => {
  let server: TestServer;
  let annotator: string;
  let labeller: string;
  let adminKeyId: string;

  before(async () => {
    server = await startTestServer();
    annotator = await createKey(server, ['ANNOTATE', 'READ'], `annotator-${RUN}`);
    labeller = await createKey(server, ['MODEL_LABEL'], `judge-${RUN}`);
    adminKeyId = ok(await server.gql(`{ apiKeys(first: 50) { nodes { id name } } }`)).apiKeys.nodes.find((k: { name: string }) => /admin/i.test(k.name)).id;
  });
  after(async () => {
    await server?.stop();
  });

  /** A GraphQL call that also returns the request id the server answered with (`x-request-id`). */
  async function call(query: string, variables: Record<string, unknown>, key = ADMIN_KEY): Promise<{ data: any; errors?: any[]; requestId: string }> {
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data: any; errors?: any[] };
    return { ...body, requestId: res.headers.get('x-request-id')! };
  }
  const eventsFor = async (requestId: string) =>
    (await server.sql(`SELECT action, actor, target, request_id AS "requestId", api_key_id::text AS "apiKeyId" FROM audit_event WHERE request_id = $1`, [requestId])) as {
      action: string;
      actor: string;
      target: string | null;
      requestId: string;
      apiKeyId: string | null;
    }[];

  test('every mutation is either audited or deliberately not', async () => {
    const mutations = Object.keys((await buildFlywheelSchema()).getMutationType()!.getFields()).sort();
    const classified = [...Object.keys(AUDITED_MUTATIONS), ...Object.keys(NOT_AUDITED)].sort();
    assert.deepEqual(mutations, classified);
  });

  test('admin actions appear with key, action, target, time and request id', async () => {
    const t0 = Date.now();
    const created = await call(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { apiKey { id } } }`, { input: { name: `temp-${RUN}`, scopes: ['READ'] } });
    const keyId = created.data.createApiKey.apiKey.id as string;
    const revoked = await call(`mutation($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id } } }`, { input: { apiKeyId: keyId } });
    assert.equal(revoked.errors, undefined);

    const page = ok(await server.gql(AUDIT, { filter: { keyId: adminKeyId, from: new Date(t0 - 1000).toISOString() }, first: 10 })).auditLog;
    const byRequest = new Map(page.edges.map((e: { node: { requestId: string } }) => [e.node.requestId, e.node]));
    const c = byRequest.get(created.requestId) as any;
    const r = byRequest.get(revoked.requestId) as any;
    assert.ok(c && r, 'both actions are in the log under their request ids');
    assert.equal(c.action, 'createApiKey');
    assert.equal(c.target, keyId);
    assert.equal(c.keyId, adminKeyId);
    assert.deepEqual(c.details, { scopes: ['READ'] });
    assert.equal(r.action, 'revokeApiKey');
    assert.equal(r.target, keyId);
    for (const e of [c, r]) {
      assert.ok(Math.abs(Date.parse(e.occurredAt) - Date.now()) < 60_000, 'a recent time');
      assert.equal(fromGlobal(e.id).split(':')[0], 'AuditEvent');
    }
    // Newest first, and node(id:) refetches an event.
    assert.ok(page.edges.findIndex((e: any) => e.node.requestId === revoked.requestId) < page.edges.findIndex((e: any) => e.node.requestId === created.requestId));
    const node = ok(await server.gql(`query($id: ID!) { node(id: $id) { ... on AuditEvent { action target } } }`, { id: r.id })).node;
    assert.deepEqual(node, { action: 'revokeApiKey', target: keyId });
    // Only ADMIN reads it.
    const refused = await server.gql(AUDIT, {}, annotator);
    assert.equal(refused.errors?.[0]?.extensions?.code, 'FORBIDDEN');
  });

  test('reviewer actions are audited under the reviewer’s key; queue leases are not', async () => {
    const entry = logInput({ modelVersion: `audit-${RUN}` });
    ok(await server.gql(`mutation($input: LogInferenceInput!) { logInference(input: $input) { requestId } }`, { input: entry }));
    const proposed = await call(`mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { id status } } }`, { input: { requestId: entry.requestId, completion: 'Use the reset link.', confidence: 0.5 } }, labeller);
    const correction = proposed.data.submitCorrection.correction;
    assert.equal(correction.status, 'PROPOSED');
    const accepted = await call(`mutation($input: AcceptCorrectionInput!) { acceptCorrection(input: $input) { correction { status } } }`, { input: { correctionId: correction.id } }, annotator);
    assert.equal(accepted.data.acceptCorrection.correction.status, 'ACCEPTED');
    const tagged = await call(`mutation($input: TagLogEntriesInput!) { tagLogEntries(input: $input) { taggedCount } }`, { input: { requestIds: [entry.requestId], tags: ['operator_review'] } }, annotator);
    const claimed = await call(`mutation($input: ClaimReviewItemsInput!) { claimReviewItems(input: $input) { items { requestId } } }`, { input: { requestIds: [entry.requestId] } }, annotator);

    const [s] = await eventsFor(proposed.requestId);
    assert.deepEqual({ action: s.action, actor: s.actor, target: s.target }, { action: 'submitCorrection', actor: `judge-${RUN}`, target: correction.id });
    const [a] = await eventsFor(accepted.requestId);
    assert.deepEqual({ action: a.action, actor: a.actor, target: a.target }, { action: 'acceptCorrection', actor: `annotator-${RUN}`, target: correction.id });
    const [t] = (await server.sql(`SELECT action, target, details FROM audit_event WHERE request_id = $1`, [tagged.requestId])) as any[];
    assert.deepEqual(t, { action: 'tagLogEntries', target: null, details: { entries: 1, tags: ['operator_review'] } });
    assert.deepEqual(await eventsFor(claimed.requestId), []);
  });

  test('a rolled-back action leaves no audit row, and a failed audit write rolls the action back', async () => {
    // The action fails inside its transaction: no row.
    const missing = Buffer.from('Webhook:00000000-0000-4000-8000-000000000000').toString('base64url');
    const failed = await call(`mutation($input: DeleteWebhookInput!) { deleteWebhook(input: $input) { webhook { id } } }`, { input: { webhookId: missing } });
    assert.equal(failed.errors?.[0]?.extensions?.code, 'NOT_FOUND');
    assert.deepEqual(await eventsFor(failed.requestId), []);

    // The audit row cannot be written: the action it belongs to is not stored either.
    await server.sql(`CREATE FUNCTION test_refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit refused by the test'; END $$`);
    await server.sql(`CREATE TRIGGER test_refuse_audit BEFORE INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION test_refuse_audit()`);
    try {
      const url = `https://hooks.example.com/${RUN}`;
      const r = await call(`mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { webhook { id } } }`, { input: { url, events: ['PROMOTED'] } });
      assert.equal(r.errors?.[0]?.extensions?.code, 'INTERNAL_SERVER_ERROR');
      assert.deepEqual(await server.sql(`SELECT id FROM webhook WHERE url = $1`, [url]), []);
    } finally {
      await server.sql(`DROP TRIGGER test_refuse_audit ON audit_event`);
      await server.sql(`DROP FUNCTION test_refuse_audit()`);
    }
  });

  test('the table refuses UPDATE, DELETE and TRUNCATE', async () => {
    const r = await call(`mutation($input: SaveModelLineInput!) { saveModelLine(input: $input) { modelLine { id } } }`, { input: { name: `line-${RUN}` } });
    assert.equal(r.errors, undefined);
    const [e] = await eventsFor(r.requestId);
    assert.equal(e.target, r.data.saveModelLine.modelLine.id);
    // Each statement in a transaction of its own, rolled back whatever happens.
    const inTransaction = async (...statements: string[]) => {
      const runner = server.app.database.dataSource.createQueryRunner();
      await runner.startTransaction();
      try {
        for (const sql of statements) await runner.query(sql, sql.includes('$1') ? [r.requestId] : []);
      } finally {
        await runner.rollbackTransaction();
        await runner.release();
      }
    };
    await assert.rejects(inTransaction(`UPDATE audit_event SET action = 'nothing' WHERE request_id = $1`), /append-only/);
    await assert.rejects(inTransaction(`DELETE FROM audit_event WHERE request_id = $1`), /append-only/);
    await assert.rejects(inTransaction(`TRUNCATE audit_event`), /append-only/);
    // The retention job's flag alone does not open the table: the row must also be older than its cutoff.
    await assert.rejects(inTransaction(`SELECT set_config('flywheel.audit_retention', 'on', true)`, `DELETE FROM audit_event WHERE request_id = $1`), /append-only/);
    await assert.rejects(
      inTransaction(`SELECT set_config('flywheel.audit_retention', 'on', true), set_config('flywheel.audit_cutoff', (now() - interval '1 day')::text, true)`, `DELETE FROM audit_event WHERE request_id = $1`),
      /append-only/,
    );
    assert.equal((await eventsFor(r.requestId)).length, 1);
  });

  test('paging: newest first, no item twice or lost, filters by action, key and time', async () => {
    const requestIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await call(`mutation($input: SaveModelLineInput!) { saveModelLine(input: $input) { modelLine { id } } }`, { input: { name: `paged-${RUN}-${i}` } });
      requestIds.push(r.requestId);
    }
    // From the first of them (its time truncated to milliseconds: `from` is inclusive).
    const [{ at }] = await server.sql(`SELECT at FROM audit_event WHERE request_id = $1`, [requestIds[0]]);
    const from = new Date(at).toISOString();
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; ; pages++) {
      const page: any = ok(await server.gql(AUDIT, { filter: { action: 'saveModelLine', from }, first: 2, after })).auditLog;
      assert.equal(page.totalCount, 5);
      seen.push(...page.edges.map((e: any) => e.node.requestId));
      assert.ok(page.edges.every((e: any) => e.node.action === 'saveModelLine'));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
      assert.ok(pages < 5);
    }
    assert.deepEqual(seen, [...requestIds].reverse());
    // `to` bounds the other end; another key's filter sees none of them.
    const none = ok(await server.gql(AUDIT, { filter: { action: 'saveModelLine', to: from } })).auditLog;
    assert.ok(none.edges.every((e: any) => !requestIds.includes(e.node.requestId)));
    const annotatorId = ok(await server.gql(`{ apiKeys(first: 50) { nodes { id name } } }`)).apiKeys.nodes.find((k: { name: string }) => k.name === `annotator-${RUN}`).id;
    const theirs = ok(await server.gql(AUDIT, { filter: { keyId: annotatorId, action: 'saveModelLine' } })).auditLog;
    assert.equal(theirs.totalCount, 0);
    const bad = await server.gql(AUDIT, { filter: { keyId: annotatorId }, after: 'not-a-cursor' });
    assert.equal(bad.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
  });

  test('retention: the audit-retention job deletes events older than AUDIT_RETENTION_DAYS, and only those', async () => {
    // Rows as a year-and-a-half-old action would have left them (INSERT is what the table allows).
    await server.sql(
      `INSERT INTO audit_event (at, actor, action, request_id) SELECT now() - make_interval(days => 401 + i), 'old-admin', 'revokeApiKey', 'old-${RUN}-' || i FROM generate_series(1, 3) i`,
    );
    await server.sql(`INSERT INTO audit_event (at, actor, action, request_id) VALUES (now() - interval '399 days', 'old-admin', 'revokeApiKey', 'kept-${RUN}')`);
    const before = (await server.sql(`SELECT count(*)::int AS n FROM audit_event`))[0].n as number;
    await server.app.services.jobs.send('audit-retention', {});
    await waitFor(async () => (await server.sql(`SELECT count(*)::int AS n FROM audit_event WHERE request_id LIKE $1`, [`old-${RUN}-%`]))[0].n === 0, 'the old events to be pruned');
    assert.equal((await server.sql(`SELECT count(*)::int AS n FROM audit_event`))[0].n, before - 3);
    assert.equal((await server.sql(`SELECT count(*)::int AS n FROM audit_event WHERE request_id = $1`, [`kept-${RUN}`]))[0].n, 1);
  });
});
