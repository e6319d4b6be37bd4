/**
 * `npm run bench:export` — dataset export (issue 9 point 6), in one run on one scratch database:
 *   ours:  `createDatasetVersion(input: {name: "bench-<size>", from, to})` over HTTP with the admin key,
 *          then `datasetVersion(id) { status job { progress { phase done } } }` polled until READY. Wall time from the
 *          create request to READY seen → examples/s. The service runs in its own process, started fresh
 *          for each size, so its peak RSS (VmRSS sampled every 100 ms from /proc/<pid>/status during the
 *          build, and VmHWM at the end) belongs to that size alone.
 *   COPY:  the raw ceiling, `psql -c "\copy (SELECT row_to_json(x) FROM (<the same prompt/completion
 *          join, as chat messages>) x) TO STDOUT"` of the same rows, its stdout sha256-hashed and its
 *          lines counted here (the build hashes its file too). Run before and after each build; the
 *          faster run is the ceiling. psql's peak RSS (VmHWM) is printed for reference.
 * Sizes: 100 000 and 1 000 000 examples. Ratios are printed last. Targets: our export's rows/s (from
 * the first progress report of the export phase to READY) ≥ 0.5× COPY's at each size — the whole
 * build's ratio, quality gate and membership included (work COPY does not do), is printed beside it;
 * our peak RSS at 1M ≤ 1.2× our peak RSS at 100k.
 *
 * Data: N (default 1 000 000) log rows seeded with raw SQL (generate_series), ~300-char prompts, ~200-char
 * responses, and one ACCEPTED OPERATOR correction (~200 chars) per row. prompt_key / completion_key are
 * md5s of the (per-row distinct) texts, so the gate finds no duplicates, conflicts or contamination and
 * every candidate becomes an example. Rows are one second apart from BASE_TS, so the 100k version is
 * the same table filtered with from/to over its first 100 000 seconds: one seed of 1M rows serves both
 * sizes (the 100k build also runs against a 1M-row table, which is the realistic case: a version is a
 * slice of the log). Both builds use a from/to filter so both plan the same statements.
 *
 * keep_reasons are '{}' (compactable), but compaction never touches them here: received_at is now() (the
 * grace window needs both clocks past it), every row is referenced by a correction, and
 * SAMPLING_GRACE_HOURS is set to ten years so the scheduled compaction's candidate walk (every 15 min)
 * finds an empty index range instead of scanning 1M rows in the middle of a measurement.
 *
 * Bounds: each build gets BENCH_BUILD_TIMEOUT_S (default 240 s); a build still running then is
 * cancelled through `cancelJob` and reported as unfinished, with the rows it had exported, its peak RSS
 * so far and an upper bound on its rows/s. Each COPY gets 120 s, the whole run 15 min.
 *
 * Env: DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test; a scratch database is created
 * beside it and dropped), BENCH_ROWS (default 1000000; the sizes are 100 000 and BENCH_ROWS, so use
 * more than 100 000), BENCH_BUILD_TIMEOUT_S, BENCH_SERVER_NODE_ARGS (extra node flags for the
 * service, e.g. "--cpu-prof"). Export files go to a temporary EXPORT_DIR that is removed at the end.
 */
import { ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Pool } from 'pg';
import { Pool as HttpPool } from 'undici';

const BASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const SIZES = [Math.min(100_000, ROWS), ROWS];
const PORT = 43_000 + (process.pid % 1000);
const BASE_TS = Date.parse('2026-11-01T00:00:00Z');
const POLL_MS = 200;
const RSS_SAMPLE_MS = 100;
/** Everything is bounded: one build, one COPY, the whole run. */
/** One build's bound (BENCH_BUILD_TIMEOUT_S): past it the build is cancelled and reported as unfinished. */
const BUILD_TIMEOUT_S = Number(process.env.BENCH_BUILD_TIMEOUT_S ?? 240);
const COPY_TIMEOUT_MS = 120_000;
const RUN_TIMEOUT_MS = 15 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MB`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

// ---------------------------------------------------------------------------------------------------
// Seed data: realistic support-chat text, distinct per row (the order number is in every text).

const PRODUCTS = [
  'pair of trail running shoes',
  'stainless steel espresso machine',
  'noise-cancelling headset',
  'set of ceramic cookware',
  'convertible child car seat',
  'wireless mechanical keyboard',
  'electric standing desk frame',
];
const WHEN = ['last week', 'about ten days ago', 'on the first of the month'];
/** PROBLEMS[i] and FIXES[i] go together: the correction answers the prompt's problem. */
const PROBLEMS = [
  'it arrived with a cracked housing and no power cable in the box',
  'the tracking page has not been updated for six days now',
  'my card statement shows I was charged twice for the same item',
  'the colour is clearly different from the photos on the product page',
  'one of the parts does not fit the way the manual describes',
];
const DETAILS = [
  'The courier told me to contact the seller instead.',
  'The box was visibly damaged and I took photos of it.',
  'I need it for a trip at the end of next week.',
  'This is the second time this has happened to me this year.',
  'I still have the original packaging and the receipt.',
  'I checked the FAQ page but found nothing about this.',
];
const ASKS = [
  'whether I can get a replacement or a refund, and how long it takes',
  'how the return process works and who pays for the return shipping',
  'if there is anything I can do now, or whether I should wait longer',
  'who I should talk to, because the chat bot keeps sending me in circles',
];
const NAMES = ['Maria', 'Tom', 'Aiko', 'Daniel', 'Priya', 'Lukas', 'Fatima', 'Chen', 'Olivia'];
const RESPONSES = [
  'We are sorry for the inconvenience. Please check our help centre for the return policy and contact us again if the issue persists.',
  'Thanks for your patience. Orders usually arrive within 5-7 business days; if it has not arrived by then, please get back to us.',
  'We understand your frustration. Our team will look into this and get back to you as soon as possible, usually within 48 hours.',
  'Please note that we cannot process refunds through this chat. Kindly fill in the form on our website and attach your receipt.',
];
const FIXES = [
  'I have started a free replacement, including the cable; a prepaid label for the damaged one is in your email.',
  'The parcel is stuck at the regional depot. I have asked the courier to re-route it and refunded the shipping fee.',
  'You are right, the second charge is a duplicate. I have reversed it; it shows on your card within 3-5 days.',
  'The listing photo was wrong, sorry. You can keep it with a 20% refund, or return it free with the label I sent.',
  'That part was changed in a later batch. A corrected part ships today, and the updated manual is in your email.',
];

/** g = first..last, one second apart from BASE_TS; one ACCEPTED correction each. One statement per 100k rows. */
async function seed(pool: Pool, first: number, last: number): Promise<void> {
  for (let from = first; from <= last; from += 100_000) {
    const to = Math.min(last, from + 99_999);
    await pool.query(
      `WITH g AS (
         SELECT g, timestamptz '${new Date(BASE_TS).toISOString()}' + (g - 1) * interval '1 second' AS ts,
           'Hi, I ordered a ' || ($3::text[])[1 + g % 7] || ' (order #' || (100000 + g) || ') ' || ($4::text[])[1 + g % 3] || ' and '
             || ($5::text[])[1 + (g / 7) % 5] || '. ' || ($6::text[])[1 + (g / 3) % 6] || ' Could you tell me ' || ($7::text[])[1 + (g / 5) % 4]
             || '? Thanks, ' || ($8::text[])[1 + g % 9] || '.' AS prompt,
           'Thank you for contacting us about order #' || (100000 + g) || '. ' || ($9::text[])[1 + (g / 11) % 4] AS response,
           'Sorry about the trouble with order #' || (100000 + g) || ', ' || ($8::text[])[1 + g % 9] || '. ' || ($10::text[])[1 + (g / 7) % 5]
             || ' Anything else, just reply here.' AS completion
         FROM generate_series($1::int, $2::int) g
       ),
       r AS (INSERT INTO inference_request (request_id, ts) SELECT 'req-' || g, ts FROM g),
       l AS (
         INSERT INTO inference_log (ts, request_id, model_version, prompt, response, latency_ms, response_logprob, keep_reasons)
         SELECT ts, 'req-' || g, CASE WHEN g % 2 = 0 THEN 'bench-a' ELSE 'bench-b' END, prompt, response, 200 + g % 900, -((g % 30) / 10.0), '{}'::text[]
         FROM g
       )
       INSERT INTO correction (request_id, completion, source, annotator, status, prompt_key, completion_key, reviewed_by, reviewed_at)
       SELECT 'req-' || g, completion, 'OPERATOR', 'bench-annotator', 'ACCEPTED', md5(prompt), md5(completion), 'bench-annotator', now() FROM g`,
      [from, to, PRODUCTS, WHEN, PROBLEMS, DETAILS, ASKS, NAMES, RESPONSES, FIXES],
    );
  }
}

// ---------------------------------------------------------------------------------------------------
// /proc readings.

/** kB from /proc/<pid>/status, or null once the process is gone. */
function procMem(pid: number): { rss: number; hwm: number } | null {
  try {
    const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const rss = Number(/^VmRSS:\s+(\d+)/m.exec(s)?.[1]);
    const hwm = Number(/^VmHWM:\s+(\d+)/m.exec(s)?.[1]);
    return Number.isFinite(rss) && Number.isFinite(hwm) ? { rss, hwm } : null;
  } catch {
    return null;
  }
}

const TICKS = 100; // USER_HZ on Linux
/** CPU seconds (user + system) of one process. */
function procCpu(pid: number): number {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** CPU seconds of every postgres process on this machine (the server is local and otherwise idle). */
function postgresCpu(): number {
  let total = 0;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      if (s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')) !== 'postgres') continue;
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      total += (Number(f[11]) + Number(f[12])) / TICKS;
    } catch {
      /* gone */
    }
  }
  return total;
}

/** Samples a process's VmRSS every RSS_SAMPLE_MS; `peak` is the largest sample, `hwm` the last VmHWM read. */
class RssSampler {
  peak = 0;
  hwm = 0;
  samples = 0;
  private timer: NodeJS.Timeout;
  constructor(private readonly pid: number) {
    this.sample();
    this.timer = setInterval(() => this.sample(), RSS_SAMPLE_MS);
  }
  sample(): void {
    const m = procMem(this.pid);
    if (!m) return;
    this.samples++;
    this.peak = Math.max(this.peak, m.rss);
    this.hwm = Math.max(this.hwm, m.hwm);
  }
  stop(): void {
    this.sample();
    clearInterval(this.timer);
  }
}

// ---------------------------------------------------------------------------------------------------
// The service, in its own process, on the scratch database (which outlives it: one seed, two services).

interface Service {
  pid: number;
  gql(query: string, variables?: unknown): Promise<any>;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

async function startService(dbUrl: string, adminKey: string, hmacKey: string, exportDir: string): Promise<Service> {
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.resolve(__dirname, '../src/main.js')], {
    env: {
      ...process.env,
      DATABASE_URL: dbUrl,
      ADMIN_API_KEY: adminKey,
      USER_ID_HMAC_KEY: hmacKey,
      PORT: String(PORT),
      HOST: '127.0.0.1',
      NODE_ENV: 'production',
      EXPORT_DIR: exportDir,
      SAMPLING_GRACE_HOURS: String(24 * 3650),
      API_KEY_CACHE_SECONDS: '3600',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const http = new HttpPool(`http://127.0.0.1:${PORT}`, { connections: 2, pipelining: 1 });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(t);
    }
    await http.close().catch(() => undefined);
  };
  try {
    for (let i = 0; ; i++) {
      if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode} while starting`);
      try {
        const res = await http.request({ path: '/readyz', method: 'GET' });
        await res.body.dump();
        if (res.statusCode === 200) break;
      } catch {
        /* not up yet */
      }
      if (i > 300) throw new Error('service did not become ready in 30 s');
      await sleep(100);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    pid: child.pid!,
    async gql(query, variables = {}) {
      const res = await http.request({
        path: '/graphql',
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${adminKey}` },
        body: JSON.stringify({ query, variables }),
        headersTimeout: 30_000,
        bodyTimeout: 30_000,
      });
      const body: any = await res.body.json();
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    },
    stop,
  };
}

