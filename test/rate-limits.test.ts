import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { sampleFraction } from '../src/services/ingest/keep-reasons';
import { startMain, MainProcess } from './helpers/main-process';
import { ADMIN_KEY, createFreshDatabase, createKey, HMAC_KEY, LOG_BATCH_MUTATION, LOG_MUTATION, logInput, startTestServer, TestServer, usingRealPostgres, waitFor } from './helpers/test-server';

/**
 * Issue 12, point 3: per-key rate limits (ingest rows, feedback calls, review calls) refused with
 * RATE_LIMITED / HTTP 429 / Retry-After and shared by every API process on one database; pending
 * feedback (on requestIds not logged yet) capped per key, expiring, and out of the review queue until
 * its row arrives; clientFeedbackId scoped to the key that sent it.
 */

const FEEDBACK = `mutation($input: SubmitFeedbackInput!) { submitFeedback(input: $input) { feedbackId created } }`;
const CLAIM = `mutation($input: ClaimReviewItemsInput!) { claimReviewItems(input: $input) { items { requestId } } }`;
const CORRECT = `mutation($input: SubmitCorrectionInput!) { submitCorrection(input: $input) { correction { id } } }`;
const ENTRY = `query($id: String!) { logEntry(requestId: $id) { requestId tags { name source } } }`;
const COMPACT = `mutation { compactLogs(input: { graceHours: 0 }) { job { id } } }`;
const JOB = `query($id: ID!) { job(id: $id) { state } }`;

interface Reply {
  status: number;
  retryAfter: string | null;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
}

/** One POST /graphql with its status and Retry-After header (the shared helper drops headers). */
async function post(base: string, query: string, variables: Record<string, unknown>, key: string): Promise<Reply> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Reply['body'] };
}

function assertOk(r: Reply, what: string): void {
  assert.equal(r.body.errors, undefined, `${what}: ${JSON.stringify(r.body.errors)}`);
  assert.equal(r.status, 200, what);
}

/** A refusal: 429, Retry-After in whole seconds, the same number in extensions.retryAfterSeconds. */
function assertLimited(r: Reply, what: string): number {
  assert.equal(r.status, 429, `${what}: status (${JSON.stringify(r.body)})`);
  const e = r.body.errors?.[0];
  assert.equal(e?.extensions?.code, 'RATE_LIMITED', `${what}: code`);
  assert.match(r.retryAfter ?? '', /^[1-9]\d*$/, `${what}: Retry-After header`);
  assert.equal(e?.extensions?.retryAfterSeconds, Number(r.retryAfter), `${what}: extensions.retryAfterSeconds`);
  assert.equal(e?.extensions?.http, undefined, `${what}: the http extension is not sent`);
  return Number(r.retryAfter);
}

let n = 0;
const uid = (prefix: string) => `${prefix}-${process.pid}-${Date.now().toString(36)}-${n++}`;
/** A requestId the sampler does not keep, so only references can protect its row. */
function unsampledId(prefix: string): string {
  for (;;) {
    const id = uid(prefix);
    if (sampleFraction(id) >= 0.05) return id;
  }
}

async function runJob(server: TestServer, name: string): Promise<void> {
  const id = await server.app.services.jobs.send(name, {});
  await waitFor(async () => (await server.app.services.jobs.status(id))?.state === 'completed', `the ${name} job`);
}

