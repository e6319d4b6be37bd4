import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from 'pg';
import { MainProcess, startMain } from './helpers/main-process';
import { PrivatePostgres, privatePostgresAvailable, startPrivatePostgres } from './helpers/private-postgres';
import { startWorker, WorkerProcess } from './helpers/worker-process';

/**
 * Issue 11: kill -9 the worker during a dataset build and during a webhook delivery. The real
 * `node dist/src/main.js` (RUN_WORKER=false) and `node dist/src/worker.js` processes on a PostgreSQL
 * cluster of the test's own. A worker is SIGKILLed while its job is active (mid-export, mid-POST); a
 * fresh worker picks the job up again once pg-boss notices the dead claim (its heartbeat stops:
 * heartbeatSeconds 10, found by the supervisor's monitor pass, up to a minute apart), and:
 * - the dataset version becomes READY once, with the contentHash of an undisturbed build of the same
 *   selection, one set of files, no `.partial` folder, one pg-boss job completed (after a retry);
 * - the webhook delivery ends DELIVERED; the receiver may see it more than once (at-least-once), but
 *   every attempt carries the same X-Flywheel-Delivery id and the same body, validly signed, so the
 *   receiver can deduplicate; the delivery log holds one delivery.
 */

/** Enough examples that the export takes a couple of seconds, so the kill lands mid-file. */
const EXAMPLES = 200_000;
const NAME = 'faults-kill';
const MODEL = 'faults-kill-v1';
/** How long the receiver holds every answer: the kill lands while a POST is in flight. */
const HOLD_MS = 3000;
/** Generous: the heartbeat (10 s), the supervisor's monitor pass (up to 60 s), the retry backoff. */
const RECOVERY_DEADLINE_MS = 150_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rawId = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1];

/** Every file under `dir`, as paths relative to it, sorted. */
function walk(dir: string, prefix = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? [`${prefix}${e.name}/`, ...walk(path.join(dir, e.name), `${prefix}${e.name}/`)] : [`${prefix}${e.name}`]))
    .sort();
}

interface Attempt {
  at: number;
  delivery: string;
  event: string;
  timestamp: string;
  raw: string;
  signatureValid: boolean;
  fresh: boolean;
  /** The POSTing process went away before the answer was written (it was killed). */
  clientGone: boolean;
  answered: boolean;
}