// ---------------------------------------------------------------------------------------------------
// The two measurements.

interface OurResult {
  examples: number;
  /** False when the build did not reach READY within BUILD_TIMEOUT_S (it was cancelled then). */
  finished: boolean;
  /** Rows the export had written when READY, or when the bound was reached. */
  rowsDone: number;
  wallS: number;
  serverS: number;
  /** From the create request to the first poll that saw phase "export" (job pickup + gate + membership insert). */
  gateS: number;
  exportS: number;
  /** Export rows/s over the first and the last quarter of the rows written (from the progress polls). */
  firstQuarterRate: number;
  lastQuarterRate: number;
  idleRssKb: number;
  peakRssKb: number;
  hwmKb: number;
  rssSamples: number;
  nodeCpuS: number;
  pgCpuS: number;
  fileBytes: number;
  accepted: number | null;
}

const tsWindow = (size: number) => ({ from: new Date(BASE_TS).toISOString(), to: new Date(BASE_TS + size * 1000).toISOString() });

/** Export rows/s between the polls that saw rowsDone cross `from` and `to` (fractions of `total`). */
function rateBetween(points: { t: number; rows: number }[], total: number, from: number, to: number): number {
  const a = points.find((p) => p.rows >= from * total);
  const b = points.find((p) => p.rows >= to * total);
  return a && b && b.t > a.t ? (b.rows - a.rows) / (b.t - a.t) : NaN;
}

