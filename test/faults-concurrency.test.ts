import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { count, gql, must, outcomeCode, poll, Reply, sql, tally } from './helpers/fault-client';
import { MainProcess, startMain } from './helpers/main-process';
import { PrivatePostgres, privatePostgresAvailable, startPrivatePostgres } from './helpers/private-postgres';
import { startWorker, WorkerProcess } from './helpers/worker-process';

/**
 * Issue 11 (reliability): two API processes and two job workers on one database, as a scaled-out
 * deployment runs them: the real `node dist/src/main.js` twice (RUN_WORKER=false) and
 * `node dist/src/worker.js` twice, on a PostgreSQL cluster of the test's own.
 *
 * (a) The same requestIds go to both APIs at once (single calls, identical batches, overlapping
 *     batches): both answer success, exactly one reply per requestId says `created: true` (the other is
 *     the idempotent replay, `created: false`, with the first result's keep reasons), and each requestId
 *     is stored once.
 * (b) Review items (thumbs-down feedback sent to both APIs with one clientFeedbackId, and
 *     `tagLogEntries` sent to both) are claimed concurrently by four annotators (own ANNOTATE keys)
 *     through both APIs, by name and by count: no item is handed to two annotators (checked in the
 *     replies and in `review_item`), and each annotator corrects only its own.
 * (c) Jobs: drift-review (reportDriftEvent with REVIEW_INLINE_MAX=0), dataset builds (several versions
 *     of the same names requested through both APIs) and compaction runs, worked by the two workers:
 *     each job is claimed once and completes (pgboss.job retry_count 0), and its side effects happen
 *     once (one folder per dataset version, in exactly one worker's EXPORT_DIR, with the recorded hash;
 *     compacted rows counted once across runs; drift tags once per row).
 */

const ROUNDS = 30;
const SINGLES_PER_ROUND = 8;
const BATCH = 50;
const MODELS = ['conc-v1', 'conc-v2', 'conc-v3'];
const ANNOTATORS = 4;
const FEEDBACK_ITEMS = 120;
const TAGGED_ITEMS = 120;
const NAMED_CLAIM = 40;
const DATASET_NAMES = ['conc-a', 'conc-b', 'conc-c', 'conc-d'];
const VERSIONS_PER_NAME = 3;
const COMPACTIONS = 6;