describe('rate limits per key (one process)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({
      RATE_LIMIT_FEEDBACK_PER_SECOND: '0.5',
      RATE_LIMIT_FEEDBACK_BURST: '4',
      RATE_LIMIT_INGEST_ROWS_PER_SECOND: '1',
      RATE_LIMIT_INGEST_BURST: '30',
      MAX_BATCH_SIZE: '20',
      RATE_LIMIT_REVIEW_PER_SECOND: '0.5',
      RATE_LIMIT_REVIEW_BURST: '3',
    });
  });
  after(() => server.stop());

  test('feedback: calls beyond the burst are refused 429 RATE_LIMITED with Retry-After; other keys are not affected; it passes again after Retry-After', async () => {
    const browser = await createKey(server, ['feedback'], 'web-a');
    const other = await createKey(server, ['feedback'], 'web-b');
    for (let i = 0; i < 4; i++) assertOk(await post(server.url, FEEDBACK, { input: { requestId: uid('rl-fb'), kind: 'THUMBS_UP' } }, browser), `call ${i + 1}`);
    const refused = await post(server.url, FEEDBACK, { input: { requestId: uid('rl-fb'), kind: 'THUMBS_DOWN' } }, browser);
    const wait = assertLimited(refused, 'the 5th call');
    assert.ok(wait >= 1 && wait <= 2, `Retry-After ${wait} s at 0.5 calls/s`);
    assert.equal(refused.body.data?.submitFeedback ?? null, null);
    // Another key has its own bucket.
    assertOk(await post(server.url, FEEDBACK, { input: { requestId: uid('rl-fb'), kind: 'THUMBS_UP' } }, other), 'another key');
    await new Promise((r) => setTimeout(r, wait * 1000 + 100));
    assertOk(await post(server.url, FEEDBACK, { input: { requestId: uid('rl-fb'), kind: 'THUMBS_UP' } }, browser), 'after Retry-After');
  });

  test('ingest is limited in rows, not calls: a batch counts its rows, and a refused batch stores nothing', async () => {
    const endpoint = await createKey(server, ['ingest'], 'rl-endpoint');
    const batch = (k: number) => Array.from({ length: k }, () => logInput({ requestId: uid('rl-in') }));
    assertOk(await post(server.url, LOG_BATCH_MUTATION, { input: { items: batch(20) } }, endpoint), 'first batch of 20');
    assertOk(await post(server.url, LOG_BATCH_MUTATION, { input: { items: batch(9) } }, endpoint), 'second batch of 9');
    // Two calls so far, 29 rows of a 30-row burst: a batch of 5 does not fit, a single row would.
    const refusedItems = batch(5);
    const refused = await post(server.url, LOG_BATCH_MUTATION, { input: { items: refusedItems } }, endpoint);
    const wait = assertLimited(refused, 'a batch of 5 over the row budget');
    assert.ok(wait >= 2 && wait <= 5, `Retry-After ${wait} s for ~4 missing rows at 1 row/s`);
    const stored = await server.sql(`SELECT count(*)::int AS n FROM inference_request WHERE request_id = ANY ($1::text[])`, [refusedItems.map((i) => i.requestId)]);
    assert.equal(stored[0].n, 0, 'nothing of the refused batch is stored');
    assertOk(await post(server.url, LOG_MUTATION, { input: logInput({ requestId: uid('rl-in') }) }, endpoint), 'a single row still fits');
    // The admin key (and every other key) has a budget of its own.
    assertOk(await post(server.url, LOG_BATCH_MUTATION, { input: { items: batch(20) } }, ADMIN_KEY), 'another key');
  });

  test('review: claims and corrections share one budget per key', async () => {
    const ana = await createKey(server, ['annotate'], 'rl-ana');
    for (let i = 0; i < 3; i++) assertOk(await post(server.url, CLAIM, { input: { count: 1 } }, ana), `claim ${i + 1}`);
    const refused = await post(server.url, CORRECT, { input: { requestId: uid('rl-rv'), completion: 'x' } }, ana);
    assertLimited(refused, 'a correction after three claims');
    const bob = await createKey(server, ['annotate'], 'rl-bob');
    assertOk(await post(server.url, CLAIM, { input: { count: 1 } }, bob), 'another annotator');
  });
});

