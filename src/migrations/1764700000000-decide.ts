import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Decide: retrain policies and the decisions they produce, model lines and their versions, training
 * runs (the lineage from dataset versions to model versions), eval gates and evaluations, and the
 * deployment history that promotion and rollback write.
 *
 * Like the tables before them, these have no foreign keys: the services check what they reference, and
 * rows that others point at (dataset versions, runs, deployments) are never deleted.
 *
 * Corrections learn the model version of their entry and when they were accepted, so the retrain
 * counts ("accepted corrections of model version v since t") are one index range, cheap enough for
 * CI to poll.
 */
export class Decide1764700000000 implements MigrationInterface {
  name = 'Decide1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE correction ADD COLUMN model_version text, ADD COLUMN accepted_at timestamptz`);
    await q.query(`
      UPDATE correction c SET model_version = l.model_version
      FROM inference_request r JOIN inference_log l ON l.ts = r.ts AND l.request_id = r.request_id
      WHERE r.request_id = c.request_id`);
    await q.query(`UPDATE correction SET accepted_at = coalesce(reviewed_at, created_at) WHERE status = 'ACCEPTED'`);
    await q.query(`CREATE INDEX correction_accepted_model_idx ON correction (model_version, accepted_at) WHERE status = 'ACCEPTED'`);
    // CLUSTER policies count a tag's recent active assignments.
    await q.query(`CREATE INDEX log_tag_tag_created_idx ON log_tag (tag, created_at) WHERE removed_at IS NULL`);

    await q.query(`
      CREATE TABLE model_line (
        name text NOT NULL,
        probation_hours double precision,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT model_line_pk PRIMARY KEY (name)
      )`);
    await q.query(`
      CREATE TABLE model_version (
        name text NOT NULL,
        model_line text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT model_version_pk PRIMARY KEY (name)
      )`);
    await q.query(`CREATE INDEX model_version_line_idx ON model_version (model_line)`);

    await q.query(`
      CREATE TABLE retrain_policy (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        model_version text NOT NULL,
        kind text NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        params jsonb NOT NULL,
        dataset jsonb NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT retrain_policy_pk PRIMARY KEY (id),
        CONSTRAINT retrain_policy_kind_ck CHECK (kind IN ('DRIFT', 'SCHEDULE', 'CLUSTER', 'VOLUME', 'ACCURACY'))
      )`);
    await q.query(`CREATE INDEX retrain_policy_model_idx ON retrain_policy (model_version)`);

    await q.query(`
      CREATE TABLE retrain_decision (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        model_version text NOT NULL,
        outcome text NOT NULL,
        policy_id uuid,
        reasons jsonb NOT NULL,
        counts jsonb NOT NULL,
        fingerprint text,
        dataset_version_id uuid,
        decided_by text NOT NULL,
        decided_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT retrain_decision_pk PRIMARY KEY (id),
        CONSTRAINT retrain_decision_outcome_ck CHECK (outcome IN ('RETRAIN', 'WAIT'))
      )`);
    await q.query(`CREATE INDEX retrain_decision_model_idx ON retrain_decision (model_version, decided_at, id)`);
    // One dataset per state of the data: a second RETRAIN on unchanged data finds the first one's.
    await q.query(`CREATE INDEX retrain_decision_fingerprint_idx ON retrain_decision (fingerprint) WHERE fingerprint IS NOT NULL`);

    await q.query(`
      CREATE TABLE training_run (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        dataset_version_id uuid NOT NULL,
        base_model_version text NOT NULL,
        candidate_model_version text NOT NULL,
        model_line text NOT NULL,
        status text NOT NULL DEFAULT 'RUNNING',
        external_url text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT training_run_pk PRIMARY KEY (id),
        CONSTRAINT training_run_candidate_uq UNIQUE (candidate_model_version),
        CONSTRAINT training_run_status_ck CHECK (status IN ('RUNNING', 'SUCCEEDED', 'FAILED'))
      )`);
    await q.query(`CREATE INDEX training_run_dataset_idx ON training_run (dataset_version_id)`);
    await q.query(`CREATE INDEX training_run_base_idx ON training_run (base_model_version, created_at)`);

    await q.query(`
      CREATE TABLE eval_gate (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        model_line text NOT NULL,
        name text NOT NULL,
        direction text NOT NULL,
        threshold double precision NOT NULL,
        tolerance double precision NOT NULL DEFAULT 0,
        required boolean NOT NULL DEFAULT true,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT eval_gate_pk PRIMARY KEY (id),
        CONSTRAINT eval_gate_name_uq UNIQUE (model_line, name),
        CONSTRAINT eval_gate_direction_ck CHECK (direction IN ('HIGHER_IS_BETTER', 'LOWER_IS_BETTER'))
      )`);

    await q.query(`
      CREATE TABLE evaluation (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        model_version text NOT NULL,
        training_run_id uuid,
        gate text NOT NULL,
        value double precision NOT NULL,
        recorded_by text NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT evaluation_pk PRIMARY KEY (id)
      )`);
    await q.query(`CREATE INDEX evaluation_model_idx ON evaluation (model_version, gate, recorded_at)`);

    await q.query(`
      CREATE TABLE deployment (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        model_line text NOT NULL,
        model_version text NOT NULL,
        training_run_id uuid,
        kind text NOT NULL,
        reason text NOT NULL,
        deployed_by text NOT NULL,
        deployed_at timestamptz NOT NULL DEFAULT now(),
        probation_until timestamptz,
        ended_at timestamptz,
        end_reason text,
        replaces_id uuid,
        gates jsonb NOT NULL DEFAULT '[]',
        CONSTRAINT deployment_pk PRIMARY KEY (id),
        CONSTRAINT deployment_kind_ck CHECK (kind IN ('ADOPTED', 'PROMOTED', 'ROLLED_BACK'))
      )`);
    // One deployed version per line, enforced by the database: two concurrent promotions cannot both win.
    await q.query(`CREATE UNIQUE INDEX deployment_current_uq ON deployment (model_line) WHERE ended_at IS NULL`);
    await q.query(`CREATE INDEX deployment_line_idx ON deployment (model_line, deployed_at, id)`);
    await q.query(`CREATE INDEX deployment_version_idx ON deployment (model_version)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE deployment`);
    await q.query(`DROP TABLE evaluation`);
    await q.query(`DROP TABLE eval_gate`);
    await q.query(`DROP TABLE training_run`);
    await q.query(`DROP TABLE retrain_decision`);
    await q.query(`DROP TABLE retrain_policy`);
    await q.query(`DROP TABLE model_version`);
    await q.query(`DROP TABLE model_line`);
    await q.query(`DROP INDEX log_tag_tag_created_idx`);
    await q.query(`DROP INDEX correction_accepted_model_idx`);
    await q.query(`ALTER TABLE correction DROP COLUMN model_version, DROP COLUMN accepted_at`);
  }
}
