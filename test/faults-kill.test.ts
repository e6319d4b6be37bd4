import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { count, gql, must, outcomeCode, poll, sleep, spread, sql, tally } from './helpers/fault-client';
import { MainProcess, startMain } from './helpers/main-process';
import { PrivatePostgres, privatePostgresAvailable, startPrivatePostgres } from './helpers/private-postgres';

/**
 * Issue 11 (reliability): `kill -9` of the service, again and again, during sustained ingestion. The
 * real `node dist/src/main.js` on a PostgreSQL cluster of the test's own is killed with SIGKILL KILLS
 * times, each after a random few hundred ms of load, and started again on the same database. Four
 * clients keep sending all along (two `logInference` one row at a time, two `logInferences` batches of
 * BATCH): each requestId is new (randomUUID), a call that got no answer (connection refused or reset by
 * the kill, 503) is resent with the same requestIds until it is answered, and a requestId counts as
 * acknowledged only once a reply's data names it. Resending is what a client must do after a lost
 * answer, and `requestId` makes it safe: at the end every acknowledged requestId is in the database
 * exactly once, in the log (`inference_log`) and in the idempotency register (`inference_request`,
 * where request ids are unique), with its hourly counter, auto-flag tag and review item committed with
 * it.
 */
const KILLS = 20;
const BATCH = 50;
const MODEL = 'kill-v1';
/** The rows a flagged (low-confidence) answer is sent with: about a quarter of them. */
const LOW_LOGPROB = -3.5;

const LOG_ONE = `mutation($input: LogInferenceInput!) { logInference(input: $input) { requestId created keepReasons } }`;
const LOG_MANY = `mutation($input: LogInferencesInput!) { logInferences(input: $input) { results { requestId created keepReasons } } }`;

interface Item {
  requestId: string;
  modelVersion: string;
  prompt: string;
  response: string;
  latencyMs: number;
  responseLogprob: number;
}