async function buildOurs(svc: Service, pool: Pool, size: number, exportDir: string): Promise<OurResult> {
  await sleep(1000); // let the boot-time work (schedules, first polls) settle before the idle reading
  const idle = procMem(svc.pid)!;
  const sampler = new RssSampler(svc.pid);
  const cpu0 = procCpu(svc.pid);
  const pg0 = postgresCpu();
  const t0 = process.hrtime.bigint();
  const since = () => Number(process.hrtime.bigint() - t0) / 1e9;
  const created = await svc.gql(
    `mutation($input: CreateDatasetVersionInput!) { createDatasetVersion(input: $input) { datasetVersion { id version status job { id } } } }`,
    { input: { name: `bench-${size}`, ...tsWindow(size) } },
  );
  const id: string = created.createDatasetVersion.datasetVersion.id;
  const jobId: string = created.createDatasetVersion.datasetVersion.job.id;
  let gateS = NaN;
  const points: { t: number; rows: number }[] = [];
  let last: any;
  let finished = true;
  for (;;) {
    last = (await svc.gql(`query($id: ID!) { datasetVersion(id: $id) { status error exampleCount job { state progress { phase done total percent } } } }`, { id })).datasetVersion;
    if (last.status === 'READY') {
      points.push({ t: since(), rows: size });
      break;
    }
    if (last.status === 'FAILED') throw new Error(`bench-${size} FAILED: ${last.error}`);
    const progress = last.job?.progress;
    if (progress?.phase === 'EXPORT') {
      if (Number.isNaN(gateS)) gateS = since();
      points.push({ t: since(), rows: progress.done });
    }
    if (since() > BUILD_TIMEOUT_S) {
      finished = false;
      break;
    }
    await sleep(POLL_MS);
  }
  const wallS = since();
  sampler.stop();
  const nodeCpuS = procCpu(svc.pid) - cpu0;
  const pgCpuS = postgresCpu() - pg0;
  const final = procMem(svc.pid)!;
  const exportS = wallS - gateS;
  const common = {
    examples: size,
    finished,
    wallS,
    gateS,
    exportS,
    firstQuarterRate: rateBetween(points, size, 0, 0.25),
    lastQuarterRate: rateBetween(points, size, 0.75, 1),
    idleRssKb: idle.rss,
    peakRssKb: sampler.peak,
    hwmKb: Math.max(final.hwm, sampler.hwm),
    rssSamples: sampler.samples,
    nodeCpuS,
    pgCpuS,
  };
  if (!finished) {
    // Bounded: cancel (the build stops before its next batch, leaves no files and no membership) and
    // report how far it got.
    const rowsDone = points.length ? points[points.length - 1].rows : 0;
    console.log(`[bench] bench-${size} not READY after ${BUILD_TIMEOUT_S} s (phase ${last.job?.progress?.phase}, ${fmt(rowsDone)} rows exported): cancelling`);
    await svc.gql(`mutation($id: ID!) { cancelJob(input: {jobId: $id}) { job { state } } }`, { id: jobId }).catch((e) => console.error(`[bench] cancelJob: ${e.message}`));
    for (let i = 0; i < 100; i++) {
      const v = (await svc.gql(`query($id: ID!) { datasetVersion(id: $id) { status } }`, { id })).datasetVersion;
      if (v.status === 'FAILED') break;
      await sleep(300);
    }
    return { ...common, rowsDone, serverS: NaN, fileBytes: NaN, accepted: null };
  }
  const [row] = (
    await pool.query(
      `SELECT example_count AS n, extract(epoch FROM built_at - created_at)::float8 AS server_s, files, quality_report AS q, name, version
       FROM dataset_version WHERE id = (SELECT id FROM dataset_version WHERE name = $1 AND status = 'READY')`,
      [`bench-${size}`],
    )
  ).rows;
  if (row.n !== size) throw new Error(`bench-${size}: ${row.n} examples, expected ${size} (quality report: ${JSON.stringify(row.q)})`);
  const file = path.join(exportDir, row.name, `v${row.version}`, 'train.jsonl');
  const fileBytes = fs.statSync(file).size;
  if (row.files['train.jsonl'].lines !== size || row.files['train.jsonl'].bytes !== fileBytes) throw new Error(`bench-${size}: train.jsonl does not hold ${size} lines`);
  return { ...common, rowsDone: size, serverS: row.server_s, fileBytes, accepted: row.q.accepted };
}

