/**
 * `npm run bench:ingest` — ingestion throughput and latency against a real PostgreSQL, next to the raw
 * ceiling measured in the same run on the same rows:
 *   (a) single `logInference` calls from 32 concurrent HTTP clients  vs  plain `pg` single-row INSERTs
 *       from 16 connections;
 *   (b) `logInferences` batches of 500 from 4 clients                vs  plain `pg` `unnest` INSERTs of
 *       1000 rows from 1 connection.
 * The service runs as its own process (as in production); the raw side writes the same table with the
 * same indexes. Tables are emptied and checkpointed before each phase so no phase pays for another's
 * rows. The ratios are printed last.
 *
 * Env: DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test; a scratch database is created
 * beside it and dropped), BENCH_SINGLE_ROWS (default 20000), BENCH_BATCH_ROWS (default 200000).
 */
import { cpuSeconds, startBenchService } from './bench-service';
import { makeRows, type Row } from './bench-rows';

const SINGLE_ROWS = Number(process.env.BENCH_SINGLE_ROWS ?? 20_000);
const BATCH_ROWS = Number(process.env.BENCH_BATCH_ROWS ?? 200_000);
const PORT = 41_000 + (process.pid % 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** API processes for the service under test (the machine has 2 cores; the default keeps one). */
const HTTP_WORKERS = Number(process.env.BENCH_HTTP_WORKERS ?? 1);

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

interface Result {
  label: string;
  rows: number;
  seconds: number;
  latencies: number[];
  /** CPU seconds the API process spent in the phase (service phases with one API process only). */
  apiCpu?: number;
}

function report(r: Result): { rate: number; line: string } {
  const sorted = [...r.latencies].sort((a, b) => a - b);
  const rate = r.rows / r.seconds;
  // API CPU per row: unlike rows/s it hardly moves when a neighbour on the host slows the machine down, so
  // it is the figure to compare between two builds of the service.
  const cpu = r.apiCpu === undefined ? '' : `   API CPU ${((r.apiCpu / r.rows) * 1e6).toFixed(1).padStart(5)} µs/row`;
  return {
    rate,
    line: `${r.label.padEnd(58)} ${Math.round(rate).toString().padStart(7)} rows/s   p50 ${percentile(sorted, 50).toFixed(1).padStart(6)} ms   p99 ${percentile(sorted, 99).toFixed(1).padStart(6)} ms${cpu}`,
  };
}

/** Runs `work(i)` for i in [0, count) on `concurrency` lanes; returns elapsed seconds and per-call latencies. */
async function drive(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (;;) {
        const i = next++;
        if (i >= count) return;
        const t = process.hrtime.bigint();
        await work(i);
        latencies.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }),
  );
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, latencies };
}

const RAW_COLUMNS = 'ts, request_id, model_version, prompt, response, latency_ms, user_id_hash, response_logprob, flagged, metadata, keep_reasons';