describe('kill -9 under sustained ingestion (private cluster)', { skip: !privatePostgresAvailable && 'no PostgreSQL binaries here' }, () => {
  let pg: PrivatePostgres;
  let main: MainProcess | null = null;
  const admin = `fw_fault_admin_${crypto.randomBytes(12).toString('hex')}`;
  const env = () => ({ DATABASE_URL: pg.url, ADMIN_API_KEY: admin, USER_ID_HMAC_KEY: crypto.randomBytes(32).toString('hex'), API_KEY_CACHE_SECONDS: '0' });
  let mainEnv: Record<string, string>;
  let ingestKey: string;

  before(async () => {
    pg = await startPrivatePostgres();
    mainEnv = env();
    main = await startMain(mainEnv, 'flywheel-kill-');
    const created = must(
      await gql<{ createApiKey: { secret: string } }>(main.base, admin, `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`, {
        input: { name: 'kill-test-endpoint', scopes: ['INGEST'] },
      }),
      'createApiKey',
    );
    ingestKey = created.createApiKey.secret;
  });
  after(async () => {
    await main?.stop();
    pg?.destroy();
  });

  test(`${KILLS} × kill -9 while 4 clients ingest (single and batched): every acknowledged requestId is stored exactly once`, { timeout: 600_000 }, async () => {
    const t0 = Date.now();
    /** Where the service answers now; null while it is down (clients wait). */
    let base: string | null = main!.base;
    let stopping = false;
    const acknowledged = new Set<string>();
    const sentItems = new Map<string, Item>();
    const errors = new Map<string, number>();
    const figures = { calls: 0, resends: 0, replays: 0, partial: 0, inFlight: 0, inFlightAtKill: [] as number[] };
    let seq = 0;

    const newItem = (): Item => {
      const n = ++seq;
      const item: Item = {
        requestId: crypto.randomUUID(),
        modelVersion: MODEL,
        prompt: `Where is order ${n}? It has not arrived yet.`,
        response: `Order ${n} left the warehouse yesterday.`,
        latencyMs: 20 + (n % 200),
        // Some answers below LOW_CONFIDENCE_LOGPROB (-3): those rows also get an auto-flag tag and a review item.
        responseLogprob: n % 4 === 0 ? LOW_LOGPROB : -0.25,
      };
      sentItems.set(item.requestId, item);
      return item;
    };

    /** One client: sends `size` new rows per call (single mutation when size is 1), resends until answered. */
    const client = async (size: number) => {
      let pending: Item[] | null = null;
      while (!stopping) {
        const at = base;
        if (at === null) {
          await sleep(25);
          continue;
        }
        if (pending === null) pending = Array.from({ length: size }, newItem);
        else figures.resends++;
        figures.calls++;
        figures.inFlight++;
        const r =
          size === 1
            ? await gql<{ logInference: { requestId: string; created: boolean } }>(at, ingestKey, LOG_ONE, { input: pending[0] }, 30_000)
            : await gql<{ logInferences: { results: { requestId: string; created: boolean }[] } }>(at, ingestKey, LOG_MANY, { input: { items: pending } }, 30_000);
        figures.inFlight--;
        const code = outcomeCode(r);
        if (code !== 'ok') {
          count(errors, code);
          await sleep(r.networkError ? 25 : 100);
          continue;
        }
        const results = size === 1 ? [(r.data as { logInference: { requestId: string; created: boolean } }).logInference] : (r.data as { logInferences: { results: { requestId: string; created: boolean }[] } }).logInferences.results;
        const answered = new Set<string>();
        for (const res of results ?? []) {
          if (!res) continue;
          answered.add(res.requestId);
          if (!res.created) figures.replays++;
        }
        const unanswered: Item[] = pending.filter((p) => !answered.has(p.requestId));
        for (const p of pending) if (answered.has(p.requestId)) acknowledged.add(p.requestId);
        if (unanswered.length > 0) {
          // A success that does not name every item: keep resending the rest (and count it: it should not happen).
          figures.partial++;
          pending = unanswered;
        } else pending = null;
      }
    };

    const clients = [client(1), client(1), client(BATCH), client(BATCH)];
    const restartMs: number[] = [];
    const acksBetweenKills: number[] = [];
    const loadMsBeforeKill: number[] = [];
    let kills = 0;
    let restarts = 0;
    try {
      for (let k = 0; k < KILLS; k++) {
        // Load first: wait until this incarnation has acknowledged something, then a random few hundred ms more.
        const acksAtStart = acknowledged.size;
        const loadStart = Date.now();
        while (acknowledged.size === acksAtStart) {
          assert.ok(Date.now() - loadStart < 60_000, `no acknowledgement within 60 s after restart ${restarts}:\n${main!.output().slice(-3000)}`);
          await sleep(10);
        }
        await sleep(150 + Math.floor(Math.random() * 650));
        assert.ok(main!.alive(), `the service died on its own before kill ${k + 1}:\n${main!.output().slice(-3000)}`);
        loadMsBeforeKill.push(Date.now() - loadStart);
        acksBetweenKills.push(acknowledged.size - acksAtStart);

        const victim = main!;
        figures.inFlightAtKill.push(figures.inFlight);
        process.kill(victim.pid, 'SIGKILL');
        kills++;
        const killedAt = Date.now();
        while (victim.alive()) {
          assert.ok(Date.now() - killedAt < 30_000, 'the killed process exits');
          await sleep(10);
        }
        base = null;
        await victim.stop(); // already dead: this only removes its data dir
        main = null;

        const startedAt = Date.now();
        main = await startMain(mainEnv, 'flywheel-kill-');
        restarts++;
        restartMs.push(Date.now() - startedAt);
        base = main.base;
      }
      // A last stretch of load on the final incarnation, so the resends of the last kill are answered too.
      const acksAtEnd = acknowledged.size;
      const lastStretch = Date.now();
      while (acknowledged.size < acksAtEnd + 4 * BATCH) {
        assert.ok(Date.now() - lastStretch < 60_000, `ingestion goes on after the last restart:\n${main!.output().slice(-3000)}`);
        await sleep(20);
      }
    } finally {
      stopping = true;
      await Promise.all(clients);
    }
    assert.ok(main!.alive(), `the last incarnation is running:\n${main!.output().slice(-3000)}`);
    await main!.stop();
    main = null;
    // Every incarnation is gone: none of their sessions may linger in the server (20 kills' worth would exhaust max_connections).
    const lingering = async () =>
      (await sql<{ n: number }>(pg.url, `SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`))[0].n;
    await poll(async () => (await lingering()) === 0, 'the sessions of the killed processes to end', 30_000).catch(async (err) => {
      throw new Error(`${(err as Error).message}: ${await lingering()} sessions left`);
    });
    const sessionsLeft = await lingering();

    // Straight from the database: per acknowledged requestId, its log rows, its register row, its tag and queue item.
    const ids = [...acknowledged];
    const logged = await sql<{ request_id: string; n: number; prompt: string; response_logprob: number }>(
      pg.url,
      `SELECT request_id, count(*)::int AS n, min(prompt) AS prompt, min(response_logprob) AS response_logprob
       FROM inference_log WHERE request_id = ANY ($1::text[]) GROUP BY 1`,
      [ids],
    );
    const registered = await sql<{ request_id: string }>(pg.url, `SELECT request_id FROM inference_request WHERE request_id = ANY ($1::text[])`, [ids]);
    const byId = new Map(logged.map((r) => [r.request_id, r]));
    const lost = ids.filter((id) => !byId.has(id));
    const duplicated = logged.filter((r) => r.n !== 1).map((r) => r.request_id);
    const wrongContent = logged.filter((r) => r.prompt !== sentItems.get(r.request_id)!.prompt).map((r) => r.request_id);
    // Whole-table checks, acknowledged or not: no requestId twice in the log, the register and the log agree row for
    // row (nothing is compacted within the grace window), and the hourly counters count each stored row once.
    const [whole] = await sql<{ log_rows: number; log_ids: number; register_rows: number; orphans: number; unlogged: number; counted: number }>(
      pg.url,
      `SELECT (SELECT count(*)::int FROM inference_log) AS log_rows,
              (SELECT count(DISTINCT request_id)::int FROM inference_log) AS log_ids,
              (SELECT count(*)::int FROM inference_request) AS register_rows,
              (SELECT count(*)::int FROM inference_log l WHERE NOT EXISTS (SELECT 1 FROM inference_request r WHERE r.request_id = l.request_id AND r.ts = l.ts)) AS orphans,
              (SELECT count(*)::int FROM inference_request r WHERE NOT EXISTS (SELECT 1 FROM inference_log l WHERE l.request_id = r.request_id AND l.ts = r.ts)) AS unlogged,
              (SELECT coalesce(sum(received), 0)::int FROM ingest_stats_hourly WHERE model_version = $1) AS counted`,
      [MODEL],
    );
    // Auto flags are written in the same statement as the row: every stored low-confidence row has its tag and its review item.
    const [flags] = await sql<{ low: number; tagged: number; queued: number }>(
      pg.url,
      `SELECT count(*)::int AS low,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM log_tag t WHERE t.request_id = l.request_id AND t.tag = 'low_confidence' AND t.removed_at IS NULL))::int AS tagged,
              count(*) FILTER (WHERE EXISTS (SELECT 1 FROM review_item ri WHERE ri.request_id = l.request_id))::int AS queued
       FROM inference_log l WHERE l.response_logprob < -3`,
    );
    const unacknowledgedStored = whole.log_ids - logged.length;

    const duration = Date.now() - t0;
    console.log(`[faults] kill -9: kills ${kills}, restarts ${restarts}, total duration ${(duration / 1000).toFixed(1)} s`);
    console.log(`[faults] kill -9: acknowledged ${ids.length}, found ${logged.length}, lost ${lost.length}, duplicated ${duplicated.length}, in the register ${registered.length}, wrong content ${wrongContent.length}`);
    console.log(
      `[faults] kill -9: calls ${figures.calls}, resends ${figures.resends}, replies created=false (a resend of a row that was committed but not acknowledged, or resent twice) ${figures.replays}, ` +
        `stored but never acknowledged ${unacknowledgedStored}, sent ${sentItems.size}, partial answers ${figures.partial}`,
    );
    console.log(`[faults] kill -9: errors by code: ${tally(errors)}`);
    console.log(`[faults] kill -9: restart to /readyz 200 (ms): ${spread(restartMs)}; load before each kill (ms): ${spread(loadMsBeforeKill)}; acks per incarnation: ${spread(acksBetweenKills)}; calls in flight at a kill: ${spread(figures.inFlightAtKill)}`);
    console.log(`[faults] kill -9: whole table: log rows ${whole.log_rows} (distinct ids ${whole.log_ids}), register ${whole.register_rows}, log rows without register ${whole.orphans}, register without log ${whole.unlogged}, hourly counter ${whole.counted}`);
    console.log(`[faults] kill -9: database sessions left once every incarnation is gone: ${sessionsLeft}`);
    console.log(`[faults] kill -9: low-confidence rows ${flags.low}, with their tag ${flags.tagged}, in the review queue ${flags.queued}`);

    assert.equal(kills, KILLS);
    assert.equal(restarts, KILLS);
    assert.ok(ids.length > 0);
    assert.deepEqual(lost, [], 'no acknowledged requestId is lost');
    assert.deepEqual(duplicated, [], 'no acknowledged requestId is stored twice');
    assert.equal(registered.length, ids.length, 'every acknowledged requestId is in the idempotency register');
    assert.deepEqual(wrongContent, [], 'each stored row is the one sent under its requestId');
    assert.equal(figures.partial, 0, 'a successful reply names every item of its call');
    assert.equal(whole.log_rows, whole.log_ids, 'no requestId twice in inference_log, acknowledged or not');
    assert.equal(whole.orphans, 0, 'every log row has its register row');
    assert.equal(whole.unlogged, 0, 'every register row has its log row');
    assert.equal(whole.counted, whole.log_rows, 'the hourly counters count each stored row once, resends included');
    assert.equal(flags.tagged, flags.low, 'every low-confidence row has its auto-flag tag');
    assert.equal(flags.queued, flags.low, 'every low-confidence row is in the review queue');
  });
});
