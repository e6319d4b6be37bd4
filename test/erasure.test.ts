import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { startMain, MainProcess } from './helpers/main-process';
import { ADMIN_KEY, createFreshDatabase, createKey, gqlRequest, GqlResponse, HMAC_KEY, logBatch, logInput, ok, startTestServer, TestServer, usingRealPostgres, waitFor } from './helpers/test-server';

/**
 * Issue 14, point 2: eraseUser leaves no trace of the user in any table, any export file or any log
 * line, and leaves the other user's data as it was.
 *
 * The server is the real `node dist/src/main.js` process on a fresh PostgreSQL database, so its own
 * stdout and stderr (at LOG_LEVEL=debug: one line per request) are what the log check reads. Every
 * table of every schema (pg-boss's too) is found through information_schema, so a table added later
 * is scanned without touching this test. Each row is searched as `row::text`, which covers every
 * column, jsonb and arrays included.
 */

const RUN = crypto.randomBytes(4).toString('hex');
// Tokens no redaction recognizer touches (no name, number, address or id shape), in every text of a user.
const TOKEN_A = `qzxerasable${RUN}a`;
const TOKEN_B = `qzxkeepable${RUN}b`;
const USER_A = `user-a-${RUN}-7f3e9c`;
const USER_B = `user-b-${RUN}-1d2b4a`;
const hmac = (id: string) => crypto.createHmac('sha256', HMAC_KEY).update(id, 'utf8').digest('hex');
const MODEL = `erase-${RUN}`;

const ERASE = `mutation($input: EraseUserInput!) { eraseUser(input: $input) {
  counts { logEntries feedback corrections reviewItems groundTruths tags datasetExamples datasetVersions exportFiles }
  datasetVersions { id name version status exampleCount contentHash files { name sha256 lines } erasures { erasedAt examples } } } }`;

type Sql = (text: string, params?: unknown[]) => Promise<any[]>;

