import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, points 2 and 3:
 * - `audit_event`: one row per admin or reviewer action, written in the action's own transaction.
 *   Append-only in the database: a row trigger refuses UPDATE always and DELETE unless the retention
 *   job marked its transaction (`SET LOCAL flywheel.audit_retention = 'on'`) and the row is older than
 *   the cutoff it set (`flywheel.audit_cutoff`); a statement trigger refuses TRUNCATE. (A revoked
 *   privilege was the other choice; the service connects as one role, the owner, whom REVOKE does not
 *   bind, so only a trigger holds here.)
 * - `dataset_version.erasures`: the erasures that removed examples from a version, `[{ at, examples }]`,
 *   never an id. Its manifest repeats them.
 * - A READY version stays immutable except inside an erasure's transaction
 *   (`SET LOCAL flywheel.erasure = 'on'`), which removes the erased members and rewrites files and counts.
 *
 * No foreign keys, as everywhere.
 */
export class ErasureAudit1764810000000 implements MigrationInterface {
  name = 'ErasureAudit1764810000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_event (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        at timestamptz NOT NULL DEFAULT now(),
        api_key_id uuid,
        actor text NOT NULL,
        action text NOT NULL,
        target text,
        request_id text NOT NULL,
        details jsonb,
        CONSTRAINT audit_event_pk PRIMARY KEY (id)
      )`);
    // The connection pages newest first over (at, id); the filters by action or key page the same order.
    await q.query(`CREATE INDEX audit_event_at_idx ON audit_event (at, id)`);
    await q.query(`CREATE INDEX audit_event_action_idx ON audit_event (action, at, id)`);
    await q.query(`CREATE INDEX audit_event_key_idx ON audit_event (api_key_id, at, id)`);
    await q.query(`
      CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('flywheel.audit_retention', true) = 'on'
           AND OLD.at < nullif(current_setting('flywheel.audit_cutoff', true), '')::timestamptz THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(`CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()`);
    await q.query(`CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()`);

    await q.query(`ALTER TABLE dataset_version ADD COLUMN erasures jsonb NOT NULL DEFAULT '[]'`);
    await q.query(`
      CREATE OR REPLACE FUNCTION dataset_ready_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        -- An erasure removes a user's examples from READY versions and rewrites their files.
        IF current_setting('flywheel.erasure', true) = 'on' THEN
          RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
        END IF;
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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION dataset_ready_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await q.query(`ALTER TABLE dataset_version DROP COLUMN erasures`);
    await q.query(`DROP TABLE audit_event`);
    await q.query(`DROP FUNCTION audit_event_append_only()`);
  }
}
