/**
 * `npm run bench:partition` — the measured effect of the partitioned log, on scratch databases:
 *   (a) the partitioning migration on a table of ROWS rows over 10 days (rename, partitions, move day by day);
 *   (b) bulk insert rate: ROWS rows in 10 batches, into the unpartitioned table (one migration earlier)
 *       and into the partitioned one (daily partitions), same statement;
 *   (c) retention of one day of ROWS rows: as a whole-partition drop (with the per-hour counters and
 *       the register marking it does) versus the row-by-row path (the same rows in the DEFAULT partition,
 *       batches of BATCH).
 * Env: DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/test), BENCH_ROWS (default 1000000),
 * BENCH_BATCH (default 5000).
 */
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { createDataSource, runMigrations } from '../src/db/database';
import { MIGRATIONS } from '../src/migrations';
import { dayStart, LogPartitionService } from '../src/services/log-partition.service';
import { RetentionService } from '../src/services/retention.service';

const BASE_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 5000);
const DAY = 86_400_000;

async function scratch(tag: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `fw_bench_part_${tag}_${process.pid}`;
  const c = new Client({ connectionString: BASE_URL });
  await c.connect();
  await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const url = new URL(BASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const d = new Client({ connectionString: BASE_URL });
      await d.connect();
      await d.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await d.end();
    },
  };
}

/** `rows` rows from `from` over `days` days, in 10 statements; returns seconds. */
async function load(ds: DataSource, rows: number, from: Date, days: number, prefix: string, modelVersion = 'bench-v1'): Promise<number> {
  const step = (days * DAY) / rows;
  const t0 = performance.now();
  const chunk = Math.ceil(rows / 10);
  for (let first = 0; first < rows; first += chunk) {
    const last = Math.min(rows, first + chunk) - 1;
    await ds.query(
      `WITH g AS (SELECT g, $3::timestamptz + (g * $4::float8) * interval '1 millisecond' AS ts FROM generate_series($1::int, $2::int) g),
       r AS (INSERT INTO inference_request (request_id, ts) SELECT $5 || g, ts FROM g)
       INSERT INTO inference_log (ts, request_id, model_version, prompt, response, latency_ms, response_logprob, keep_reasons)
       SELECT ts, $5 || g, $6, 'Question ' || g || ': ' || repeat(md5(g::text), 6), 'Answer: ' || repeat(md5((g + 7)::text), 4), 100 + g % 900, -0.5, '{}'::text[]
       FROM g`,
      [first, last, from.toISOString(), step, prefix, modelVersion],
    );
  }
  return (performance.now() - t0) / 1000;
}

async function main(): Promise<void> {
  const from = dayStart(Date.now() - 40 * DAY);
  const out: string[] = [];

  // (a) + (b) unpartitioned: one migration before partitioning.
  {
    const db = await scratch('a');
    const upTo = MIGRATIONS.findIndex((m) => m.name === 'PartitionedLog1764800000000');
    const ds = new DataSource({ type: 'postgres', url: db.url, migrations: MIGRATIONS.slice(0, upTo), migrationsTableName: 'typeorm_migrations', uuidExtension: 'pgcrypto', installExtensions: false });
    await ds.initialize();
    await ds.runMigrations({ transaction: 'each' });
    const s = await load(ds, ROWS, from, 10, 'u');
    out.push(`(b) bulk insert, unpartitioned table:            ${Math.round(ROWS / s)} rows/s (${s.toFixed(1)} s for ${ROWS})`);
    await ds.query('VACUUM ANALYZE');
    await ds.destroy();
    const full = createDataSource(db.url, 4);
    await full.initialize();
    const t0 = performance.now();
    await runMigrations(full);
    const m = (performance.now() - t0) / 1000;
    const [{ n }] = await full.query(`SELECT count(*)::int AS n FROM inference_log`);
    const [{ p }] = await full.query(`SELECT count(*)::int AS p FROM pg_inherits WHERE inhparent = 'inference_log'::regclass`);
    out.push(`(a) partitioning migration of ${ROWS} rows over 10 days: ${m.toFixed(1)} s (${n} rows in ${p} partitions incl. DEFAULT)`);
    await full.destroy();
    await db.drop();
  }

  // (b) partitioned, (c) retention.
  {
    const db = await scratch('b');
    const ds = createDataSource(db.url, 4);
    await ds.initialize();
    await runMigrations(ds);
    const parts = new LogPartitionService();
    for (let d = 0; d < 10; d++) await parts.createDay(ds.manager, new Date(from.getTime() + d * DAY));
    const s = await load(ds, ROWS, from, 10, 'p');
    out.push(`(b) bulk insert, partitioned table (daily):      ${Math.round(ROWS / s)} rows/s (${s.toFixed(1)} s for ${ROWS})`);
    await ds.query(`TRUNCATE inference_log, inference_request, ingest_stats_hourly`);

    // One day of ROWS rows in its own partition, past a 7-day retention: dropped whole.
    const day = new Date(from.getTime() + 2 * DAY);
    await load(ds, ROWS, day, 1, 'd');
    await ds.query('VACUUM ANALYZE');
    const retention = new RetentionService();
    let t0 = performance.now();
    const dropped = await retention.apply(ds.manager, { defaultDays: 7, batchSize: BATCH });
    const dropS = (performance.now() - t0) / 1000;
    out.push(`(c) retention, whole-partition drop of ${ROWS} rows: ${dropS.toFixed(1)} s (deleted ${dropped.deleted}, partitions ${dropped.partitionsDropped})`);

    // The same rows again, now in DEFAULT (their partition is gone): the row-by-row path.
    await ds.query(`TRUNCATE inference_request`);
    await load(ds, ROWS, day, 1, 'e');
    await ds.query('VACUUM ANALYZE');
    t0 = performance.now();
    const rows = await retention.apply(ds.manager, { defaultDays: 7, batchSize: BATCH });
    const rowS = (performance.now() - t0) / 1000;
    out.push(`(c) retention, row by row (batches of ${BATCH}) of ${ROWS} rows: ${rowS.toFixed(1)} s (deleted ${rows.deleted}, batches ${rows.batches})`);
    out.push(`(c) drop / row-by-row time: ${(dropS / rowS).toFixed(2)}×`);
    const [{ total }] = await ds.query(`SELECT sum(received)::bigint::text AS total FROM ingest_stats_hourly`);
    out.push(`    counters: received column holds ${total} (bulk load bypasses them; retention_deleted = ${(await ds.query(`SELECT sum(retention_deleted)::bigint::text AS t FROM ingest_stats_hourly`))[0].t})`);
    await ds.destroy();
    await db.drop();
  }
  console.log(`\nFlywheel partition benchmark: PostgreSQL, ${ROWS} rows\n`);
  for (const line of out) console.log(line);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
