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
        cancel_requested_at timestamptz,
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
    // Compaction probes membership by request_id. (Contamination checks read EVAL versions through the
    // primary key's version prefix; a prompt_key index cost every 1M-row build ~16 µs a row for nothing.)
    await q.query(`CREATE INDEX dataset_example_request_idx ON dataset_example (request_id)`);
    // READY is final: the database itself refuses to change a READY version's content or membership, so
    // no later code path (or hand-written SQL) can make a trained-on version say something else.
    await q.query(`
      CREATE FUNCTION dataset_ready_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'dataset_version' THEN
          IF OLD.status = 'READY' AND (NEW.status, NEW.content_hash, NEW.files, NEW.example_count, NEW.filter)
             IS DISTINCT FROM (OLD.status, OLD.content_hash, OLD.files, OLD.example_count, OLD.filter) THEN
            RAISE EXCEPTION 'dataset version % is READY and immutable', OLD.id USING ERRCODE = 'check_violation';
          END IF;
          RETURN NEW;
        END IF;
        IF EXISTS (SELECT 1 FROM dataset_version v WHERE v.id = OLD.dataset_version_id AND v.status = 'READY') THEN
          RAISE EXCEPTION 'dataset version % is READY: its membership is immutable', OLD.dataset_version_id USING ERRCODE = 'check_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    await q.query(`CREATE TRIGGER dataset_version_ready_final BEFORE UPDATE ON dataset_version FOR EACH ROW EXECUTE FUNCTION dataset_ready_is_final()`);
    await q.query(`CREATE TRIGGER dataset_example_ready_final BEFORE UPDATE OR DELETE ON dataset_example FOR EACH ROW EXECUTE FUNCTION dataset_ready_is_final()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dataset_example`);
    await q.query(`DROP TABLE dataset_version`);
    await q.query(`DROP FUNCTION dataset_ready_is_final()`);
  }
}
