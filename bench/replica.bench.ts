/**
 * `npm run bench:replica` — dashboard read throughput with and without a read replica, while ingestion
 * runs. A private primary and a streaming replica of it (`pg_basebackup -R`, both on loopback, as in
 * test/read-replica.test.ts), ROWS (default 200,000) log rows over 30 days, and two service processes on
 * that primary: one without DATABASE_READ_URL, one with it. In each phase, INGEST_CLIENTS clients send
 * `logInferences` batches of 200 rows while READERS clients fetch dashboard pages (`logEntries(first: 50)`
 * of one model version and a random day, with tags) for SECONDS seconds. Phases alternate between the
 * two services, ROUNDS times; the median round of each is reported. The raw-pg ceiling is the same two
 * statements a page costs (the page, then its tags) from READERS plain `pg` connections on the replica,
 * with the same ingestion running.
 *
 * Both servers share this machine's cores: the replica adds a second server's buffers and backends, not
 * CPU. Its value here is the primary's connections and I/O kept for writes; on a separate host it also
 * adds CPU.
 *
 * Env: BENCH_ROWS (200000), BENCH_SECONDS (10), BENCH_ROUNDS (3), BENCH_READERS (8), BENCH_INGEST_CLIENTS (2).
 */
import { Pool } from 'pg';
import { startBenchService, BenchService } from './bench-service';
import { PrivatePostgres, privatePostgresAvailable, startPrivatePostgres, startStreamingReplica } from '../test/helpers/private-postgres';