/** Every table of every user schema, and for each needle the tables whose rows contain it. */
async function tablesHolding(sql: Sql, needles: string[]): Promise<Map<string, string[]>> {
  const tables: { schema: string; name: string }[] = await sql(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2`,
  );
  assert.ok(tables.some((t) => t.name === 'audit_event') && tables.some((t) => t.schema === 'pgboss'), 'the scan covers our tables and pg-boss’s');
  const found = new Map<string, string[]>(needles.map((n) => [n, []]));
  for (const t of tables) {
    const ident = `"${t.schema.replace(/"/g, '""')}"."${t.name.replace(/"/g, '""')}"`;
    const rows: { n: string }[] = await sql(`SELECT n FROM unnest($1::text[]) AS n WHERE EXISTS (SELECT 1 FROM ${ident} x WHERE strpos(x::text, n) > 0)`, [needles]);
    for (const r of rows) found.get(r.n)!.push(ident);
  }
  return found;
}

/** Every file under a directory, as text. */
function filesUnder(root: string): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push({ file: path.relative(root, p), text: fs.readFileSync(p, 'utf8') });
    }
  };
  walk(root);
  return out;
}

describe('eraseUser (issue 14)', { skip: !usingRealPostgres && 'needs DATABASE_URL (a real PostgreSQL): the test scans the database from outside the server process' }, () => {
  let main: MainProcess;
  let db: Client;
  let drop: () => Promise<void>;
  let exportDir: string;
  let curateKey: string;
  let feedbackKey: string;
  const gql = <T = any>(q: string, v: Record<string, unknown> = {}, key: string = ADMIN_KEY): Promise<GqlResponse<T>> => gqlRequest<T>(main.base, q, v, key);

  before(async () => {
    const fresh = await createFreshDatabase(process.env.DATABASE_URL!);
    drop = fresh.drop;
    exportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-erasure-exports-'));
    main = await startMain({
      DATABASE_URL: fresh.url,
      USER_ID_HMAC_KEY: HMAC_KEY,
      ADMIN_API_KEY: ADMIN_KEY,
      EXPORT_DIR: exportDir,
      LOG_LEVEL: 'debug',
      RATE_LIMIT_FEEDBACK_PER_SECOND: '0',
      RATE_LIMIT_REVIEW_PER_SECOND: '0',
    });
    db = new Client({ connectionString: fresh.url });
    await db.connect();
    const key = async (scopes: string[], name: string) =>
      ok(await gql(`mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, { input: { name, scopes } })).createApiKey.secret as string;
    curateKey = await key(['CURATE'], 'pipeline');
    feedbackKey = await key(['FEEDBACK'], 'widget');
  });
  after(async () => {
    await db?.end();
    await main?.stop();
    await drop?.();
    if (exportDir) fs.rmSync(exportDir, { recursive: true, force: true });
  });

  /** Logs three entries for a user (all corrected, one with feedback, one with ground truth) and returns their ids and texts. */
  async function traffic(userId: string, token: string): Promise<{ requestIds: string[]; texts: string[] }> {
    const items = [0, 1, 2].map((i) =>
      logInput({
        modelVersion: MODEL,
        userId,
        prompt: `How do I rotate the ${token} widget number ${i}?`,
        response: `Turn the ${token} dial ${i} times.`,
        metadata: { note: `${token} metadata ${i}` },
        // The first is low confidence: tagged and queued for review at ingest.
        ...(i === 0 ? { responseLogprob: -9 } : {}),
      }),
    );
    ok(await gql(`mutation($input: LogInferencesInput!) { logInferences(input: $input) { results { requestId } } }`, { input: { items } }));
    const requestIds = items.map((it) => it.requestId as string);
    const texts = items.flatMap((it) => [it.prompt as string, it.response as string]);
    // The low-confidence entry waits in the review queue: it is claimed before it is corrected.
    ok(await gql(`mutation($input: ClaimReviewItemsInput!) { claimReviewItems(input: $input) { items { requestId } } }`, { input: { requestIds: [requestIds[0]] } }));
    for (const [i, requestId] of requestIds.entries()) {
      const completion = `Press the ${token} reset button ${i}.`;
      ok(await gql(`mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { id status } } }`, { input: { requestId, completion } }));
      texts.push(completion);
    }
    const comment = `The ${token} answer was wrong`;
    ok(await gql(`mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { created } }`, { input: { requestId: requestIds[1], kind: 'THUMBS_DOWN', comment, userId } }, feedbackKey));
    // Feedback from the same user on a request that was never logged: it waits (pending), with the user's hash.
    const pendingComment = `Pending ${token} remark`;
    ok(await gql(`mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { created } }`, { input: { requestId: `never-logged-${token}`, kind: 'REPORT', comment: pendingComment, userId } }, feedbackKey));
    const expected = `the ${token} outcome`;
    ok(await gql(`mutation($input: ReportGroundTruthInput!) { reportGroundTruth(input: $input) { created } }`, { input: { requestId: requestIds[2], expected } }));
    texts.push(comment, pendingComment, expected);
    // A refused call that carries the user's id and text: its error path must not log them either.
    const refused = await gql(`mutation($input: LogInferenceInput!) { logInference(input: $input) { requestId } }`, { input: { ...logInput({ modelVersion: MODEL, userId, prompt: `refused ${token}` }), latencyMs: -1 } });
    assert.equal(refused.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    return { requestIds, texts };
  }

  const tablesContaining = (needles: string[]) => tablesHolding(async (q, p) => (await db.query(q, p)).rows, needles);

  const exportFiles = () => filesUnder(exportDir);

  test('two users with feedback, corrections and an exported dataset version; erasing one leaves no trace of them and the other intact', async () => {
    const a = await traffic(USER_A, TOKEN_A);
    const b = await traffic(USER_B, TOKEN_B);
    // Request ids too: nothing should even point at where the user was.
    const needlesA = [USER_A, hmac(USER_A), TOKEN_A, ...a.texts, ...a.requestIds];
    const needlesB = [hmac(USER_B), TOKEN_B, ...b.texts];

    const created = ok(await gql(`mutation($input: CreateDatasetVersionInput!) { createDatasetVersion(input: $input) { datasetVersion { id } } }`, { input: { name: `erase-${RUN}`, modelVersions: [MODEL] } }, curateKey))
      .createDatasetVersion.datasetVersion;
    const VERSION = `query($id: ID!) { datasetVersion(id: $id) { id status exampleCount contentHash files { name sha256 lines } } }`;
    const ready = await waitFor(async () => {
      const v = ok(await gql(VERSION, { id: created.id }, curateKey)).datasetVersion;
      assert.notEqual(v.status, 'FAILED');
      return v.status === 'READY' ? v : null;
    }, 'the dataset version to be READY', 90_000);
    assert.equal(ready.exampleCount, 6, 'three corrected entries of each user');

    // The scans see what they look for: before the erasure both users are everywhere they should be.
    const before = await tablesContaining([...needlesA, ...needlesB]);
    for (const n of [hmac(USER_A), TOKEN_A, hmac(USER_B), TOKEN_B]) assert.ok(before.get(n)!.length > 0, `found ${n} before`);
    assert.ok(before.get(TOKEN_A)!.includes('"public"."inference_log"') && before.get(TOKEN_A)!.includes('"public"."correction"') && before.get(TOKEN_A)!.includes('"public"."feedback"'));
    assert.ok(exportFiles().some((f) => f.text.includes(TOKEN_A)), 'the export holds user A’s examples before');
    assert.ok(main.output().includes('"msg":"request"'), 'the server logs one line per request (LOG_LEVEL=debug)');

    const countOf = async (table: string) => (await db.query(`SELECT count(*)::int AS n FROM ${table} WHERE request_id = ANY ($1::text[])`, [a.requestIds])).rows[0].n as number;
    const held = { corrections: await countOf('correction'), reviewItems: await countOf('review_item'), tags: await countOf('log_tag') };
    // Three operator corrections (the ground truth, differing from the response, may add its own); the
    // low-confidence and the thumbs-down entries queued; low_confidence and user_negative tags at least.
    assert.ok(held.corrections >= 3 && held.reviewItems >= 2 && held.tags >= 2, JSON.stringify(held));

    const erased = ok(await gql(ERASE, { input: { userId: USER_A } })).eraseUser;
    assert.deepEqual(erased.counts, {
      logEntries: 3,
      feedback: 2, // one on a logged entry, one still pending
      ...held,
      groundTruths: 1,
      datasetExamples: 3,
      datasetVersions: 1,
      exportFiles: 1,
    });
    const [v] = erased.datasetVersions;
    assert.equal(v.id, created.id);
    assert.equal(v.status, 'READY');
    assert.equal(v.exampleCount, 3);
    assert.notEqual(v.contentHash, ready.contentHash, 'the files were rewritten');
    assert.deepEqual(v.erasures.map((e: { examples: number }) => e.examples), [3]);

    // No table holds user A's id, hash or any of their texts; user B's data is all still there.
    const afterScan = await tablesContaining([...needlesA, ...needlesB]);
    for (const n of needlesA) assert.deepEqual(afterScan.get(n), [], `no table holds ${n}`);
    for (const n of needlesB) assert.deepEqual(afterScan.get(n), before.get(n), `user B's ${n} is where it was`);
    const [{ count: rowsOfB }] = (await db.query(`SELECT count(*)::int AS count FROM inference_log WHERE user_id_hash = $1`, [hmac(USER_B)])).rows;
    assert.equal(rowsOfB, 3);
    const entryB = ok(await gql(`query($id: String!) { logEntry(requestId: $id) { prompt feedback { comment } corrections { completion } } }`, { id: b.requestIds[1] })).logEntry;
    assert.ok(entryB.prompt.includes(TOKEN_B) && entryB.feedback[0].comment.includes(TOKEN_B) && entryB.corrections[0].completion.includes(TOKEN_B));
    assert.equal(ok(await gql(`query($id: String!) { logEntry(requestId: $id) { requestId } }`, { id: a.requestIds[1] })).logEntry, null);

    // No export file mentions user A; user B's examples are all there, and the manifest records the erasure.
    const files = exportFiles();
    assert.ok(files.length >= 2, 'the version’s files and manifest');
    for (const f of files) for (const n of needlesA) assert.ok(!f.text.includes(n), `${f.file} holds no ${n}`);
    const train = files.find((f) => f.file.endsWith('train.jsonl'))!;
    assert.equal(train.text.split('\n').filter((l) => l.includes(TOKEN_B)).length, 3);
    const manifest = JSON.parse(files.find((f) => f.file.endsWith('manifest.json'))!.text);
    assert.equal(manifest.erasures.length, 1);
    assert.equal(manifest.erasures[0].examples, 3);
    assert.equal(manifest.count + (manifest.validationCount ?? 0), 3);
    assert.equal(manifest.sha256, v.contentHash);
    assert.equal(crypto.createHash('sha256').update(train.text).digest('hex'), v.files.find((f: { name: string }) => f.name === 'train.jsonl').sha256);
    // Downloads serve the rewritten file.
    const res = await fetch(`${main.base}/exports/${encodeURIComponent(created.id)}/train.jsonl`, { headers: { authorization: `Bearer ${curateKey}` } });
    assert.equal(res.status, 200);
    const served = await res.text();
    assert.ok(!served.includes(TOKEN_A) && served.includes(TOKEN_B));

    // Erasing twice is a no-op.
    const again = ok(await gql(ERASE, { input: { userId: USER_A } })).eraseUser;
    assert.deepEqual(Object.values(again.counts), Object.values(again.counts).map(() => 0));
    assert.deepEqual(again.datasetVersions, []);
    assert.equal(JSON.parse(fs.readFileSync(path.join(exportDir, files.find((f) => f.file.endsWith('manifest.json'))!.file), 'utf8')).erasures.length, 1);

    // The audit log has both calls, without the user.
    const audit = ok(await gql(`{ auditLog(filter: { action: "eraseUser" }) { nodes { action target details requestId } } }`)).auditLog.nodes;
    assert.equal(audit.length, 2);
    assert.ok(audit.every((e: { target: string | null }) => e.target === null));

    // Nothing the server printed, from its start to now, holds user A's id, hash or texts (nor B's).
    const log = main.output();
    for (const n of [...needlesA, USER_B, ...needlesB]) assert.ok(!log.includes(n), `no log line holds ${n}`);
  });

  test('eraseUser needs ADMIN and a user id', async () => {
    const userC = `user-c-${RUN}`;
    ok(await gql(`mutation($input: LogInferenceInput!) { logInference(input: $input) { requestId } }`, { input: logInput({ modelVersion: `${MODEL}-c`, userId: userC }) }));
    const r = await gql(ERASE, { input: { userId: userC } }, curateKey);
    assert.equal(r.errors?.[0]?.extensions?.code, 'FORBIDDEN');
    const empty = await gql(ERASE, { input: { userId: '' } });
    assert.equal(empty.errors?.[0]?.extensions?.code, 'BAD_USER_INPUT');
    const [{ count }] = (await db.query(`SELECT count(*)::int AS count FROM inference_log WHERE user_id_hash = $1`, [hmac(userC)])).rows;
    assert.equal(count, 1, 'nothing was erased');
  });
});

