/**
 * `npm run bench:storage` — what one served request costs on disk, and what one PostgreSQL holds at the
 * lesson's 100 requests/s and at 100× that (docs/scaling.md quotes this output).
 *
 * The service (its own process, as in production) ingests BENCH_STORAGE_ROWS realistic rows (the same
 * generator as bench:ingest: 300–700 character prompts, a tenth with an email or phone number) through
 * `logInferences`; then every table of its database is measured (heap + TOAST + indexes, after VACUUM).
 * The raw ceiling is the same rows in a bare table — ts, request_id, model_version, prompt, response,
 * latency_ms, user_id with only its primary key — written by plain `pg` in the same run. The ratio
 * (our bytes per request ÷ raw bytes per request) is printed last: what the register, the keep reasons,
 * the redaction report and the indexes cost on top of the text itself.
 *
 * Env: DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test; a scratch database is created
 * beside it and dropped), BENCH_STORAGE_ROWS (default 100000).
 */
import { cpuSeconds, startBenchService } from './bench-service';
import { makeRows } from './bench-rows';

const ROWS = Number(process.env.BENCH_STORAGE_ROWS ?? 100_000);
const PORT = 42_000 + (process.pid % 1000);
const BATCH = 500;
const LOG_MANY = `mutation($input: LogInferencesInput!) { logInferences(input: $input) { results { requestId } } }`;

interface TableSize {
  table: string;
  bytes: number;
  indexBytes: number;
}

