import { MigrationInterface, QueryRunner } from 'typeorm';

/** The log's columns in table order: the copy below names them, so nothing depends on `SELECT *` order. */
const LOG_COLUMNS = 'ts, request_id, model_version, prompt, response, latency_ms, user_id_hash, response_logprob, flagged, metadata, keep_reasons, redactions, received_at';

/**
 * `inference_log` becomes a table partitioned by range of `ts`, one partition per UTC day, plus a
 * DEFAULT partition that takes any row outside the partitions created so far (an insert never fails
 * for want of a partition). Partitions ahead of today are created by the `log-partitions` job and at
 * boot (src/services/log-partition.service.ts); retention and compaction drop whole partitions.
 *
 * Conversion of a table that already holds rows: the old table is renamed, the partitioned parent is
 * created under the old name with the same primary key (ts, request_id) — the ON CONFLICT target of no
 * statement, but the key every join uses — and the same (model_version, ts, request_id) index, then one
 * partition per day that holds rows, then the rows move day by day (one INSERT … SELECT per day: each
 * statement is bounded by a day's rows), and the old table is dropped.
 * Why move rather than ATTACH the old table as one partition after a CHECK constraint: attaching is
 * instant, but leaves all history in one partition that no retention or compaction can ever drop
 * whole; moving costs one rewrite at migration time (measured by bench:partition: 1M rows over 10 days in 12 s on the 2-core
 * development machine) and every day is then a partition like the ones created later.
 * The whole migration is one transaction (TypeORM runs migrations `each`), on PostgreSQL 15 and PGlite.
 *
 * Also here, since they belong to the same change: a BRIN index on received_at (compaction's
 * watermark scan finds late arrivals with it at almost no ingest cost: BRIN stores one summary per 128
 * pages, not one entry per row), the compaction watermark, the retention counter, and the per-line
 * retention setting.
 */
export class PartitionedLog1764800000000 implements MigrationInterface {
  name = 'PartitionedLog1764800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE inference_log RENAME TO inference_log_unpartitioned`);
    await q.query(`ALTER TABLE inference_log_unpartitioned RENAME CONSTRAINT inference_log_pk TO inference_log_unpartitioned_pk`);
    await q.query(`ALTER INDEX inference_log_model_ts_idx RENAME TO inference_log_unpartitioned_model_ts_idx`);
    await q.query(`
      CREATE TABLE inference_log (
        ts timestamptz NOT NULL,
        request_id text NOT NULL,
        model_version text NOT NULL,
        prompt text NOT NULL,
        response text NOT NULL,
        latency_ms integer NOT NULL,
        user_id_hash text,
        response_logprob double precision,
        flagged boolean NOT NULL DEFAULT false,
        metadata jsonb,
        keep_reasons text[] NOT NULL,
        redactions jsonb,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT inference_log_pk PRIMARY KEY (ts, request_id)
      ) PARTITION BY RANGE (ts)`);
    await q.query(`CREATE INDEX inference_log_model_ts_idx ON inference_log (model_version, ts, request_id)`);
    await q.query(`CREATE INDEX inference_log_received_brin ON inference_log USING brin (received_at)`);
    await q.query(`CREATE TABLE inference_log_default PARTITION OF inference_log DEFAULT`);

    const days: { day: string; next: string; name: string }[] = await q.query(`
      SELECT d.day::text AS day, (d.day + interval '1 day')::text AS next, 'inference_log_p' || to_char(d.day AT TIME ZONE 'UTC', 'YYYYMMDD') AS name
      FROM (SELECT DISTINCT date_trunc('day', ts, 'UTC') AS day FROM inference_log_unpartitioned) d ORDER BY d.day`);
    for (const d of days) {
      await q.query(`CREATE TABLE ${d.name} PARTITION OF inference_log FOR VALUES FROM ('${d.day}') TO ('${d.next}')`);
      await q.query(
        `INSERT INTO inference_log (${LOG_COLUMNS}) SELECT ${LOG_COLUMNS} FROM inference_log_unpartitioned WHERE ts >= $1::timestamptz AND ts < $2::timestamptz`,
        [d.day, d.next],
      );
    }
    await q.query(`DROP TABLE inference_log_unpartitioned`);

    // Rows deleted by the retention job, per model version and hour: `received` stays the true volume.
    await q.query(`ALTER TABLE ingest_stats_hourly ADD COLUMN retention_deleted bigint NOT NULL DEFAULT 0`);
    // Raw-log retention of the line's versions, in days; NULL → RETENTION_DAYS; 0 → forever.
    await q.query(`ALTER TABLE model_line ADD COLUMN raw_log_retention_days integer`);
    await q.query(`ALTER TABLE model_line ADD CONSTRAINT model_line_raw_log_retention_days_ck CHECK (raw_log_retention_days >= 0)`);

    // Where the last complete compaction run ended: every row due (both clocks) before `due_before` has
    // been examined once. One row per job name, so a second kind of sweep can keep its own.
    await q.query(`
      CREATE TABLE compaction_watermark (
        name text NOT NULL,
        due_before timestamptz NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT compaction_watermark_pk PRIMARY KEY (name)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE compaction_watermark`);
    await q.query(`ALTER TABLE model_line DROP CONSTRAINT model_line_raw_log_retention_days_ck`);
    await q.query(`ALTER TABLE model_line DROP COLUMN raw_log_retention_days`);
    await q.query(`ALTER TABLE ingest_stats_hourly DROP COLUMN retention_deleted`);
    await q.query(`ALTER TABLE inference_log RENAME TO inference_log_partitioned`);
    await q.query(`ALTER TABLE inference_log_partitioned RENAME CONSTRAINT inference_log_pk TO inference_log_partitioned_pk`);
    await q.query(`ALTER INDEX inference_log_model_ts_idx RENAME TO inference_log_partitioned_model_ts_idx`);
    await q.query(`
      CREATE TABLE inference_log (
        ts timestamptz NOT NULL,
        request_id text NOT NULL,
        model_version text NOT NULL,
        prompt text NOT NULL,
        response text NOT NULL,
        latency_ms integer NOT NULL,
        user_id_hash text,
        response_logprob double precision,
        flagged boolean NOT NULL DEFAULT false,
        metadata jsonb,
        keep_reasons text[] NOT NULL,
        redactions jsonb,
        received_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT inference_log_pk PRIMARY KEY (ts, request_id)
      )`);
    await q.query(`INSERT INTO inference_log (${LOG_COLUMNS}) SELECT ${LOG_COLUMNS} FROM inference_log_partitioned`);
    await q.query(`DROP TABLE inference_log_partitioned`);
    await q.query(`CREATE INDEX inference_log_model_ts_idx ON inference_log (model_version, ts, request_id)`);
  }
}