interface CopyResult {
  rows: number;
  bytes: number;
  wallS: number;
  psqlHwmKb: number;
  sha256: string;
}

/** The raw ceiling: psql streams the same join as chat-message JSON; we hash its stdout and count its lines. */
async function copyCeiling(dbUrl: string, size: number): Promise<CopyResult> {
  const w = tsWindow(size);
  const sql =
    `\\copy (SELECT row_to_json(x) FROM (SELECT json_build_array(json_build_object('role', 'user', 'content', l.prompt), ` +
    `json_build_object('role', 'assistant', 'content', c.completion)) AS messages ` +
    `FROM inference_log l JOIN correction c ON c.request_id = l.request_id AND c.status = 'ACCEPTED' ` +
    `WHERE l.ts >= '${w.from}' AND l.ts < '${w.to}') x) TO STDOUT`;
  const hash = crypto.createHash('sha256');
  let rows = 0;
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  const child = spawn('/usr/bin/psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', dbUrl, '-c', sql], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  const sampler = new RssSampler(child.pid!);
  const timer = setTimeout(() => child.kill('SIGKILL'), COPY_TIMEOUT_MS);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  child.stdout!.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows++;
  });
  // VmHWM is read on every sample: the last one before exit holds psql's peak.
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  const wallS = Number(process.hrtime.bigint() - t0) / 1e9;
  clearTimeout(timer);
  sampler.stop();
  running.delete(child);
  if (code !== 0) throw new Error(`psql exited with ${code}: ${stderr}`);
  if (rows !== size) throw new Error(`COPY returned ${rows} rows, expected ${size}`);
  return { rows, bytes, wallS, psqlHwmKb: sampler.hwm, sha256: hash.digest('hex') };
}