describe('rate limits across API processes on one database', { skip: !usingRealPostgres && 'needs DATABASE_URL (the embedded database is single-process)' }, () => {
  const apis: MainProcess[] = [];
  let drop: (() => Promise<void>) | undefined;
  // Feedback: 10 calls/s, burst 10. Ingest: 500 rows/s, burst 500, batches of 10 rows.
  const FB_RATE = 10;
  const FB_BURST = 10;
  const ROW_RATE = 500;
  const ROW_BURST = 500;
  const LEASE_MS = 100;
  const admin = `fw_rl_admin_${crypto.randomBytes(12).toString('hex')}`;

  before(async () => {
    const fresh = await createFreshDatabase(process.env.DATABASE_URL!);
    drop = fresh.drop;
    const env = {
      DATABASE_URL: fresh.url,
      ADMIN_API_KEY: admin,
      USER_ID_HMAC_KEY: HMAC_KEY,
      API_KEY_CACHE_SECONDS: '0',
      RUN_WORKER: 'false',
      RATE_LIMIT_FEEDBACK_PER_SECOND: String(FB_RATE),
      RATE_LIMIT_FEEDBACK_BURST: String(FB_BURST),
      RATE_LIMIT_INGEST_ROWS_PER_SECOND: String(ROW_RATE),
      RATE_LIMIT_INGEST_BURST: String(ROW_BURST),
      RATE_LIMIT_LEASE_MS: String(LEASE_MS),
      MAX_BATCH_SIZE: '100',
    };
    apis.push(await startMain(env, 'flywheel-rl-a-')); // applies the migrations
    apis.push(await startMain(env, 'flywheel-rl-b-'));
  });
  after(async () => {
    await Promise.all(apis.map((a) => a.stop()));
    await drop?.();
  });

  /**
   * Drives `clients` concurrent callers, alternating between the two processes, for `seconds`; returns
   * the units admitted, the refusals and the elapsed time from the first send to the last answer.
   */
  async function hammer(key: string, seconds: number, clients: number, call: (i: number) => { query: string; variables: Record<string, unknown>; units: number }) {
    let admitted = 0;
    let refused = 0;
    let i = 0;
    const start = Date.now();
    const stopAt = start + seconds * 1000;
    await Promise.all(
      Array.from({ length: clients }, async (_, c) => {
        while (Date.now() < stopAt) {
          const { query, variables, units } = call(i++);
          const r = await post(apis[c % apis.length].base, query, variables, key);
          if (r.status === 429) {
            assertLimited(r, 'a refusal');
            refused++;
          } else {
            assertOk(r, 'an admitted call');
            admitted += units;
          }
        }
      }),
    );
    return { admitted, refused, elapsed: (Date.now() - start) / 1000 };
  }

  test('two processes together admit no more than one key’s limit, within the stated tolerance', async () => {
    const create = async (name: string, scopes: string[]) => {
      const r = await post(apis[0].base, `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, { input: { name, scopes } }, admin);
      assertOk(r, `createApiKey ${name}`);
      return r.body.data.createApiKey.secret as string;
    };
    const fbKey = await create('rl-web', ['FEEDBACK']);
    const ingestKey = await create('rl-ingest', ['INGEST']);

    // Tolerance: each process may hold up to 1.5 leases of L = max(1, rate × RATE_LIMIT_LEASE_MS) tokens
    // that it took from the shared bucket before the interval started.
    const tolerance = (rate: number) => 2 * 1.5 * Math.max(1, (rate * LEASE_MS) / 1000);

    const fb = await hammer(fbKey, 3, 8, () => ({ query: FEEDBACK, variables: { input: { requestId: uid('rl-x'), kind: 'THUMBS_UP' } }, units: 1 }));
    const fbLimit = FB_BURST + FB_RATE * fb.elapsed;
    console.log(`[rate-limits] feedback through 2 processes: ${fb.admitted} admitted, ${fb.refused} refused in ${fb.elapsed.toFixed(2)} s; limit ${fbLimit.toFixed(1)} + tolerance ${tolerance(FB_RATE)}`);
    assert.ok(fb.refused > 0, 'the limit was reached');
    assert.ok(fb.admitted <= fbLimit + tolerance(FB_RATE), `admitted ${fb.admitted} ≤ ${fbLimit.toFixed(1)} + ${tolerance(FB_RATE)}`);
    // Not stricter than the limit either (less the tokens one process may hold while the other asks).
    assert.ok(fb.admitted >= FB_RATE * fb.elapsed * 0.7, `admitted ${fb.admitted} ≥ 70% of ${(FB_RATE * fb.elapsed).toFixed(1)}`);

    const rows = await hammer(ingestKey, 3, 8, () => ({
      query: LOG_BATCH_MUTATION,
      variables: { input: { items: Array.from({ length: 10 }, () => logInput({ requestId: uid('rl-y') })) } },
      units: 10,
    }));
    const rowLimit = ROW_BURST + ROW_RATE * rows.elapsed;
    console.log(`[rate-limits] ingest through 2 processes: ${rows.admitted} rows admitted, ${rows.refused} batches refused in ${rows.elapsed.toFixed(2)} s; limit ${rowLimit.toFixed(0)} + tolerance ${tolerance(ROW_RATE)}`);
    assert.ok(rows.refused > 0, 'the row limit was reached');
    assert.ok(rows.admitted <= rowLimit + tolerance(ROW_RATE), `admitted ${rows.admitted} rows ≤ ${rowLimit.toFixed(0)} + ${tolerance(ROW_RATE)}`);
    assert.ok(rows.admitted >= ROW_RATE * rows.elapsed * 0.7, `admitted ${rows.admitted} rows ≥ 70% of ${(ROW_RATE * rows.elapsed).toFixed(0)}`);
  });
});

describe('pending feedback (requestIds not logged yet)', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer({ FEEDBACK_PENDING_MAX_PER_KEY: '5' });
  });
  after(() => server.stop());

  test('thumbs-down on never-logged ids writes no tag and no review item, and at most FEEDBACK_PENDING_MAX_PER_KEY wait per key', async () => {
    const browser = await createKey(server, ['feedback'], 'pending-web');
    const ids = Array.from({ length: 8 }, () => uid('never'));
    const replies = [];
    for (const requestId of ids) replies.push(await post(server.url, FEEDBACK, { input: { requestId, kind: 'THUMBS_DOWN' } }, browser));
    // The reply is the same as for a logged row: a FEEDBACK key learns nothing about which ids exist.
    for (const r of replies) {
      assertOk(r, 'pending feedback');
      assert.equal(r.body.data.submitFeedback.created, true);
    }
    const [{ tags }] = await server.sql(`SELECT count(*)::int AS tags FROM log_tag WHERE request_id = ANY ($1::text[])`, [ids]);
    const [{ items }] = await server.sql(`SELECT count(*)::int AS items FROM review_item WHERE request_id = ANY ($1::text[])`, [ids]);
    assert.deepEqual({ tags, items }, { tags: 0, items: 0 }, 'no tag and no review item for ids that were never logged');
    const kept: { request_id: string }[] = await server.sql(`SELECT request_id FROM feedback WHERE request_id = ANY ($1::text[]) ORDER BY created_at, request_id`, [ids]);
    assert.deepEqual(kept.map((k) => k.request_id).sort(), ids.slice(3).sort(), 'the 5 newest wait; the oldest were dropped');
    const queue = (await server.gql(`{ reviewQueue(first: 5) { nodes { requestId } } }`)).data.reviewQueue.nodes.map((x: any) => x.requestId);
    assert.ok(!queue.some((id: string) => ids.includes(id)), 'none of them is in the review queue');
    // The cap is per key: another key's pending feedback is not pushed out by this one's.
    const other = await createKey(server, ['feedback'], 'pending-web-2');
    const mine = uid('never-other');
    assertOk(await post(server.url, FEEDBACK, { input: { requestId: mine, kind: 'THUMBS_DOWN' } }, other), 'other key');
    for (let i = 0; i < 6; i++) assertOk(await post(server.url, FEEDBACK, { input: { requestId: uid('never'), kind: 'REPORT' } }, browser), 'more from the first key');
    const [{ left }] = await server.sql(`SELECT count(*)::int AS left FROM feedback WHERE request_id = $1`, [mine]);
    assert.equal(left, 1);
  });

  test('pending feedback joins its entry (tag, review queue) once the row is logged, through the feedback-match job', async () => {
    const browser = await createKey(server, ['feedback'], 'pending-web-3');
    const a = logInput({ requestId: unsampledId('late') });
    assertOk(await post(server.url, FEEDBACK, { input: { requestId: a.requestId, kind: 'THUMBS_DOWN' } }, browser), 'feedback first');
    assertOk(await post(server.url, LOG_MUTATION, { input: a }, ADMIN_KEY), 'then the row');
    await runJob(server, 'feedback-match');
    const entry = (await server.gql(ENTRY, { id: a.requestId })).data.logEntry;
    assert.deepEqual(entry.tags.map((t: any) => [t.name, t.source]), [['user_negative', 'USER_FEEDBACK']]);
    const [item] = await server.sql(`SELECT reason, ts IS NOT NULL AS has_ts FROM review_item WHERE request_id = $1`, [a.requestId]);
    assert.deepEqual({ ...item }, { reason: 'user_negative', has_ts: true });
    // Linked feedback no longer counts against the key's pending cap, and never expires.
    for (let i = 0; i < 6; i++) assertOk(await post(server.url, FEEDBACK, { input: { requestId: uid('never'), kind: 'THUMBS_UP' } }, browser), 'more pending');
    const [{ left }] = await server.sql(`SELECT count(*)::int AS left FROM feedback WHERE request_id = $1`, [a.requestId]);
    assert.equal(left, 1);
  });

  test('clientFeedbackId is scoped to the key that sent it: another key cannot squat or replay it', async () => {
    const [a, b, c] = [await createKey(server, ['feedback'], 'cfid-a'), await createKey(server, ['feedback'], 'cfid-b'), await createKey(server, ['feedback'], 'cfid-c')];
    const r1 = uid('cf');
    const r2 = uid('cf');
    const first = await post(server.url, FEEDBACK, { input: { requestId: r1, kind: 'THUMBS_UP', clientFeedbackId: 'order-1' } }, a);
    assertOk(first, 'key A');
    // Key B uses the same (predictable) id for its own click on another request: not refused.
    const onOther = await post(server.url, FEEDBACK, { input: { requestId: r2, kind: 'THUMBS_DOWN', clientFeedbackId: 'order-1' } }, b);
    assertOk(onOther, 'key B, same clientFeedbackId, another request');
    assert.equal(onOther.body.data.submitFeedback.created, true);
    // Key C on the same request: its click is recorded, not swallowed as a replay of key A's.
    const onSame = await post(server.url, FEEDBACK, { input: { requestId: r1, kind: 'THUMBS_DOWN', clientFeedbackId: 'order-1' } }, c);
    assertOk(onSame, 'key C, same clientFeedbackId, same request');
    assert.equal(onSame.body.data.submitFeedback.created, true);
    assert.notEqual(onSame.body.data.submitFeedback.feedbackId, first.body.data.submitFeedback.feedbackId);
    // Each key's retry is still idempotent, and finds its own click.
    for (const [key, requestId, reply] of [[a, r1, first], [b, r2, onOther], [c, r1, onSame]] as const) {
      const retry = await post(server.url, FEEDBACK, { input: { requestId, kind: 'REPORT', clientFeedbackId: 'order-1' } }, key);
      assertOk(retry, 'a retry');
      assert.deepEqual(retry.body.data.submitFeedback, { feedbackId: reply.body.data.submitFeedback.feedbackId, created: false });
    }
    const rows = await server.sql(`SELECT request_id, kind FROM feedback WHERE client_feedback_id = 'order-1' ORDER BY created_at, kind`);
    assert.deepEqual(rows.map((r: any) => [r.request_id, r.kind]).sort(), [
      [r1, 'THUMBS_DOWN'],
      [r1, 'THUMBS_UP'],
      [r2, 'THUMBS_DOWN'],
    ].sort());
  });
});

describe('pending feedback expires', () => {
  let server: TestServer;
  before(async () => {
    // 0.001 h = 3.6 s.
    server = await startTestServer({ FEEDBACK_PENDING_HOURS: '0.001' });
  });
  after(() => server.stop());

  test('after FEEDBACK_PENDING_HOURS the feedback-match job deletes it, and it pins nothing against compaction', async () => {
    const browser = await createKey(server, ['feedback'], 'expiring-web');
    const x = logInput({ requestId: unsampledId('exp'), occurredAt: '2026-01-05T00:00:00Z', responseLogprob: -0.1 });
    assertOk(await post(server.url, FEEDBACK, { input: { requestId: x.requestId, kind: 'THUMBS_DOWN' } }, browser), 'pending feedback');
    await new Promise((r) => setTimeout(r, 4000));
    await runJob(server, 'feedback-match');
    const [{ left }] = await server.sql(`SELECT count(*)::int AS left FROM feedback WHERE request_id = $1`, [x.requestId]);
    assert.equal(left, 0, 'expired pending feedback is deleted');
    // The row arrives after the feedback expired: nothing protects it, compaction may delete it.
    assertOk(await post(server.url, LOG_MUTATION, { input: x }, ADMIN_KEY), 'the row, late');
    const r = await server.gql(COMPACT);
    const id = r.data.compactLogs.job.id;
    await waitFor(async () => (await server.gql(JOB, { id })).data.job.state === 'COMPLETED', 'compaction');
    assert.equal((await server.gql(ENTRY, { id: x.requestId })).data.logEntry, null, 'the row was compacted');
  });
});