const LOG_ONE = `mutation($input: LogInferenceInput!) { logInference(input: $input) { requestId created keepReasons } }`;
const LOG_MANY = `mutation($input: LogInferencesInput!) { logInferences(input: $input) { results { requestId created keepReasons } } }`;
const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`;
const FEEDBACK = `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { feedbackId created } }`;
const TAG = `mutation($input: TagLogEntriesInput!) { tagLogEntries(input: $input) { taggedCount unchangedCount missingRequestIds } }`;
const CLAIM = `mutation($input: ClaimReviewItemsInput!) { claimReviewItems(input: $input) { items { requestId claimedBy status leaseExpiresAt } } }`;
const CORRECT = `mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { status annotator } reviewItem { status claimedBy } } }`;
const DRIFT = `mutation($input: ReportDriftEventInput!) { reportDriftEvent(input: $input) { driftEvent { id taggedCount } windowRows } }`;
const CREATE_DATASET = `mutation($input: CreateDatasetVersionInput!) { createDatasetVersion(input: $input) { datasetVersion { id name version status } } }`;
const COMPACT = `mutation($input: CompactLogsInput!) { compactLogs(input: $input) { job { id name state } } }`;

interface LogResult {
  requestId: string;
  created: boolean;
  keepReasons: string[];
}

describe('two APIs and two workers on one database (private cluster)', { skip: !privatePostgresAvailable && 'no PostgreSQL binaries here' }, () => {
  let pg: PrivatePostgres;
  const apis: MainProcess[] = [];
  const workers: WorkerProcess[] = [];
  const tempDirs: string[] = [];
  const exportDirs: string[] = [];
  const admin = `fw_fault_admin_${crypto.randomBytes(12).toString('hex')}`;
  const hmac = crypto.randomBytes(32).toString('hex');
  const keys: { ingest: string; feedback: string; trainer: string; annotators: { name: string; key: string }[] } = { ingest: '', feedback: '', trainer: '', annotators: [] };
  /** Request ids stored in (a), in order; (b) reviews some of them. */
  const stored: string[] = [];
  const prompts = new Map<string, string>();
  let t0 = 0;

  const api = (i: number) => apis[i % apis.length].base;

  before(async () => {
    t0 = Date.now();
    pg = await startPrivatePostgres();
    // Per-key rate limits off: (b) sends 240 clicks with one feedback key and hundreds of claims per
    // annotator at once, far past the default bursts (rate limits have their own test: rate-limits.test.ts).
    const apiEnv = {
      DATABASE_URL: pg.url,
      ADMIN_API_KEY: admin,
      USER_ID_HMAC_KEY: hmac,
      API_KEY_CACHE_SECONDS: '0',
      RUN_WORKER: 'false',
      REVIEW_INLINE_MAX: '0',
      RATE_LIMIT_FEEDBACK_PER_SECOND: '0',
      RATE_LIMIT_REVIEW_PER_SECOND: '0',
    };
    // The first API applies the migrations; the others start on a migrated database.
    apis.push(await startMain(apiEnv, 'flywheel-conc-api-'));
    const workerEnv = (n: number) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), `flywheel-conc-worker${n}-`));
      tempDirs.push(dir);
      exportDirs.push(path.join(dir, 'exports'));
      return { DATABASE_URL: pg.url, USER_ID_HMAC_KEY: hmac, DATA_DIR: dir, EXPORT_DIR: path.join(dir, 'exports') };
    };
    const envs = [workerEnv(0), workerEnv(1)];
    const [second, ...started] = await Promise.allSettled([startMain(apiEnv, 'flywheel-conc-api-'), startWorker(envs[0]), startWorker(envs[1])]);
    // Keep what did start, so that `after` stops it even when one of them failed.
    if (second.status === 'fulfilled') apis.push(second.value);
    for (const w of started) if (w.status === 'fulfilled') workers.push(w.value);
    for (const r of [second, ...started]) if (r.status === 'rejected') throw r.reason;

    const createKey = async (i: number, name: string, scopes: string[]) =>
      must(await gql<{ createApiKey: { secret: string } }>(api(i), admin, CREATE_KEY, { input: { name, scopes } }), `createApiKey ${name}`).createApiKey.secret;
    keys.ingest = await createKey(0, 'conc-endpoint', ['INGEST']);
    keys.feedback = await createKey(1, 'conc-web-feedback', ['FEEDBACK']);
    keys.trainer = await createKey(0, 'conc-trainer', ['CURATE']);
    for (let i = 0; i < ANNOTATORS; i++) keys.annotators.push({ name: `annotator-${i}`, key: await createKey(i, `annotator-${i}`, ['ANNOTATE']) });
    console.log(`[faults] concurrency: 2 APIs (pids ${apis.map((a) => a.pid).join(', ')}) and 2 workers (pids ${workers.map((w) => w.pid).join(', ')}) up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  after(async () => {
    await Promise.all([...apis.map((a) => a.stop()), ...workers.map((w) => w.stop())]);
    pg?.destroy();
    for (const d of tempDirs) fs.rmSync(d, { recursive: true, force: true });
    console.log(`[faults] concurrency: whole file ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  });

  test('(a) the same requestIds sent to both APIs at once: both succeed, one creates, each is stored once', { timeout: 300_000 }, async () => {
    const started = Date.now();
    let n = 0;
    const item = () => {
      const i = n++;
      const requestId = crypto.randomUUID();
      const prompt = `Question ${i}: where is parcel ${requestId.slice(0, 8)}?`;
      prompts.set(requestId, prompt);
      return { requestId, modelVersion: MODELS[i % MODELS.length], prompt, response: 'It is on its way.', latencyMs: 40, responseLogprob: -0.5 };
    };
    const replies = new Map<string, { api: number; result: LogResult }[]>();
    const errors = new Map<string, number>();
    let calls = 0;
    const record = (apiIndex: number, r: Reply<any>, many: boolean) => {
      calls++;
      const code = outcomeCode(r);
      if (code !== 'ok') return count(errors, code);
      const results: LogResult[] = many ? r.data.logInferences.results : [r.data.logInference];
      for (const result of results) {
        const list = replies.get(result.requestId) ?? [];
        list.push({ api: apiIndex, result });
        replies.set(result.requestId, list);
      }
    };
    const one = (i: number, input: object) => gql(api(i), keys.ingest, LOG_ONE, { input }).then((r) => record(i % 2, r, false));
    const many = (i: number, items: object[]) => gql(api(i), keys.ingest, LOG_MANY, { input: { items } }).then((r) => record(i % 2, r, true));
    /** How many replies each requestId should get: 2 (one per API). */
    const expectedReplies = new Map<string, number>();

    for (let round = 0; round < ROUNDS; round++) {
      const sends: Promise<void>[] = [];
      for (let s = 0; s < SINGLES_PER_ROUND; s++) {
        const it = item();
        expectedReplies.set(it.requestId, 2);
        // Who goes first alternates; both are in flight together.
        sends.push(one(round + s, it), one(round + s + 1, it));
      }
      for (let b = 0; b < 2; b++) {
        const items = Array.from({ length: BATCH }, item);
        for (const it of items) expectedReplies.set(it.requestId, 2);
        sends.push(many(round + b, items), many(round + b + 1, items));
      }
      // Overlapping batches: the first half of one is the second half of the other.
      const overlap = Array.from({ length: BATCH + BATCH / 2 }, item);
      overlap.forEach((it, i) => expectedReplies.set(it.requestId, i >= BATCH / 2 && i < BATCH ? 2 : 1));
      sends.push(many(round, overlap.slice(0, BATCH)), many(round + 1, overlap.slice(BATCH / 2)));
      await Promise.all(sends);
    }

    const ids = [...expectedReplies.keys()];
    const wrongReplyCount = ids.filter((id) => (replies.get(id)?.length ?? 0) !== expectedReplies.get(id));
    const createdNotOnce = ids.filter((id) => (replies.get(id) ?? []).filter((r) => r.result.created).length !== 1);
    const replayDiffers = ids.filter((id) => new Set((replies.get(id) ?? []).map((r) => JSON.stringify([...r.result.keepReasons].sort()))).size > 1);
    const createdBy = [0, 0];
    for (const id of ids) for (const r of replies.get(id) ?? []) if (r.result.created) createdBy[r.api]++;
    const sentTwice = ids.filter((id) => expectedReplies.get(id) === 2).length;

    const rows = await sql<{ request_id: string; n: number; prompt: string }>(
      pg.url,
      `SELECT request_id, count(*)::int AS n, min(prompt) AS prompt FROM inference_log WHERE request_id = ANY ($1::text[]) GROUP BY 1`,
      [ids],
    );
    const found = new Map(rows.map((r) => [r.request_id, r]));
    const lost = ids.filter((id) => !found.has(id));
    const duplicated = rows.filter((r) => r.n !== 1).length;
    const wrongContent = rows.filter((r) => r.prompt !== prompts.get(r.request_id)).length;
    const [whole] = await sql<{ log_rows: number; log_ids: number; register_rows: number; counted: number }>(
      pg.url,
      `SELECT (SELECT count(*)::int FROM inference_log) AS log_rows, (SELECT count(DISTINCT request_id)::int FROM inference_log) AS log_ids,
              (SELECT count(*)::int FROM inference_request) AS register_rows, (SELECT coalesce(sum(received), 0)::int FROM ingest_stats_hourly) AS counted`,
    );
    stored.push(...ids);

    console.log(`[faults] concurrency (a): ${ROUNDS} rounds, ${calls} calls, requestIds ${ids.length} (${sentTwice} sent to both APIs at once), ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`[faults] concurrency (a): errors by code: ${tally(errors)}; created=true by API: A ${createdBy[0]}, B ${createdBy[1]}`);
    console.log(
      `[faults] concurrency (a): found ${rows.length}, lost ${lost.length}, duplicated ${duplicated}, wrong content ${wrongContent}, ` +
        `ids without exactly one created=true ${createdNotOnce.length}, replays with other keep reasons ${replayDiffers.length}, missing replies ${wrongReplyCount.length}`,
    );
    console.log(`[faults] concurrency (a): whole table: log rows ${whole.log_rows} (distinct ${whole.log_ids}), register ${whole.register_rows}, hourly counters ${whole.counted}`);

    assert.equal(errors.size, 0, `every call succeeded: ${tally(errors)}`);
    assert.deepEqual(wrongReplyCount, [], 'every call answered for each of its requestIds');
    assert.deepEqual(createdNotOnce, [], 'exactly one reply per requestId says created: true');
    assert.deepEqual(replayDiffers, [], 'the replay reports the first result');
    assert.deepEqual(lost, []);
    assert.equal(duplicated, 0);
    assert.equal(wrongContent, 0);
    assert.equal(whole.log_rows, whole.log_ids, 'no requestId twice in inference_log');
    assert.equal(whole.register_rows, whole.log_rows);
    assert.equal(whole.counted, whole.log_rows, 'the hourly counters count each row once');
  });

  test('(b) four annotators claim through both APIs at once: no item goes to two of them', { timeout: 300_000 }, async () => {
    assert.ok(stored.length >= FEEDBACK_ITEMS + TAGGED_ITEMS, '(a) stored the rows to review');
    const started = Date.now();
    const errors = new Map<string, number>();
    const ok = <T>(r: Reply<T>, what: string) => {
      const code = outcomeCode(r);
      if (code !== 'ok') count(errors, `${what} ${code}`);
      return code === 'ok' ? r.data! : null;
    };
    // Items enter the queue two ways, each sent to both APIs at once.
    // Thumbs-down feedback, one clientFeedbackId per click: one feedback row, one `user_negative` tag.
    const negative = stored.slice(0, FEEDBACK_ITEMS);
    const clicks = negative.map((requestId) => ({ requestId, kind: 'THUMBS_DOWN', clientFeedbackId: crypto.randomUUID() }));
    const feedbackCreated = new Map<string, number>();
    await Promise.all(
      clicks.flatMap((input, i) =>
        [i, i + 1].map(async (a) => {
          const d = ok(await gql<{ submitFeedback: { created: boolean } }>(api(a), keys.feedback, FEEDBACK, { input }), 'submitFeedback');
          if (d?.submitFeedback.created) count(feedbackCreated, input.clientFeedbackId);
        }),
      ),
    );
    // tagLogEntries by two annotators through both APIs: each tag assigned once.
    const tagged = stored.slice(FEEDBACK_ITEMS, FEEDBACK_ITEMS + TAGGED_ITEMS);
    let taggedCount = 0;
    const chunks: string[][] = [];
    for (let i = 0; i < tagged.length; i += 20) chunks.push(tagged.slice(i, i + 20));
    await Promise.all(
      chunks.flatMap((requestIds, i) =>
        [0, 1].map(async (a) => {
          const d = ok(await gql<{ tagLogEntries: { taggedCount: number } }>(api(i + a), keys.annotators[a].key, TAG, { input: { requestIds, tags: ['operator_review'] } }), 'tagLogEntries');
          taggedCount += d?.tagLogEntries.taggedCount ?? 0;
        }),
      ),
    );
    const [fb] = await sql<{ rows: number; ids: number; negative_tags: number }>(
      pg.url,
      `SELECT (SELECT count(*)::int FROM feedback) AS rows, (SELECT count(DISTINCT client_feedback_id)::int FROM feedback) AS ids,
              (SELECT count(*)::int FROM log_tag WHERE tag = 'user_negative' AND removed_at IS NULL) AS negative_tags`,
    );
    const universe = (await sql<{ request_id: string }>(pg.url, `SELECT request_id FROM review_item WHERE status = 'OPEN' AND claimed_by IS NULL`)).map((r) => r.request_id);
    console.log(
      `[faults] concurrency (b): feedback rows ${fb.rows} for ${clicks.length} clicks sent twice (created=true replies ${[...feedbackCreated.values()].reduce((a, b) => a + b, 0)}), ` +
        `user_negative tags ${fb.negative_tags}; operator_review tagged ${taggedCount} of ${tagged.length} sent twice; review queue ${universe.length}`,
    );
    assert.equal(fb.rows, clicks.length, 'one feedback row per clientFeedbackId');
    assert.equal(fb.ids, clicks.length);
    assert.ok(clicks.every((c) => feedbackCreated.get(c.clientFeedbackId) === 1), 'exactly one created=true per click');
    assert.equal(fb.negative_tags, negative.length);
    assert.equal(taggedCount, tagged.length, 'each tag assigned once across both APIs');
    assert.equal(new Set(universe).size, negative.length + tagged.length, 'every reviewed entry is in the queue once');

    // Claims: annotator → ids the API handed it.
    const claims = new Map<string, string[]>();
    const claimedBy = new Map<string, string[]>();
    let claimCalls = 0;
    let wrongClaimant = 0;
    const claim = async (a: number, via: number, input: object) => {
      claimCalls++;
      const { name, key } = keys.annotators[a];
      const d = ok(await gql<{ claimReviewItems: { items: { requestId: string; claimedBy: string }[] } }>(api(via), key, CLAIM, { input }), 'claimReviewItems');
      const items = d?.claimReviewItems.items ?? [];
      for (const it of items) {
        if (it.claimedBy !== name) wrongClaimant++;
        claimedBy.set(it.requestId, [...(claimedBy.get(it.requestId) ?? []), name]);
        claims.set(name, [...(claims.get(name) ?? []), it.requestId]);
      }
      return items.length;
    };
    // By name: every annotator asks both APIs for the same items at the same moment.
    const named = universe.slice(0, NAMED_CLAIM);
    const namedGot = await Promise.all(Array.from({ length: ANNOTATORS * 2 }, (_, i) => claim(i % ANNOTATORS, i, { requestIds: named })));
    // By count: each annotator takes a few at a time, alternating APIs, until the queue is empty for it twice running.
    await Promise.all(
      Array.from({ length: ANNOTATORS }, async (_, a) => {
        let empties = 0;
        for (let call = 0; empties < 2 && call < 500; call++) {
          const got = await claim(a, a + call, { count: 1 + ((a * 7 + call * 3) % 12) });
          empties = got === 0 ? empties + 1 : 0;
        }
      }),
    );
    const twice = [...claimedBy.entries()].filter(([, who]) => who.length > 1);
    const claimedIds = [...claimedBy.keys()];
    const notClaimed = universe.filter((id) => !claimedBy.has(id));
    const rows = await sql<{ request_id: string; claimed_by: string | null; leased: boolean; status: string }>(
      pg.url,
      `SELECT request_id, claimed_by, lease_expires_at > now() AS leased, status FROM review_item WHERE request_id = ANY ($1::text[])`,
      [universe],
    );
    const sqlMismatch = rows.filter((r) => r.claimed_by === null || !r.leased || r.status !== 'OPEN' || claimedBy.get(r.request_id)?.[0] !== r.claimed_by);
    console.log(
      `[faults] concurrency (b): ${claimCalls} claim calls (${ANNOTATORS * 2} at once for the same ${named.length} named items: ${namedGot.join('+')} = ${namedGot.reduce((a, b) => a + b, 0)} handed out), ` +
        `claimed ${claimedIds.length} of ${universe.length}, claimed twice ${twice.length}, not claimed ${notClaimed.length}, ` +
        `per annotator ${[...claims.entries()].map(([k, v]) => `${k} ${v.length}`).join(', ')}, review_item rows disagreeing with the replies ${sqlMismatch.length}, ` +
        `replies naming another claimant ${wrongClaimant}`,
    );
    assert.deepEqual(twice, [], 'no item claimed by two annotators');
    assert.equal(namedGot.reduce((a, b) => a + b, 0), named.length, 'each named item handed out exactly once');
    assert.deepEqual(notClaimed, [], 'every free item was claimed by someone');
    assert.equal(claimedIds.length, universe.length);
    assert.equal(wrongClaimant, 0);
    assert.deepEqual(sqlMismatch, [], 'review_item says who holds each item, as the API said');

    // Corrections: someone else's claim is refused; each annotator corrects its own items, through both APIs.
    const refused: string[] = [];
    for (let a = 0; a < ANNOTATORS; a++) {
      const other = keys.annotators[(a + 1) % ANNOTATORS];
      const theirs = claims.get(other.name)?.[0];
      if (!theirs) continue;
      const r = await gql(api(a), keys.annotators[a].key, CORRECT, { input: { requestId: theirs, completion: `Not mine to correct: ${theirs}` } });
      refused.push(outcomeCode(r));
    }
    let accepted = 0;
    await Promise.all(
      keys.annotators.map(async ({ name, key }, a) => {
        for (const [i, requestId] of (claims.get(name) ?? []).entries()) {
          const d = ok(
            await gql<{ submitCorrection: { correction: { status: string; annotator: string }; reviewItem: { status: string } } }>(api(a + i), key, CORRECT, {
              input: { requestId, completion: `Your parcel ${requestId.slice(0, 8)} is at the depot; collect it with your order number.` },
            }),
            'submitCorrection',
          );
          if (d?.submitCorrection.correction.status === 'ACCEPTED' && d.submitCorrection.correction.annotator === name && d.submitCorrection.reviewItem.status === 'DONE') accepted++;
        }
      }),
    );
    const [corr] = await sql<{ corrections: number; distinct_ids: number; done: number; foreign: number }>(
      pg.url,
      `SELECT (SELECT count(*)::int FROM correction WHERE request_id = ANY ($1::text[])) AS corrections,
              (SELECT count(DISTINCT request_id)::int FROM correction WHERE request_id = ANY ($1::text[])) AS distinct_ids,
              (SELECT count(*)::int FROM review_item WHERE request_id = ANY ($1::text[]) AND status = 'DONE') AS done,
              (SELECT count(*)::int FROM correction c JOIN review_item ri USING (request_id) WHERE c.annotator <> ri.claimed_by) AS foreign`,
      [universe],
    );
    console.log(
      `[faults] concurrency (b): corrections of another's claim answered ${refused.join(', ')}; accepted ${accepted}; correction rows ${corr.corrections} for ${corr.distinct_ids} entries, ` +
        `DONE ${corr.done}, by someone other than the claimant ${corr.foreign}; errors by code: ${tally(errors)}; ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    assert.ok(refused.length > 0 && refused.every((c) => c === '200:FORBIDDEN'), `correcting another's claim is FORBIDDEN: ${refused.join(', ')}`);
    assert.equal(errors.size, 0, tally(errors));
    assert.equal(accepted, universe.length);
    assert.equal(corr.corrections, universe.length, 'one correction per entry');
    assert.equal(corr.distinct_ids, universe.length);
    assert.equal(corr.done, universe.length);
    assert.equal(corr.foreign, 0);
  });

  test('(c) jobs enqueued through both APIs are each handled once by the two workers, with their side effects once', { timeout: 420_000 }, async () => {
    const started = Date.now();
    const [{ n: corrected }] = await sql<{ n: number }>(pg.url, `SELECT count(DISTINCT request_id)::int AS n FROM correction WHERE status = 'ACCEPTED'`);
    assert.ok(corrected > 0, '(b) left accepted corrections to build datasets from');

    // Drift: two overlapping events per model version, reported through both APIs at once. Each window row is tagged
    // once; with REVIEW_INLINE_MAX=0 each event's window enters the review queue through a drift-review job.
    const drift = await Promise.all(
      MODELS.slice(0, 2).flatMap((modelVersion, m) =>
        [0, 1].map((a) =>
          gql<{ reportDriftEvent: { driftEvent: { id: string; taggedCount: number }; windowRows: number } }>(api(m + a), keys.annotators[a].key, DRIFT, {
            input: { modelVersion, metric: 'prompt_length_psi', threshold: 0.2, value: 0.4, windowHours: 12 },
          }).then((r) => ({ modelVersion, ...must(r, 'reportDriftEvent').reportDriftEvent })),
        ),
      ),
    );
    const driftByModel = new Map<string, { tagged: number; windowRows: number[] }>();
    for (const d of drift) {
      const e = driftByModel.get(d.modelVersion) ?? { tagged: 0, windowRows: [] };
      e.tagged += d.driftEvent.taggedCount;
      e.windowRows.push(d.windowRows);
      driftByModel.set(d.modelVersion, e);
    }

    // Dataset versions (several per name, through both APIs at once) and compaction runs, all at once.
    const requests: Promise<unknown>[] = [];
    const versions: { id: string; name: string; version: number }[] = [];
    let i = 0;
    for (const name of DATASET_NAMES) {
      for (let v = 0; v < VERSIONS_PER_NAME; v++) {
        const via = i++;
        requests.push(
          gql<{ createDatasetVersion: { datasetVersion: { id: string; name: string; version: number } } }>(api(via), keys.trainer, CREATE_DATASET, {
            input: { name, systemPrompt: 'You are a parcel service assistant.', validationFraction: 0.1, formats: ['SFT', 'PREFERENCE'] },
          }).then((r) => versions.push(must(r, 'createDatasetVersion').createDatasetVersion.datasetVersion)),
        );
      }
    }
    for (let c = 0; c < COMPACTIONS; c++) requests.push(gql(api(c), admin, COMPACT, { input: { graceHours: 0 } }).then((r) => must(r, 'compactLogs')));
    await Promise.all(requests);

    const JOB_NAMES = ['dataset-build', 'compaction', 'drift-review'];
    await poll(
      async () => {
        const [{ open }] = await sql<{ open: number }>(pg.url, `SELECT count(*)::int AS open FROM pgboss.job WHERE name = ANY ($1::text[]) AND state NOT IN ('completed', 'failed', 'cancelled')`, [JOB_NAMES]);
        return open === 0;
      },
      'every job to finish',
      300_000,
      500,
    );
    const jobs = await sql<{ id: string; name: string; state: string; retry_count: number; started: boolean; output: any; progress: any; data: any }>(
      pg.url,
      `SELECT j.id::text, j.name, j.state::text, j.retry_count, j.started_on IS NOT NULL AS started, j.output, r.progress, j.data
       FROM pgboss.job j LEFT JOIN job_run r ON r.job_id = j.id WHERE j.name = ANY ($1::text[]) ORDER BY j.created_on`,
      [JOB_NAMES],
    );
    const byName = (n: string) => jobs.filter((j) => j.name === n);
    const notOnce = jobs.filter((j) => j.state !== 'completed' || j.retry_count !== 0 || !j.started);
    // Each handler's last progress report (job_run, one row per job) is its final one. The progress payload is
    // being unified ({phase: 'DONE', percent: 100, …}); the per-job shapes before it are accepted too.
    const finalProgress = (j: (typeof jobs)[number]) => {
      const p = j.progress;
      return p != null && (p.percent === 100 || p.done === true || (j.name === 'drift-review' && typeof p.queued === 'number'));
    };
    const progressProblems = jobs.filter((j) => !finalProgress(j)).map((j) => `${j.name} ${j.id}: ${JSON.stringify(j.progress)}`);

    // Dataset builds: one version number per request, READY, the same bytes, and one folder, in one worker's EXPORT_DIR.
    const dv = await sql<{ id: string; name: string; version: number; status: string; job_id: string; example_count: number; content_hash: string; files: any; members: number }>(
      pg.url,
      `SELECT d.id::text, d.name, d.version, d.status, d.job_id::text, d.example_count, d.content_hash, d.files,
              (SELECT count(*)::int FROM dataset_example e WHERE e.dataset_version_id = d.id) AS members
       FROM dataset_version d ORDER BY d.name, d.version`,
    );
    const numbering = DATASET_NAMES.map((name) => dv.filter((d) => d.name === name).map((d) => d.version).join(','));
    const builtBy = [0, 0];
    const folderProblems: string[] = [];
    for (const d of dv) {
      const where = exportDirs.map((dir) => fs.existsSync(path.join(dir, d.name, `v${d.version}`)));
      where.forEach((w, k) => w && builtBy[k]++);
      if (where.filter(Boolean).length !== 1) folderProblems.push(`${d.name} v${d.version}: in ${where.filter(Boolean).length} export dirs`);
      const k = where.indexOf(true);
      if (k < 0) continue;
      const train = path.join(exportDirs[k], d.name, `v${d.version}`, 'train.jsonl');
      const sha = fs.existsSync(train) ? crypto.createHash('sha256').update(fs.readFileSync(train)).digest('hex') : 'missing';
      if (sha !== d.content_hash || sha !== d.files?.['train.jsonl']?.sha256) folderProblems.push(`${d.name} v${d.version}: train.jsonl sha256 ${sha} ≠ ${d.content_hash}`);
    }
    const partials = exportDirs.flatMap((dir) => (fs.existsSync(dir) ? fs.readdirSync(dir).flatMap((n) => fs.readdirSync(path.join(dir, n)).filter((f) => f.endsWith('.partial'))) : []));
    const buildJobs = byName('dataset-build');
    const buildJobIds = new Set(buildJobs.map((j) => j.id));
    const datasetProblems = dv.filter((d) => d.status !== 'READY' || !buildJobIds.has(d.job_id) || d.members !== d.example_count || d.example_count !== corrected);
    const hashes = new Set(dv.map((d) => d.content_hash));

    // Compaction: each deleted row counted by exactly one run, in the register and in the hourly counters.
    const compactions = byName('compaction');
    const deletedByRuns = compactions.reduce((s, j) => s + (j.output?.deleted ?? 0), 0);
    const [compacted] = await sql<{ register: number; counters: number; log_rows: number }>(
      pg.url,
      `SELECT (SELECT count(*)::int FROM inference_request WHERE compacted_at IS NOT NULL) AS register,
              (SELECT coalesce(sum(compacted), 0)::int FROM ingest_stats_hourly) AS counters,
              (SELECT count(*)::int FROM inference_log) AS log_rows`,
    );

    // Drift: each window row tagged once, and every tagged row in the review queue (put there by the drift-review jobs).
    const [dt] = await sql<{ tags: number; rows: number; queued: number }>(
      pg.url,
      `SELECT count(*)::int AS tags, count(DISTINCT request_id)::int AS rows,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM review_item ri WHERE ri.request_id = t.request_id))::int AS queued
       FROM log_tag t WHERE t.tag = 'drift_window' AND t.removed_at IS NULL`,
    );
    const driftJobs = byName('drift-review');

    // A late resend of compacted requestIds, to both APIs: still recognised as duplicates (the register remembers them).
    const gone = (await sql<{ request_id: string }>(pg.url, `SELECT request_id FROM inference_request WHERE compacted_at IS NOT NULL ORDER BY request_id LIMIT 50`)).map((r) => r.request_id);
    const resent = await Promise.all(
      [0, 1].map((a) =>
        gql<{ logInferences: { results: LogResult[] } }>(api(a), keys.ingest, LOG_MANY, {
          input: { items: gone.map((requestId) => ({ requestId, modelVersion: MODELS[2], prompt: prompts.get(requestId) ?? 'late', response: 'late resend', latencyMs: 1 })) },
        }),
      ),
    );
    const resentCreated = resent.reduce((s, r) => s + must(r, 'late resend').logInferences.results.filter((x) => x.created).length, 0);
    const [{ n: relogged }] = await sql<{ n: number }>(pg.url, `SELECT count(*)::int AS n FROM inference_log WHERE request_id = ANY ($1::text[])`, [gone]);

    // Schedules: every process (2 APIs, 2 workers) answers cron; each occurrence must still be one job.
    const cronDupes = await sql<{ name: string; singleton_key: string | null; singleton_on: string; n: number }>(
      pg.url,
      `SELECT name, singleton_key, singleton_on::text, count(*)::int AS n FROM pgboss.job WHERE singleton_on IS NOT NULL GROUP BY 1, 2, 3 HAVING count(*) > 1`,
    );
    const [{ n: cronJobs }] = await sql<{ n: number }>(pg.url, `SELECT count(*)::int AS n FROM pgboss.job WHERE singleton_on IS NOT NULL`);

    console.log(
      `[faults] concurrency (c): jobs ${jobs.length} (${JOB_NAMES.map((n) => `${n} ${byName(n).length}`).join(', ')}), not completed exactly once ${notOnce.length}, without final progress ${progressProblems.length}` +
        `${notOnce.length ? `: ${JSON.stringify(notOnce.map((j) => ({ name: j.name, state: j.state, retry: j.retry_count, output: j.output })))}` : ''}, ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    console.log(
      `[faults] concurrency (c): dataset versions ${dv.length} (numbers per name ${numbering.join(' | ')}), built by worker 0: ${builtBy[0]}, worker 1: ${builtBy[1]}, ` +
        `folder problems ${folderProblems.length}, leftover .partial ${partials.length}, other problems ${datasetProblems.length}, examples each ${dv[0]?.example_count}, distinct hashes ${hashes.size}`,
    );
    console.log(
      `[faults] concurrency (c): compaction runs ${compactions.length} deleted ${deletedByRuns} (${compactions.map((j) => j.output?.deleted ?? '?').join('+')}), register marks ${compacted.register}, hourly counters ${compacted.counters}, log rows left ${compacted.log_rows}`,
    );
    console.log(
      `[faults] concurrency (c): drift events ${drift.length}: ${[...driftByModel.entries()].map(([m, e]) => `${m} tagged ${e.tagged} (windowRows ${e.windowRows.join('/')})`).join(', ')}; ` +
        `drift_window tags ${dt.tags} on ${dt.rows} rows, in the review queue ${dt.queued}; drift-review jobs queued ${driftJobs.map((j) => j.output?.queued ?? '?').join('+')}`,
    );
    console.log(`[faults] concurrency (c): late resend of ${gone.length} compacted ids to both APIs: created ${resentCreated}, log rows back ${relogged}; cron jobs ${cronJobs}, duplicated cron occurrences ${cronDupes.length}`);

    assert.deepEqual(notOnce.map((j) => `${j.name} ${j.id} ${j.state} retry ${j.retry_count}`), [], 'every job claimed once and completed');
    assert.deepEqual(progressProblems, [], 'every job reported its final progress');
    assert.equal(buildJobs.length, DATASET_NAMES.length * VERSIONS_PER_NAME, 'one build job per version');
    assert.equal(dv.length, DATASET_NAMES.length * VERSIONS_PER_NAME);
    assert.deepEqual(numbering, DATASET_NAMES.map(() => Array.from({ length: VERSIONS_PER_NAME }, (_, k) => k + 1).join(',')), 'versions 1..n per name, none twice');
    assert.deepEqual(datasetProblems.map((d) => `${d.name} v${d.version} ${d.status} ${d.example_count}/${d.members}`), [], 'every version READY with its members');
    assert.deepEqual(folderProblems, [], 'one folder per version, in one export dir, with the recorded hash');
    assert.deepEqual(partials, []);
    assert.equal(hashes.size, 1, 'the same data gives the same bytes, whichever worker built it');
    assert.ok(compactions.length >= COMPACTIONS);
    assert.ok(compacted.register > 0, 'compaction had rows to delete');
    assert.equal(deletedByRuns, compacted.register, 'each compacted row counted by exactly one run');
    assert.equal(compacted.counters, compacted.register);
    for (const [m, e] of driftByModel) {
      assert.equal(new Set(e.windowRows).size, 1, `${m}: both events saw the same window`);
      assert.equal(e.tagged, e.windowRows[0], `${m}: each window row tagged by exactly one of the two events`);
    }
    assert.equal(dt.tags, dt.rows, 'one drift_window tag per row');
    assert.equal(dt.queued, dt.rows, 'every drift-tagged row is in the review queue');
    assert.equal(driftJobs.length, drift.length, 'one drift-review job per event');
    assert.equal(resentCreated, 0, 'a compacted requestId resent is a duplicate');
    assert.equal(relogged, 0);
    assert.deepEqual(cronDupes, [], 'each cron occurrence is one job');
  });
});