/**
 * The same erasure on the embedded database (PGlite, one session: the files are rewritten inside the
 * transaction on its connection), checked through the server's own connection.
 */
describe('eraseUser on the embedded database', () => {
  let server: TestServer;
  let exportDir: string;

  before(async () => {
    exportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-erasure-embedded-'));
    server = await startTestServer({ EXPORT_DIR: exportDir }, { embedded: true });
  });
  after(async () => {
    await server?.stop();
    if (exportDir) fs.rmSync(exportDir, { recursive: true, force: true });
  });

  test('no table or export file keeps the user; the other user stays', async () => {
    const model = `emb-${RUN}`;
    const entries = [
      logInput({ modelVersion: model, userId: USER_A, prompt: `Embedded ${TOKEN_A} question one` }),
      logInput({ modelVersion: model, userId: USER_A, prompt: `Embedded ${TOKEN_A} question two` }),
      logInput({ modelVersion: model, userId: USER_B, prompt: `Embedded ${TOKEN_B} question` }),
    ];
    await logBatch(server, entries);
    for (const e of entries) {
      ok(await server.gql(`mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { id } } }`, { input: { requestId: e.requestId, completion: `Answer for ${e.prompt}` } }));
    }
    const curate = await createKey(server, ['CURATE'], 'embedded-pipeline');
    const { id } = ok(await server.gql(`mutation($input: CreateDatasetVersionInput!) { createDatasetVersion(input: $input) { datasetVersion { id } } }`, { input: { name: model, modelVersions: [model] } }, curate))
      .createDatasetVersion.datasetVersion;
    await waitFor(async () => ok(await server.gql(`query($id: ID!) { datasetVersion(id: $id) { status } }`, { id }, curate)).datasetVersion.status === 'READY', 'READY', 90_000);
    assert.ok(filesUnder(exportDir).some((f) => f.text.includes(TOKEN_A)));

    const erased = ok(await server.gql(ERASE, { input: { userId: USER_A } })).eraseUser;
    assert.equal(erased.counts.logEntries, 2);
    assert.equal(erased.counts.datasetExamples, 2);
    assert.equal(erased.datasetVersions[0].exampleCount, 1);
    const needlesA = [hmac(USER_A), TOKEN_A, ...entries.slice(0, 2).map((e) => e.requestId as string)];
    const found = await tablesHolding((q, p) => server.sql(q, p), [...needlesA, TOKEN_B]);
    for (const n of needlesA) assert.deepEqual(found.get(n), [], `no table holds ${n}`);
    assert.ok(found.get(TOKEN_B)!.length > 0);
    for (const f of filesUnder(exportDir)) assert.ok(!f.text.includes(TOKEN_A), f.file);
    assert.ok(filesUnder(exportDir).some((f) => f.text.includes(TOKEN_B)));
    assert.deepEqual(Object.values(ok(await server.gql(ERASE, { input: { userId: USER_A } })).eraseUser.counts), Array(9).fill(0));
  });
});