async function main(): Promise<void> {
  const service = await startBenchService({
    name: 'ingest',
    port: PORT,
    httpConnections: 64,
    poolSize: 16,
    env: {
      HTTP_WORKERS: String(HTTP_WORKERS),
      // The per-key row limit stays on (every call spends tokens, leases run) but above what this
      // benchmark can send, so it measures the limiter's cost, not its refusals: 1,000,000 rows/s with
      // 2 ms leases takes the default's 2,000-row lease size (20,000 rows/s × 100 ms).
      RATE_LIMIT_INGEST_ROWS_PER_SECOND: '1000000',
      RATE_LIMIT_LEASE_MS: '2',
    },
  });
  const { pool, http, adminKey: ADMIN_KEY } = service;
  try {
    const reset = async () => {
      await pool.query('TRUNCATE inference_log, inference_request, ingest_stats_hourly');
      await pool.query('CHECKPOINT');
    };
    const rawValues = (r: Row) => [r.occurredAt, r.requestId, r.modelVersion, r.prompt, r.response, r.latencyMs, r.userId, r.responseLogprob];
    // The raw ceiling does the same storage work as the service: a row is its idempotency-register
    // entry plus its log row (see inference-request.entity.ts), written by the SQL a person would
    // hand-write. The log-table-only insert is measured too, for reference.
    const rawSingleSql = `WITH r AS (INSERT INTO inference_request (request_id, ts) VALUES ($2, $1) ON CONFLICT DO NOTHING RETURNING request_id)
      INSERT INTO inference_log (${RAW_COLUMNS}) SELECT $1, $2, $3, $4, $5, $6, $7, $8, false, NULL, '{}' FROM r`;
    const logOnlySingleSql = `INSERT INTO inference_log (${RAW_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, false, NULL, '{}')`;
    const unnestInput = `unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[], $8::float8[])
        AS t(ts, request_id, model_version, prompt, response, latency_ms, user_id_hash, response_logprob)`;
    const rawBatchSql = `WITH t AS (SELECT * FROM ${unnestInput}),
      r AS (INSERT INTO inference_request (request_id, ts) SELECT request_id, ts FROM t ON CONFLICT DO NOTHING RETURNING request_id)
      INSERT INTO inference_log (${RAW_COLUMNS})
      SELECT ts, t.request_id, model_version, prompt, response, latency_ms, user_id_hash, response_logprob, false, NULL, '{}' FROM t JOIN r USING (request_id)`;
    const logOnlyBatchSql = `INSERT INTO inference_log (${RAW_COLUMNS})
      SELECT ts, request_id, model_version, prompt, response, latency_ms, user_id_hash, response_logprob, false, NULL, '{}' FROM ${unnestInput}`;
    const unnestParams = (rows: Row[]) => [
      rows.map((r) => r.occurredAt),
      rows.map((r) => r.requestId),
      rows.map((r) => r.modelVersion),
      rows.map((r) => r.prompt),
      rows.map((r) => r.response),
      rows.map((r) => r.latencyMs),
      rows.map((r) => r.userId),
      rows.map((r) => r.responseLogprob),
    ];
    // Request bodies and SQL parameters are built before the clock starts: the benchmark measures the
    // service and the database, not the load generator's JSON encoding.
    const body = (query: string, variables: unknown) => Buffer.from(JSON.stringify({ query, variables }));
    const post = async (payload: Buffer): Promise<void> => {
      const res = await http.request({
        path: '/graphql',
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_KEY}` },
        body: payload,
      });
      const text = await res.body.text();
      if (res.statusCode !== 200 || text.includes('"errors"')) throw new Error(text.slice(0, 500));
    };

    type Phase = { key: string; label: string; rows: number; run: (tag: string, n: number) => Promise<{ seconds: number; latencies: number[] }> };
    const phases: Phase[] = [
      {
        key: 'rawSingle',
        label: 'raw pg: single-row register+log INSERT, 16 connections',
        rows: SINGLE_ROWS,
        run: async (tag, n) => {
          const params = makeRows(n, tag).map(rawValues);
          return drive(params.length, 16, (i) => pool.query(rawSingleSql, params[i]).then(() => undefined));
        },
      },
      {
        key: 'logOnlySingle',
        label: '(ref) raw pg: single-row log-only INSERT, 16 connections',
        rows: SINGLE_ROWS,
        run: async (tag, n) => {
          const params = makeRows(n, tag).map(rawValues);
          return drive(params.length, 16, (i) => pool.query(logOnlySingleSql, params[i]).then(() => undefined));
        },
      },
      {
        key: 'oursSingle',
        label: `flywheel: logInference over HTTP, 32 clients`,
        rows: SINGLE_ROWS,
        run: async (tag, n) => {
          const bodies = makeRows(n, tag).map((input) => body(LOG_ONE, { input }));
          return drive(bodies.length, 32, (i) => post(bodies[i]));
        },
      },
      {
        key: 'rawBatch',
        label: 'raw pg: unnest register+log INSERT of 1000, 1 connection',
        rows: BATCH_ROWS,
        run: async (tag, n) => {
          const rows = makeRows(n, tag);
          const params = Array.from({ length: Math.ceil(rows.length / 1000) }, (_, i) => unnestParams(rows.slice(i * 1000, (i + 1) * 1000)));
          return drive(params.length, 1, (i) => pool.query(rawBatchSql, params[i]).then(() => undefined));
        },
      },
      {
        key: 'logOnlyBatch',
        label: '(ref) raw pg: unnest log-only INSERT of 1000, 1 connection',
        rows: BATCH_ROWS,
        run: async (tag, n) => {
          const rows = makeRows(n, tag);
          const params = Array.from({ length: Math.ceil(rows.length / 1000) }, (_, i) => unnestParams(rows.slice(i * 1000, (i + 1) * 1000)));
          return drive(params.length, 1, (i) => pool.query(logOnlyBatchSql, params[i]).then(() => undefined));
        },
      },
      {
        key: 'oursBatch',
        label: 'flywheel: logInferences of 500 over HTTP, 4 clients',
        rows: BATCH_ROWS,
        run: async (tag, n) => {
          const rows = makeRows(n, tag);
          const bodies = Array.from({ length: Math.ceil(rows.length / 500) }, (_, i) => body(LOG_MANY, { input: { items: rows.slice(i * 500, (i + 1) * 500) } }));
          return drive(bodies.length, 4, (i) => post(bodies[i]));
        },
      },
    ];

    // Warm-up: JIT, pools and plan caches on both sides.
    for (const phase of phases) {
      await reset();
      await phase.run(`warm-${phase.key}`, Math.min(phase.rows, 5000));
    }
    // Rounds alternate raw and service phases so drift in the machine's speed hits both alike; the
    // median round is reported.
    const runs: Record<string, Result[]> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const phase of phases) {
        await reset();
        const measureCpu = phase.key.startsWith('ours') && HTTP_WORKERS === 1;
        const cpu0 = measureCpu ? cpuSeconds(service.serverPid) : 0;
        const d = await phase.run(`${phase.key}-${round}`, phase.rows);
        const apiCpu = measureCpu ? cpuSeconds(service.serverPid) - cpu0 : undefined;
        (runs[phase.key] ??= []).push({ label: phase.label, rows: phase.rows, ...d, apiCpu });
      }
    }
    const median = (key: string): Result => {
      const sorted = [...runs[key]].sort((a, b) => a.rows / a.seconds - b.rows / b.seconds);
      return sorted[Math.floor(sorted.length / 2)];
    };

    console.log(`\nFlywheel ingestion benchmark: PostgreSQL, HTTP_WORKERS=${HTTP_WORKERS}, median of ${ROUNDS} alternating rounds, latency per call\n`);
    for (const phase of phases) console.log(report(median(phase.key)).line);
    const ratioA = report(median('oursSingle')).rate / report(median('rawSingle')).rate;
    const ratioB = report(median('oursBatch')).rate / report(median('rawBatch')).rate;
    console.log('');
    console.log(`(a) logInference ×32 clients / raw single-row ×16 connections: ${ratioA.toFixed(2)}× (target ≥ 0.60)`);
    console.log(`(b) logInferences ×500 / raw unnest ×1000:                     ${ratioB.toFixed(2)}× (target ≥ 0.60)`);
  } finally {
    await service.stop();
  }
}

const LOG_ONE = `mutation($input: LogInferenceInput!) { logInference(input: $input) { requestId keepReasons } }`;
const LOG_MANY = `mutation($input: LogInferencesInput!) { logInferences(input: $input) { results { requestId keepReasons } } }`;

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