/** A receiver as the README tells one to write it (raw-body HMAC, constant-time compare, fresh timestamp), slow to answer. */
async function startReceiver(secretOf: () => string) {
  const attempts: Attempt[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const timestamp = String(req.headers['x-flywheel-timestamp']);
      const expected = Buffer.from(`sha256=${crypto.createHmac('sha256', secretOf()).update(`${timestamp}.${raw}`).digest('hex')}`);
      const given = Buffer.from(String(req.headers['x-flywheel-signature']));
      const a: Attempt = {
        at: Date.now(),
        delivery: String(req.headers['x-flywheel-delivery']),
        event: String(req.headers['x-flywheel-event']),
        timestamp,
        raw,
        signatureValid: given.length === expected.length && crypto.timingSafeEqual(given, expected),
        fresh: Math.abs(Date.now() / 1000 - Number(timestamp)) < 300,
        clientGone: false,
        answered: false,
      };
      attempts.push(a);
      res.on('close', () => {
        if (!res.writableFinished) a.clientGone = true;
      });
      setTimeout(() => {
        if (a.clientGone || res.destroyed) return;
        a.answered = true;
        res.statusCode = 204;
        res.end();
      }, HOLD_MS);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/flywheel`,
    attempts,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('kill -9 the worker mid-job: the job completes once, the hash is the same (issue 11)', { skip: !privatePostgresAvailable && 'no PostgreSQL binaries here' }, () => {
  let pg: PrivatePostgres;
  let main: MainProcess;
  let db: Client;
  let exportDir: string;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  let env: NodeJS.ProcessEnv;
  const workers: WorkerProcess[] = [];
  const admin = `fw_fault_admin_${crypto.randomBytes(16).toString('hex')}`;
  /** The undisturbed build: its global id and hash. */
  let reference: { id: string; hash: string };

  const gql = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await fetch(`${main.base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    assert.ok(!body.errors, JSON.stringify(body.errors));
    return body.data;
  };
  const sql = async (text: string, params: unknown[] = []) => (await db.query(text, params)).rows;
  const worker = async () => {
    const w = await startWorker(env);
    workers.push(w);
    return w;
  };
  const waitFor = async <T>(fn: () => Promise<T | null | undefined | false>, what: string, timeoutMs: number, intervalMs = 250): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = await fn();
      if (v) return v;
      if (Date.now() > deadline) {
        const out = workers.map((w) => `--- worker ${w.pid} (${w.alive() ? 'alive' : 'dead'}):\n${w.output().slice(-2000)}`).join('\n');
        throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}\n${out}`);
      }
      await sleep(intervalMs);
    }
  };

  before(async () => {
    pg = await startPrivatePostgres();
    exportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'flywheel-fault-exports-'));
    env = {
      DATABASE_URL: pg.url,
      RUN_WORKER: 'false',
      ADMIN_API_KEY: admin,
      USER_ID_HMAC_KEY: crypto.randomBytes(32).toString('hex'),
      API_KEY_CACHE_SECONDS: '0',
      EXPORT_DIR: exportDir,
      WEBHOOK_RETRY_DELAY_SECONDS: '1',
      WEBHOOK_MAX_ATTEMPTS: '3',
    };
    main = await startMain(env, 'flywheel-fault-kill-');
    db = new Client({ connectionString: pg.url });
    await db.connect();
    // Fixture rows straight in SQL (as test/dataset-worker.test.ts): the API path is covered elsewhere; here only the size matters.
    const t0 = Date.now();
    await sql(
      `WITH rows AS (
         SELECT i, timestamptz '2026-03-01' + i * interval '1 second' AS ts, 'fk-' || lpad(i::text, 6, '0') AS id FROM generate_series(1, $1) i
       ), reg AS (INSERT INTO inference_request (request_id, ts) SELECT id, ts FROM rows)
       INSERT INTO inference_log (ts, request_id, model_version, prompt, response, latency_ms, keep_reasons)
       SELECT ts, id, $2, 'How do I change the shipping address of order ' || i || ' after it was placed? "quotes" \\ and ünïcode', 'I cannot help.', 100, '{SAMPLED}' FROM rows`,
      [EXAMPLES, MODEL],
    );
    await sql(
      `INSERT INTO correction (request_id, completion, source, annotator, status, prompt_key, completion_key)
       SELECT request_id, 'Open Orders, pick order ' || substr(request_id, 4) || E', then Change address.\\nDone.', 'OPERATOR', 'fixture', 'ACCEPTED',
              md5(prompt), md5(request_id) FROM inference_log WHERE model_version = $1`,
      [MODEL],
    );
    console.log(`[faults] seeded ${EXAMPLES} corrected log rows in ${Date.now() - t0} ms`);
  });

  after(async () => {
    for (const w of workers) await w.stop().catch(() => undefined);
    await receiver?.close();
    await db?.end().catch(() => undefined);
    await main?.stop();
    pg?.destroy();
    if (exportDir) fs.rmSync(exportDir, { recursive: true, force: true });
  });

  const CREATE = `mutation($input: CreateDatasetVersionInput!) { createDatasetVersion(input: $input) { datasetVersion { id version job { id } } } }`;
  const VERSION = `query($id: ID!) { datasetVersion(id: $id) { id version status contentHash exampleCount validationCount error files { name sha256 bytes lines } job { id state retryCount progress { phase done total percent } output } } }`;
  const INPUT = { input: { name: NAME, modelVersions: [MODEL], systemPrompt: 'You are the support assistant.', validationFraction: 0.1, formats: ['SFT', 'PREFERENCE'] } };

  test('dataset build: a worker killed mid-export; a fresh worker finishes it once, with the undisturbed hash', async () => {
    await worker();
    // The undisturbed build of the selection.
    let t0 = Date.now();
    const clean = (await gql(CREATE, INPUT)).createDatasetVersion.datasetVersion;
    const cleanDone = await waitFor(
      async () => {
        const v = (await gql(VERSION, { id: clean.id })).datasetVersion;
        return v.status === 'READY' || v.status === 'FAILED' ? v : null;
      },
      'the undisturbed build',
      120_000,
    );
    assert.equal(cleanDone.status, 'READY', cleanDone.error);
    assert.equal(cleanDone.exampleCount, EXAMPLES);
    reference = { id: clean.id, hash: cleanDone.contentHash };
    console.log(`[faults] dataset: undisturbed build READY in ${Date.now() - t0} ms, contentHash ${reference.hash}`);

    // The same selection again; the worker is killed while the file is being written.
    const victim = workers[workers.length - 1];
    const created = (await gql(CREATE, INPUT)).createDatasetVersion.datasetVersion;
    const versionId = rawId(created.id);
    const jobId = rawId(created.job.id);
    const partialDir = path.join(exportDir, NAME, `v${created.version}.partial`);
    const jobRow = async () =>
      (
        await sql(
          `SELECT j.state::text AS state, j.retry_count AS "retryCount", r.progress, d.status FROM pgboss.job j
             LEFT JOIN job_run r ON r.job_id = j.id JOIN dataset_version d ON d.id = $2 WHERE j.id = $1`,
          [jobId, versionId],
        )
      )[0] as { state: string; retryCount: number; progress: any; status: string } | undefined;
    const during = await waitFor(
      async () => {
        const j = await jobRow();
        const p = j?.progress;
        return j?.state === 'active' && p?.phase === 'EXPORT' && p.done > 0 && p.done < p.total ? j : null;
      },
      'the export to be under way',
      60_000,
      50,
    );
    await victim.kill();
    const killedAt = Date.now();
    assert.equal(victim.alive(), false);
    assert.equal(during.status, 'BUILDING');
    assert.ok(fs.existsSync(partialDir), 'the kill landed mid-file: the private folder is there');
    const afterKill = await jobRow();
    assert.equal(afterKill?.status, 'BUILDING', 'nothing marks it READY (or FAILED) after the kill');
    assert.equal(afterKill?.state, 'active', 'pg-boss still thinks the dead worker has it');
    console.log(`[faults] dataset: worker ${victim.pid} SIGKILLed at export ${during.progress.done}/${during.progress.total} rows (attempt retryCount ${during.retryCount})`);

    await worker();
    // Every state the version and its job go through until it is done, and when.
    const timeline: string[] = [];
    let last = '';
    let retryActiveAt: number | null = null;
    const done = await waitFor(
      async () => {
        const j = (await jobRow())!;
        const key = `${j.status}/${j.state}/${j.retryCount}`;
        if (key !== last) timeline.push(`+${((Date.now() - killedAt) / 1000).toFixed(1)}s ${key}`);
        last = key;
        if (retryActiveAt === null && j.state === 'active' && j.retryCount > during.retryCount) retryActiveAt = Date.now();
        return j.state === 'completed' || j.state === 'failed' || j.status === 'READY' || j.status === 'FAILED' ? j : null;
      },
      'a fresh worker to pick the job up again and finish it (the dead claim is found by its missing heartbeat)',
      RECOVERY_DEADLINE_MS,
    );
    const recoveredAt = Date.now();
    // The version turns READY just before pg-boss records the job completed.
    await waitFor(async () => ['completed', 'failed'].includes((await jobRow())!.state), 'the job to be settled', 30_000);
    // Settled: let anything that would run twice show itself.
    await sleep(2000);
    const v = (await gql(VERSION, { id: created.id })).datasetVersion;
    console.log(`[faults] dataset: timeline (version status/job state/retryCount) ${timeline.join(' → ')}`);
    console.log(
      `[faults] dataset: recovered in ${recoveredAt - killedAt} ms after the kill (job claimed again after ${retryActiveAt ? retryActiveAt - killedAt : '?'} ms); job retryCount ${v.job.retryCount}; contentHash ${v.contentHash} (undisturbed ${reference.hash})`,
    );
    assert.ok(done, 'done');
    assert.equal(v.status, 'READY', v.error);
    assert.equal(v.job.state, 'COMPLETED');
    assert.ok(v.job.retryCount >= 1, 'the build ran again after the kill');
    assert.equal(v.contentHash, reference.hash, 'the same bytes as the undisturbed build');
    assert.equal(v.exampleCount, EXAMPLES);
    assert.equal(v.validationCount, cleanDone.validationCount);
    assert.deepEqual(
      v.files.map((f: any) => [f.name, f.sha256, f.bytes, f.lines]),
      cleanDone.files.map((f: any) => [f.name, f.sha256, f.bytes, f.lines]),
      'every file as in the undisturbed build',
    );
    assert.equal(v.job.output.contentHash, reference.hash);
    // READY once: the status never went anywhere else on the way, and it stayed READY.
    assert.ok(!timeline.some((t) => t.includes('FAILED') || t.includes('/failed/')), timeline.join(' → '));
    assert.ok(timeline.slice(0, -1).every((t) => !t.includes(' READY/')) && timeline[timeline.length - 1].includes(' READY/'), timeline.join(' → '));

    // pg-boss: one job for the version, completed once; nothing else queued or running for it.
    const jobs = await sql(
      `SELECT id, state::text AS state, retry_count AS "retryCount", output FROM pgboss.job WHERE name = 'dataset-build' AND data->>'datasetVersionId' = $1`,
      [versionId],
    );
    assert.equal(jobs.length, 1, JSON.stringify(jobs));
    assert.equal(jobs[0].state, 'completed');
    assert.equal(jobs[0].output.contentHash, reference.hash);
    const all = await sql(`SELECT state::text AS state, count(*)::int AS n FROM pgboss.job WHERE name = 'dataset-build' GROUP BY 1`);
    assert.deepEqual(all, [{ state: 'completed', n: 2 }], 'two builds, two completed jobs, nothing pending');
    console.log(`[faults] dataset: pg-boss jobs ${JSON.stringify(all)}, the killed build's job retry_count ${jobs[0].retryCount}`);

    // The database: two versions of the name, each READY, and the killed one's membership once.
    const versions = await sql(`SELECT version, status, content_hash AS hash FROM dataset_version WHERE name = $1 ORDER BY version`, [NAME]);
    assert.deepEqual(
      versions.map((r) => [r.status, r.hash]),
      [
        ['READY', reference.hash],
        ['READY', reference.hash],
      ],
    );
    const [members] = await sql(`SELECT count(*)::int AS n, count(DISTINCT request_id)::int AS d FROM dataset_example WHERE dataset_version_id = $1`, [versionId]);
    assert.deepEqual(members, { n: EXAMPLES, d: EXAMPLES }, 'one membership, not one per attempt');

    // The disk: one set of files per version, no leftover folder or temp file, the bytes hash to contentHash.
    const files = walk(exportDir);
    const cleanFiles = walk(path.join(exportDir, NAME, `v${clean.version}`));
    assert.deepEqual(
      files,
      [`${NAME}/`, ...[clean.version, created.version].sort().flatMap((n) => [`${NAME}/v${n}/`, ...cleanFiles.map((f) => `${NAME}/v${n}/${f}`)])],
      'no .partial folder or temp file is left',
    );
    assert.deepEqual(cleanFiles, ['manifest.json', 'preference.jsonl', 'preference_validation.jsonl', 'train.jsonl', 'validation.jsonl']);
    const onDisk = crypto.createHash('sha256').update(fs.readFileSync(path.join(exportDir, NAME, `v${created.version}`, 'train.jsonl'))).digest('hex');
    assert.equal(onDisk, reference.hash);
    const manifest = JSON.parse(fs.readFileSync(path.join(exportDir, NAME, `v${created.version}`, 'manifest.json'), 'utf8'));
    assert.equal(manifest.sha256, reference.hash);
    assert.equal(manifest.version, created.version);
  });

  test('webhook delivery: a worker killed while the POST is in flight; a fresh worker delivers it, same id and body on every attempt', async () => {
    let secret = '';
    receiver = await startReceiver(() => secret);
    const hook = (await gql(`mutation($input: CreateWebhookInput!) { createWebhook(input: $input) { secret webhook { id } } }`, { input: { url: receiver.url, events: ['PROMOTED'] } })).createWebhook;
    secret = hook.secret;
    const victim = workers.find((w) => w.alive()) ?? (await worker());

    // A PROMOTED event: adopt v1, a succeeded training run on the undisturbed dataset makes v2, promote it.
    const line = 'faults-line';
    await gql(`mutation($input: AdoptDeploymentInput!) { adoptDeployment(input: $input) { deployment { id } } }`, { input: { modelLine: line, modelVersion: `${line}-v1` } });
    const run = (
      await gql(`mutation($input: RegisterTrainingRunInput!) { registerTrainingRun(input: $input) { trainingRun { id } } }`, {
        input: { datasetVersionId: reference.id, baseModelVersion: `${line}-v1`, candidateModelVersion: `${line}-v2` },
      })
    ).registerTrainingRun.trainingRun;
    await gql(`mutation($input: UpdateTrainingRunInput!) { updateTrainingRun(input: $input) { trainingRun { id } } }`, { input: { runId: run.id, status: 'SUCCEEDED' } });
    const promoted = (await gql(`mutation($input: PromoteInput!) { promote(input: $input) { deployment { id } } }`, { input: { runId: run.id } })).promote.deployment;

    const first = await waitFor(async () => receiver!.attempts[0], 'the first POST to reach the receiver', 60_000, 20);
    await victim.kill();
    const killedAt = Date.now();
    const [row] = await sql(`SELECT id, status, attempts FROM webhook_delivery`);
    assert.equal(row.status, 'PENDING', 'the killed attempt delivered nothing');
    const [jobBefore] = await sql(`SELECT state::text AS state, retry_count AS "retryCount" FROM pgboss.job WHERE name = 'webhook-delivery' AND data->>'deliveryId' = $1`, [row.id]);
    assert.equal(jobBefore.state, 'active', 'pg-boss still thinks the dead worker has it');
    console.log(`[faults] webhook: worker ${victim.pid} SIGKILLed ${killedAt - first.at} ms into the first POST (held ${HOLD_MS} ms by the receiver)`);

    await worker();
    const delivered = await waitFor(
      async () => {
        const [d] = await sql(`SELECT status, attempts, last_status_code AS "lastStatusCode" FROM webhook_delivery WHERE id = $1`, [row.id]);
        return d.status !== 'PENDING' ? d : null;
      },
      'a fresh worker to deliver it (the dead claim is found by its missing heartbeat)',
      RECOVERY_DEADLINE_MS,
    );
    const recoveredAt = Date.now();
    // Settled: anything that would POST again shows itself.
    await sleep(HOLD_MS + 2000);
    const attempts = receiver.attempts;
    const [job] = await sql(`SELECT state::text AS state, retry_count AS "retryCount" FROM pgboss.job WHERE name = 'webhook-delivery' AND data->>'deliveryId' = $1`, [row.id]);
    const log = (
      await gql(`query($id: ID!) { node(id: $id) { ... on Webhook { deliveries(first: 20) { totalCount nodes { id event status attempts lastStatusCode lastError deliveredAt } } } } }`, { id: hook.webhook.id })
    ).node.deliveries;
    console.log(
      `[faults] webhook: DELIVERED ${recoveredAt - killedAt} ms after the kill; receiver saw ${attempts.length} POSTs (${attempts.filter((a) => a.clientGone).length} cut off by the kill, ${attempts.filter((a) => a.answered).length} answered 204); delivery log attempts ${delivered.attempts}; job ${job.state}, retryCount ${job.retryCount}`,
    );

    assert.equal(delivered.status, 'DELIVERED');
    assert.equal(delivered.lastStatusCode, 204);
    assert.equal(job.state, 'completed');
    assert.ok(job.retryCount >= 1, 'the delivery job ran again after the kill');
    const jobs = await sql(`SELECT state::text AS state, count(*)::int AS n FROM pgboss.job WHERE name = 'webhook-delivery' GROUP BY 1`);
    assert.deepEqual(jobs, [{ state: 'completed', n: 1 }], 'one delivery job, completed once');

    // The log: one delivery, completed.
    assert.equal(log.totalCount, 1);
    assert.deepEqual([rawId(log.nodes[0].id), log.nodes[0].event, log.nodes[0].status, log.nodes[0].lastStatusCode], [row.id, 'PROMOTED', 'DELIVERED', 204]);
    assert.ok(log.nodes[0].deliveredAt);

    // At least once: the cut-off POST and the one that delivered. Every attempt names the same delivery and
    // carries the same bytes, validly signed with a fresh timestamp: a receiver dedupes on X-Flywheel-Delivery.
    assert.ok(attempts.length >= 2, `the receiver saw the killed attempt and the retry (${attempts.length})`);
    assert.equal(attempts[0].clientGone, true, 'the first POST was cut off by the kill');
    assert.ok(attempts.some((a) => a.answered), 'an attempt was answered');
    for (const a of attempts) {
      assert.equal(a.delivery, row.id, 'X-Flywheel-Delivery is the delivery id on every attempt');
      assert.equal(a.event, 'PROMOTED');
      assert.equal(a.raw, attempts[0].raw, 'the same body on every attempt');
      assert.equal(a.signatureValid, true, 'X-Flywheel-Signature verifies on every attempt');
      assert.equal(a.fresh, true, 'a fresh X-Flywheel-Timestamp on every attempt');
    }
    const body = JSON.parse(attempts[0].raw);
    assert.equal(body.deliveryId, row.id, 'the body names the delivery too');
    assert.equal(body.event, 'PROMOTED');
    assert.equal(body.data.deploymentId, promoted.id);
    assert.equal(new Set(attempts.map((a) => a.delivery)).size, 1, 'one delivery id: the receiver dedupes to one event');
  });
});
