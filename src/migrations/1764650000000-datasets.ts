import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dataset versions and their membership. A version is built once by a job; when READY its members
 * never change, and a log row that is a member of any version is never compacted (dataset_example
 * is in LOG_REFERENCES).
 */
export class Datasets1764650000000 implements MigrationInterface {
  name = 'Datasets1764650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dataset_version (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        name text NOT NULL,
        version integer NOT NULL,
        kind text NOT NULL,
        status text NOT NULL,
        formats text[] NOT NULL,
        filter jsonb NOT NULL,
        base_version_id uuid,
        reference_version_id uuid,
        system_prompt text,
        validation_fraction double precision NOT NULL DEFAULT 0,
        max_psi double precision NOT NULL,
        example_count integer,
        validation_count integer,
        content_hash text,
        files jsonb,
        quality_report jsonb,
        job_id uuid,
        error text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        built_at timestamptz,
        CONSTRAINT dataset_version_pk PRIMARY KEY (id),
        CONSTRAINT dataset_version_name_version_uq UNIQUE (name, version),
        CONSTRAINT dataset_version_kind_ck CHECK (kind IN ('TRAIN', 'EVAL')),
        CONSTRAINT dataset_version_status_ck CHECK (status IN ('PENDING', 'BUILDING', 'READY', 'FAILED'))
      )`);
    await q.query(`
      CREATE TABLE dataset_example (
        dataset_version_id uuid NOT NULL,
        request_id text NOT NULL,
        correction_id uuid NOT NULL,
        split text NOT NULL,
        prompt_key text NOT NULL,
        CONSTRAINT dataset_example_pk PRIMARY KEY (dataset_version_id, request_id),
        CONSTRAINT dataset_example_split_ck CHECK (split IN ('TRAIN', 'VALIDATION'))
      )`);
    // Compaction probes membership by request_id; contamination checks look prompts up by key.
    await q.query(`CREATE INDEX dataset_example_request_idx ON dataset_example (request_id)`);
    await q.query(`CREATE INDEX dataset_example_prompt_idx ON dataset_example (prompt_key)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dataset_example`);
    await q.query(`DROP TABLE dataset_version`);
  }
}