async function main(): Promise<void> {
  const svc = await startBenchService({ name: 'storage', port: PORT, httpConnections: 4, poolSize: 4 });
  try {
    const rows = makeRows(ROWS, 'st');
    const before = await sizes(svc.pool);
    // CPU per core: the service process, and the PostgreSQL backends serving this scratch database (the
    // service's pool; WAL writer and checkpointer are shared and not counted).
    const backends = async (): Promise<number[]> =>
      (await svc.pool.query(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)).rows.map((r) => r.pid);
    const dbCpu = (pids: number[]) => pids.reduce((s, pid) => s + cpuSeconds(pid), 0);
    const apiCpu0 = cpuSeconds(svc.serverPid);
    const pids0 = await backends();
    const dbCpu0 = dbCpu(pids0);
    const t0 = process.hrtime.bigint();
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (;;) {
          const from = next;
          next += BATCH;
          if (from >= rows.length) return;
          await svc.gql(LOG_MANY, { input: { items: rows.slice(from, from + BATCH) } });
        }
      }),
    );
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const apiCpu = cpuSeconds(svc.serverPid) - apiCpu0;
    const pids1 = await backends();
    // Backends that existed at the start count from their start value; new ones from zero.
    const dbCpuUsed = dbCpu(pids1) - dbCpu(pids0.filter((p) => pids1.includes(p)));
    await svc.pool.query('VACUUM (ANALYZE)');
    const after = await sizes(svc.pool);
    const [{ kept }] = (await svc.pool.query(`SELECT count(*) FILTER (WHERE cardinality(keep_reasons) > 0)::float / count(*) AS kept FROM inference_log`)).rows;

    // Raw ceiling: the text and the keys, nothing else.
    await svc.pool.query(`CREATE TABLE raw_log (ts timestamptz NOT NULL, request_id text NOT NULL, model_version text NOT NULL, prompt text NOT NULL,
      response text NOT NULL, latency_ms int NOT NULL, user_id text, PRIMARY KEY (ts, request_id))`);
    for (let i = 0; i < rows.length; i += 1000) {
      const chunk = rows.slice(i, i + 1000);
      await svc.pool.query(
        `INSERT INTO raw_log SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[])`,
        [chunk.map((r) => r.occurredAt), chunk.map((r) => r.requestId), chunk.map((r) => r.modelVersion), chunk.map((r) => r.prompt), chunk.map((r) => r.response), chunk.map((r) => r.latencyMs), chunk.map((r) => r.userId)],
      );
    }
    await svc.pool.query('VACUUM (ANALYZE) raw_log');
    const [raw] = (await svc.pool.query(`SELECT pg_total_relation_size('raw_log')::float8 AS bytes, pg_indexes_size('raw_log')::float8 AS "indexBytes"`)).rows;

    const grown = after
      .map((a) => {
        const b = before.find((x) => x.table === a.table);
        return { table: a.table, bytes: a.bytes - (b?.bytes ?? 0), indexBytes: a.indexBytes - (b?.indexBytes ?? 0) };
      })
      .filter((t) => t.bytes > 0)
      .sort((x, y) => y.bytes - x.bytes);
    const total = grown.reduce((s, t) => s + t.bytes, 0);
    const totalIdx = grown.reduce((s, t) => s + t.indexBytes, 0);
    const perRow = total / ROWS;
    const rawPerRow = raw.bytes / ROWS;

    console.log(`\nbench:storage — ${ROWS.toLocaleString()} requests ingested in ${seconds.toFixed(1)} s (${Math.round(ROWS / seconds).toLocaleString()} rows/s, 1 API process)\n`);
    console.log(`CPU: service process ${apiCpu.toFixed(1)} s → ${Math.round(ROWS / apiCpu).toLocaleString()} rows per core-second; PostgreSQL backends ${dbCpuUsed.toFixed(1)} s → ${Math.round(ROWS / dbCpuUsed).toLocaleString()} rows per core-second\n`);
    console.log('table                              growth (MB)   of which indexes (MB)   bytes / request');
    for (const t of grown) {
      console.log(`${t.table.padEnd(34)} ${(t.bytes / 1e6).toFixed(1).padStart(11)}   ${(t.indexBytes / 1e6).toFixed(1).padStart(21)}   ${Math.round(t.bytes / ROWS).toString().padStart(15)}`);
    }
    console.log(`${'all tables'.padEnd(34)} ${(total / 1e6).toFixed(1).padStart(11)}   ${(totalIdx / 1e6).toFixed(1).padStart(21)}   ${Math.round(perRow).toString().padStart(15)}`);
    console.log(`${'raw ceiling (bare table + pk)'.padEnd(34)} ${(raw.bytes / 1e6).toFixed(1).padStart(11)}   ${(raw.indexBytes / 1e6).toFixed(1).padStart(21)}   ${Math.round(rawPerRow).toString().padStart(15)}`);
    console.log(`\nkept by a write-time reason (sampling, low confidence, flags): ${(kept * 100).toFixed(1)}% of rows`);
    console.log('\nprojection (every row stays SAMPLING_GRACE_HOURS=24 before compaction; kept rows stay for the retention period)');
    for (const rps of [100, 10_000]) {
      const perDay = rps * 86_400;
      const graceGb = (perDay * perRow) / 1e9;
      const keptGbPerDay = (perDay * kept * perRow) / 1e9;
      console.log(
        `  ${rps.toLocaleString().padStart(6)} req/s: ${(perDay / 1e6).toFixed(2)} M rows/day, ${graceGb.toFixed(1)} GB/day written (${((perDay * totalIdx) / ROWS / 1e9).toFixed(1)} GB of it index),` +
          ` ${graceGb.toFixed(1)} GB held for the grace window, +${keptGbPerDay.toFixed(2)} GB/day kept → ${(keptGbPerDay * 30).toFixed(0)} GB at 30 days' retention, ${(keptGbPerDay * 365).toFixed(0)} GB at 365`,
      );
    }
    console.log(`\nbytes per request, flywheel / raw ceiling: ${(perRow / rawPerRow).toFixed(2)}×`);
  } finally {
    await svc.stop();
  }
}

/** Heap + TOAST + indexes of every table in the public schema; a partitioned table counts its partitions. */
async function sizes(pool: import('pg').Pool): Promise<TableSize[]> {
  const { rows } = await pool.query(`
    SELECT coalesce(p.relname, c.relname) AS "table",
           sum(pg_total_relation_size(c.oid))::float8 AS bytes,
           sum(pg_indexes_size(c.oid))::float8 AS "indexBytes"
    FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
    LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
    LEFT JOIN pg_class p ON p.oid = i.inhparent
    WHERE c.relkind = 'r'
    GROUP BY 1`);
  return rows;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
