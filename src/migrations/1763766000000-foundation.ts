import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Foundation schema. Written for PostgreSQL 15 (production) and PGlite (PostgreSQL 18 inside):
 * gen_random_uuid() is core since 13, so no extension is needed.
 */
export class Foundation1763766000000 implements MigrationInterface {
  name = 'Foundation1763766000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE api_key (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL,
        key_hash text NOT NULL,
        key_prefix text NOT NULL,
        scopes text[] NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CONSTRAINT api_key_pk PRIMARY KEY (id)
      )`);
    await q.query(`CREATE UNIQUE INDEX api_key_hash_uq ON api_key (key_hash)`);

    await q.query(`
      CREATE TABLE inference_request (
        request_id text NOT NULL,
        ts timestamptz NOT NULL,
        compacted_at timestamptz,
        CONSTRAINT inference_request_pk PRIMARY KEY (request_id)
      )`);

    // Keyset pages walk (ts, request_id) in either direction; compaction walks ts ascending.
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
    await q.query(`CREATE INDEX inference_log_model_ts_idx ON inference_log (model_version, ts, request_id)`);

    await q.query(`
      CREATE TABLE ingest_stats_hourly (
        model_version text NOT NULL,
        hour timestamptz NOT NULL,
        received bigint NOT NULL DEFAULT 0,
        kept_low_confidence bigint NOT NULL DEFAULT 0,
        kept_flagged bigint NOT NULL DEFAULT 0,
        kept_drift_open bigint NOT NULL DEFAULT 0,
        kept_sampled bigint NOT NULL DEFAULT 0,
        kept_any bigint NOT NULL DEFAULT 0,
        compacted bigint NOT NULL DEFAULT 0,
        CONSTRAINT ingest_stats_hourly_pk PRIMARY KEY (model_version, hour)
      )`);

    await q.query(`
      CREATE TABLE drift_event (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        model_version text NOT NULL,
        detected_at timestamptz NOT NULL,
        metric text NOT NULL,
        value double precision NOT NULL,
        threshold double precision NOT NULL,
        window_hours double precision NOT NULL,
        resolved_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT drift_event_pk PRIMARY KEY (id)
      )`);
    // Every ingest batch asks "is a drift event open for these model versions?": keep that lookup tiny.
    await q.query(`CREATE INDEX drift_event_open_idx ON drift_event (model_version) WHERE resolved_at IS NULL`);

    await q.query(`
      CREATE TABLE job_run (
        job_id uuid NOT NULL,
        name text NOT NULL,
        progress jsonb NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT job_run_pk PRIMARY KEY (job_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['job_run', 'drift_event', 'ingest_stats_hourly', 'inference_log', 'inference_request', 'api_key']) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