// ---------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const dbName = `fw_bench_export_${process.pid}`;
  const admin = new Client({ connectionString: BASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(BASE_URL);
  url.pathname = `/${dbName}`;
  const dbUrl = url.toString();
  const exportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'fw-bench-export-'));
  const adminKey = 'fw_bench_admin_key_' + crypto.randomBytes(16).toString('hex');
  const hmacKey = crypto.randomBytes(32).toString('hex');
  const pool = new Pool({ connectionString: dbUrl, max: 2 });
  pool.on('error', () => undefined);
  let services: Service[] = [];
  const cleanup = async () => {
    for (const s of services) await s.stop().catch(() => undefined);
    services = [];
    for (const c of running) c.kill('SIGKILL'); // only children this process started (psql on a timeout path)
    await pool.end().catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch((e) => console.error(`[bench] could not drop ${dbName}: ${e.message}`));
    await admin.end().catch(() => undefined);
    fs.rmSync(exportDir, { recursive: true, force: true });
  };
  const watchdog = setTimeout(() => {
    console.error(`[bench] the run took longer than ${RUN_TIMEOUT_MS / 60_000} min: stopping`);
    cleanup().finally(() => process.exit(1));
  }, RUN_TIMEOUT_MS);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => cleanup().finally(() => process.exit(130)));

  try {
    // Migrations: a first service start creates the schema; it stops before the data exists.
    let svc = await startService(dbUrl, adminKey, hmacKey, exportDir);
    services.push(svc);
    await svc.stop();
    services = [];

    console.log(`[bench] seeding ${fmt(ROWS)} log rows + requests + ACCEPTED corrections…`);
    let t = Date.now();
    await seed(pool, 1, ROWS);
    const seedS = (Date.now() - t) / 1000;
    t = Date.now();
    await pool.query('VACUUM ANALYZE');
    await pool.query('CHECKPOINT');
    const lens = (
      await pool.query(
        `SELECT avg(length(l.prompt))::int AS p, avg(length(l.response))::int AS r, avg(length(c.completion))::int AS c
         FROM inference_log l JOIN correction c USING (request_id) WHERE l.ts < $1`,
        [tsWindow(10_000).to],
      )
    ).rows[0];
    console.log(`[bench] seeded in ${seedS.toFixed(0)} s, VACUUM ANALYZE + CHECKPOINT ${((Date.now() - t) / 1000).toFixed(0)} s; mean lengths: prompt ${lens.p}, response ${lens.r}, correction ${lens.c} chars`);

    const results: { size: number; ours: OurResult; copy: CopyResult[] }[] = [];
    for (const size of SIZES) {
      const copy: CopyResult[] = [await copyCeiling(dbUrl, size)];
      console.log(`[bench] ${fmt(size)}: COPY ${copy[0].wallS.toFixed(2)} s`);
      svc = await startService(dbUrl, adminKey, hmacKey, exportDir);
      services.push(svc);
      const ours = await buildOurs(svc, pool, size, exportDir);
      await svc.stop();
      services = [];
      // A cancelled build's last statement may still run in its backend after the process exits: end
      // the service's sessions in the scratch database so the next COPY runs alone.
      await pool.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'flywheel%'`);
      console.log(`[bench] ${fmt(size)}: build ${ours.finished ? '' : 'NOT FINISHED after '}${ours.wallS.toFixed(2)} s, peak RSS ${mb(ours.peakRssKb)}`);
      copy.push(await copyCeiling(dbUrl, size));
      console.log(`[bench] ${fmt(size)}: COPY ${copy[1].wallS.toFixed(2)} s`);
      results.push({ size, ours, copy });
    }

    const best = (c: CopyResult[]) => c.reduce((a, b) => (b.wallS < a.wallS ? b : a));
    const ourRate = (o: OurResult) => (o.finished ? o.examples / o.wallS : NaN);
    console.log(`\nFlywheel export benchmark: PostgreSQL, ${fmt(ROWS)} log rows each with one ACCEPTED correction; SFT train.jsonl, no validation split\n`);
    for (const { size, ours, copy } of results) {
      const c = best(copy);
      console.log(`${fmt(size)} examples:`);
      if (ours.finished) {
        console.log(
          `    ours  createDatasetVersion → READY: ${ours.wallS.toFixed(2)} s wall = ${fmt(ourRate(ours))} examples/s (server built_at − created_at ${ours.serverS.toFixed(2)} s)`,
        );
      } else {
        console.log(
          `    ours  createDatasetVersion → NOT READY after ${ours.wallS.toFixed(2)} s (bound BENCH_BUILD_TIMEOUT_S=${BUILD_TIMEOUT_S}; cancelled): ` +
            `${fmt(ours.rowsDone)} of ${fmt(size)} rows exported; examples/s < ${fmt(size / ours.wallS)}`,
        );
      }
      console.log(
        `          job pickup + gate + membership ${Number.isNaN(ours.gateS) ? `still running at ${ours.wallS.toFixed(0)} s` : `${ours.gateS.toFixed(2)} s`}; export ${ours.exportS.toFixed(2)} s for ${fmt(ours.rowsDone)} rows = ${fmt(ours.rowsDone / ours.exportS)} rows/s ` +
          `(first quarter of the rows ${Number.isNaN(ours.firstQuarterRate) ? "not reached" : `${fmt(ours.firstQuarterRate)} rows/s`}, last quarter ${Number.isNaN(ours.lastQuarterRate) ? 'not reached' : `${fmt(ours.lastQuarterRate)} rows/s`})`,
      );
      console.log(
        `          service RSS idle ${mb(ours.idleRssKb)}, peak ${mb(ours.peakRssKb)} (${ours.rssSamples} samples), VmHWM ${mb(ours.hwmKb)}; ` +
          `CPU during the build: service ${ours.nodeCpuS.toFixed(1)} s, postgres ${ours.pgCpuS.toFixed(1)} s` +
          (ours.finished ? `; train.jsonl ${(ours.fileBytes / 1e6).toFixed(0)} MB; gate accepted ${fmt(ours.accepted ?? NaN)}` : ''),
      );
      console.log(
        `    COPY  psql \\copy row_to_json TO STDOUT, sha256: ${c.wallS.toFixed(2)} s = ${fmt(size / c.wallS)} rows/s ` +
          `(runs before/after: ${copy.map((x) => x.wallS.toFixed(2)).join(', ')} s; ${(c.bytes / 1e6).toFixed(0)} MB); psql peak RSS (VmHWM) ${mb(Math.max(...copy.map((x) => x.psqlHwmKb)))}`,
      );
    }
    console.log('');
    for (const { size, ours, copy } of results) {
      const copyRate = size / best(copy).wallS;
      if (ours.finished) {
        // The target compares the export with COPY of the same rows; the gate (dedup, conflicts,
        // contamination, membership insert), which COPY does not do, is shown beside it.
        const exportRatio = ours.rowsDone / ours.exportS / copyRate;
        const wholeRatio = ourRate(ours) / copyRate;
        console.log(
          `ours / COPY rows/s at ${fmt(size)}: export ${exportRatio.toFixed(2)}× (target ≥ 0.50)${exportRatio >= 0.5 ? '' : '  MISSED'}; ` +
            `whole build incl. gate ${wholeRatio.toFixed(2)}×`,
        );
      } else {
        console.log(`ours / COPY rows/s at ${fmt(size)}: < ${(size / ours.wallS / copyRate).toFixed(3)}× (not finished within ${BUILD_TIMEOUT_S} s) (target ≥ 0.50)  MISSED`);
      }
    }
    const small = results[0].ours;
    const large = results[results.length - 1].ours;
    const rssRatio = large.peakRssKb / small.peakRssKb;
    console.log(
      `our peak RSS at ${fmt(large.examples)} / at ${fmt(small.examples)}: ${rssRatio.toFixed(2)}× (${mb(large.peakRssKb)} / ${mb(small.peakRssKb)}; VmHWM ${(large.hwmKb / small.hwmKb).toFixed(2)}×) (target ≤ 1.20)` +
        `${rssRatio <= 1.2 ? '' : '  MISSED'}${large.finished ? '' : ` — the ${fmt(large.examples)} build did not finish: its peak covers ${large.wallS.toFixed(0)} s and ${fmt(large.rowsDone)} exported rows`}`,
    );
  } finally {
    clearTimeout(watchdog);
    await cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