const ROWS = Number(process.env.BENCH_ROWS ?? 200_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const READERS = Number(process.env.BENCH_READERS ?? 8);
const INGEST_CLIENTS = Number(process.env.BENCH_INGEST_CLIENTS ?? 2);
const BATCH = 200;
const PORT = 43_000 + (process.pid % 1000);
const DAY = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00Z');

const PAGE = `query($f: LogEntryFilter) { logEntries(first: 50, filter: $f) { nodes { requestId occurredAt prompt response latencyMs tags { name } } pageInfo { hasNextPage endCursor } } }`;
const LOG_MANY = `mutation($input: LogInferencesInput!) { logInferences(input: $input) { results { requestId } } }`;
// The statements the service runs for PAGE (src/services/log-query.service.ts, src/loaders/tag.loader.ts).
const RAW_PAGE = `SELECT l.request_id AS "requestId", l.ts, l.model_version AS "modelVersion", l.prompt, l.response, l.latency_ms AS "latencyMs",
  l.user_id_hash AS "userIdHash", l.response_logprob AS "responseLogprob", l.flagged, l.metadata, l.keep_reasons AS "keepReasons", l.received_at AS "receivedAt"
  FROM inference_log l WHERE l.ts >= $1 AND l.ts < $2 AND l.model_version = $3 ORDER BY l.ts DESC, l.request_id DESC LIMIT 51`;
const RAW_TAGS = `SELECT request_id, id::text AS id, tag AS name, source, actor, created_at AS "createdAt" FROM log_tag
  WHERE request_id = ANY ($1::text[]) AND removed_at IS NULL ORDER BY created_at, id`;

interface Figures {
  pagesPerSecond: number;
  p50Ms: number;
  ingestRowsPerSecond: number;
  /** Rows the primary read per second (pg_stat_database tup_returned + tup_fetched): the load a replica takes away. */
  primaryRowsReadPerSecond: number;
}

/** Rows read so far on the primary's database (statistics are flushed within about a second). */
async function primaryRowsRead(primary: Pool): Promise<number> {
  const { rows } = await primary.query(`SELECT (tup_returned + tup_fetched)::float8 AS n FROM pg_stat_database WHERE datname = current_database()`);
  return rows[0].n;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** A random dashboard page: one model version, one day of the 30. */
function randomWindow(): { from: string; to: string; modelVersion: string } {
  const from = START + Math.floor(Math.random() * 29) * DAY + Math.floor(Math.random() * 24) * 3_600_000;
  return { from: new Date(from).toISOString(), to: new Date(from + DAY).toISOString(), modelVersion: Math.random() < 0.5 ? 'bench-a' : 'bench-b' };
}

let seq = 0;
/** Runs `read` from READERS loops while `ingestVia` ingests, for SECONDS. */
async function phase(read: () => Promise<void>, ingestVia: BenchService, primary: Pool): Promise<Figures> {
  const readBefore = await primaryRowsRead(primary);
  const deadline = Date.now() + SECONDS * 1000;
  const latencies: number[] = [];
  let rows = 0;
  const readers = Array.from({ length: READERS }, async () => {
    while (Date.now() < deadline) {
      const t0 = performance.now();
      await read();
      latencies.push(performance.now() - t0);
    }
  });
  const ingesters = Array.from({ length: INGEST_CLIENTS }, async () => {
    while (Date.now() < deadline) {
      const items = Array.from({ length: BATCH }, () => ({
        requestId: `live-${process.pid}-${++seq}`,
        modelVersion: 'bench-live',
        prompt: `Live question ${seq}: how do I reset my password?`,
        response: 'Open Settings → Security → Reset password.',
        latencyMs: 100 + (seq % 500),
      }));
      await ingestVia.gql(LOG_MANY, { input: { items } });
      rows += BATCH;
    }
  });
  const t0 = Date.now();
  await Promise.all([...readers, ...ingesters]);
  const seconds = (Date.now() - t0) / 1000;
  // PostgreSQL 15 flushes backend statistics at most once a second: wait that long before reading them.
  await new Promise((r) => setTimeout(r, 1500));
  const primaryRowsReadPerSecond = ((await primaryRowsRead(primary)) - readBefore) / seconds;
  return { pagesPerSecond: latencies.length / seconds, p50Ms: median(latencies), ingestRowsPerSecond: rows / seconds, primaryRowsReadPerSecond };
}

async function generate(pool: Pool): Promise<void> {
  const step = (30 * DAY) / ROWS;
  for (let from = 1; from <= ROWS; from += 100_000) {
    const to = Math.min(ROWS, from + 99_999);
    await pool.query(
      `WITH g AS (SELECT g, timestamptz '2026-01-01T00:00:00Z' + ((g - 1) * $3::float8) * interval '1 millisecond' AS ts FROM generate_series($1::int, $2::int) g),
       r AS (INSERT INTO inference_request (request_id, ts) SELECT 'r' || g, ts FROM g)
       INSERT INTO inference_log (ts, request_id, model_version, prompt, response, latency_ms, response_logprob, keep_reasons)
       SELECT ts, 'r' || g, CASE WHEN g % 2 = 0 THEN 'bench-a' ELSE 'bench-b' END,
              'Question ' || g || ': ' || repeat(md5(g::text), 6), 'Answer: ' || repeat(md5((g + 7)::text), 4), 100 + g % 900, -((g % 50) / 10.0), '{}'::text[]
       FROM g`,
      [from, to, step],
    );
  }
  // One row in 20 tagged, so the nested tags statement returns something.
  await pool.query(`INSERT INTO log_tag (request_id, tag, source, actor) SELECT request_id, 'operator_review', 'OPERATOR', 'bench' FROM inference_log WHERE latency_ms % 20 = 0`);
  await pool.query('VACUUM ANALYZE');
}

async function caughtUp(primary: Pool, replica: Pool): Promise<void> {
  const [{ lsn }] = (await primary.query(`SELECT pg_current_wal_lsn()::text AS lsn`)).rows;
  for (;;) {
    const [{ done }] = (await replica.query(`SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done`, [lsn])).rows;
    if (done) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main(): Promise<void> {
  if (!privatePostgresAvailable) throw new Error('bench:replica needs the PostgreSQL binaries (PG_BIN, default /usr/lib/postgresql/15/bin)');
  let primary: PrivatePostgres | undefined;
  let replica: PrivatePostgres | undefined;
  const services: BenchService[] = [];
  const pools: Pool[] = [];
  try {
    primary = await startPrivatePostgres();
    replica = await startStreamingReplica(primary);
    const common = {
      httpConnections: READERS + INGEST_CLIENTS,
      poolSize: READERS + 2,
      dbUrl: primary.url,
    };
    const env = {
      API_KEY_CACHE_SECONDS: '3600',
      RATE_LIMIT_INGEST_ROWS_PER_SECOND: '0',
      // The generated rows are months old: no compaction in the middle of a measurement.
      SAMPLING_GRACE_HOURS: String(24 * 3650),
    };
    const plain = await startBenchService({ ...common, name: 'replica-off', port: PORT, env });
    services.push(plain);
    const withReplica = await startBenchService({ ...common, name: 'replica-on', port: PORT + 1, env: { ...env, DATABASE_READ_URL: replica.url } });
    services.push(withReplica);
    const primaryPool = new Pool({ connectionString: primary.url, max: READERS });
    const replicaPool = new Pool({ connectionString: replica.url, max: READERS });
    pools.push(primaryPool, replicaPool);

    console.log(`[bench] generating ${ROWS.toLocaleString()} log rows…`);
    await generate(primaryPool);
    await caughtUp(primaryPool, replicaPool);
    if ((await withReplica.metric('flywheel_read_replica_up')) !== 1) throw new Error('the replica-configured service does not report flywheel_read_replica_up 1');

    const viaService = (s: BenchService) => async () => {
      await s.gql(PAGE, { f: randomWindow() });
    };
    const raw = (pool: Pool) => async () => {
      const w = randomWindow();
      const rows: { requestId: string }[] = (await pool.query(RAW_PAGE, [w.from, w.to, w.modelVersion])).rows;
      await pool.query(RAW_TAGS, [rows.map((r) => r.requestId)]);
    };
    const runs: Record<string, Figures[]> = {};
    const phases: [string, () => Promise<Figures>][] = [
      ['off', () => phase(viaService(plain), plain, primaryPool)],
      ['on', () => phase(viaService(withReplica), withReplica, primaryPool)],
      ['rawReplica', () => phase(raw(replicaPool), withReplica, primaryPool)],
      ['rawPrimary', () => phase(raw(primaryPool), plain, primaryPool)],
    ];
    // Warm-up: JIT, pools, plan caches and both servers' buffers.
    for (const [, run] of phases) await run();
    const fallbacksBefore = await withReplica.metric('flywheel_read_fallback_total{reason="down"}');
    for (let round = 0; round < ROUNDS; round++) {
      for (const [key, run] of phases) {
        const f = await run();
        (runs[key] ??= []).push(f);
        console.log(`[bench] round ${round + 1} ${key}: ${f.pagesPerSecond.toFixed(0)} pages/s (p50 ${f.p50Ms.toFixed(1)} ms), ingest ${f.ingestRowsPerSecond.toFixed(0)} rows/s, primary read ${f.primaryRowsReadPerSecond.toFixed(0)} rows/s`);
      }
    }
    const fallbacks = (await withReplica.metric('flywheel_read_fallback_total{reason="down"}')) - fallbacksBefore;
    const pick = (key: string): Figures => {
      const sorted = [...runs[key]].sort((a, b) => a.pagesPerSecond - b.pagesPerSecond);
      return sorted[Math.floor(sorted.length / 2)];
    };
    const line = (label: string, f: Figures) =>
      `${label.padEnd(46)} ${f.pagesPerSecond.toFixed(0).padStart(6)} pages/s   p50 ${f.p50Ms.toFixed(1).padStart(6)} ms   ingest ${f.ingestRowsPerSecond.toFixed(0).padStart(6)} rows/s   primary read ${f.primaryRowsReadPerSecond.toFixed(0).padStart(8)} rows/s`;
    const off = pick('off');
    const on = pick('on');
    const rawReplica = pick('rawReplica');
    const rawPrimary = pick('rawPrimary');
    console.log(`\nFlywheel read-replica benchmark: ${ROWS.toLocaleString()} rows, ${READERS} dashboard readers + ${INGEST_CLIENTS} ingest clients (batches of ${BATCH}), median of ${ROUNDS} alternating rounds of ${SECONDS} s\n`);
    console.log(line('logEntries pages, primary only (no replica)', off));
    console.log(line('logEntries pages, DATABASE_READ_URL (replica)', on));
    console.log(line('raw pg, same 2 statements, on the replica', rawReplica));
    console.log(line('raw pg, same 2 statements, on the primary', rawPrimary));
    console.log(`replica fallbacks during the measurement: ${fallbacks}`);
    console.log('');
    console.log(`with replica / without, dashboard pages/s: ${(on.pagesPerSecond / off.pagesPerSecond).toFixed(2)}×; ingest rows/s alongside: ${(on.ingestRowsPerSecond / off.ingestRowsPerSecond).toFixed(2)}×`);
    console.log(`rows the primary read per dashboard page: ${(off.primaryRowsReadPerSecond / off.pagesPerSecond).toFixed(0)} without the replica, ${(on.primaryRowsReadPerSecond / on.pagesPerSecond).toFixed(0)} with it (ingestion's own reads included)`);
    console.log(`ours (replica) / raw pg on the replica, pages/s: ${(on.pagesPerSecond / rawReplica.pagesPerSecond).toFixed(2)}×`);
  } finally {
    for (const s of services) await s.stop().catch(() => undefined);
    for (const p of pools) await p.end().catch(() => undefined);
    replica?.destroy();
    primary?.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
