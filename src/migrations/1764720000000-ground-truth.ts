import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Delayed ground truth: the true outcome of a logged request, reported later. Compared with the
 * logged response (exact after normalisation, or within a numeric tolerance, per model line); a
 * mismatch tags the entry prediction_error (source GROUND_TRUTH) and proposes the true label as a
 * correction. Ground truth that arrives before its log row waits (compared_at null) for the
 * ground-truth-match job. A labelled row is never compacted (ground_truth is in LOG_REFERENCES).
 */
export class GroundTruth1764720000000 implements MigrationInterface {
  name = 'GroundTruth1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE model_line
        ADD COLUMN ground_truth_match text NOT NULL DEFAULT 'EXACT',
        ADD COLUMN ground_truth_tolerance double precision NOT NULL DEFAULT 0,
        ADD CONSTRAINT model_line_ground_truth_match_ck CHECK (ground_truth_match IN ('EXACT', 'NUMERIC'))`);
    await q.query(`ALTER TABLE log_tag DROP CONSTRAINT log_tag_source_ck`);
    await q.query(`ALTER TABLE log_tag ADD CONSTRAINT log_tag_source_ck CHECK (source IN ('USER_FEEDBACK', 'DRIFT', 'AUTO_FLAG', 'OPERATOR', 'API', 'GROUND_TRUTH'))`);
    await q.query(`ALTER TABLE correction DROP CONSTRAINT correction_source_ck`);
    await q.query(`ALTER TABLE correction ADD CONSTRAINT correction_source_ck CHECK (source IN ('OPERATOR', 'MODEL', 'GROUND_TRUTH'))`);
    await q.query(`ALTER TABLE retrain_policy DROP CONSTRAINT retrain_policy_kind_ck`);
    await q.query(`ALTER TABLE retrain_policy ADD CONSTRAINT retrain_policy_kind_ck CHECK (kind IN ('DRIFT', 'SCHEDULE', 'CLUSTER', 'VOLUME', 'ACCURACY'))`);
    await q.query(`
      CREATE TABLE ground_truth (
        request_id text NOT NULL,
        expected text NOT NULL,
        redactions jsonb,
        observed_at timestamptz NOT NULL,
        reported_by text NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        model_version text,
        ts timestamptz,
        matched boolean,
        compared_at timestamptz,
        CONSTRAINT ground_truth_pk PRIMARY KEY (request_id)
      )`);
    // The match job's queue, and the accuracy series (per model version, by the entry's time).
    await q.query(`CREATE INDEX ground_truth_pending_idx ON ground_truth (received_at) WHERE compared_at IS NULL`);
    await q.query(`CREATE INDEX ground_truth_model_idx ON ground_truth (model_version, ts) WHERE compared_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ground_truth`);
    await q.query(`ALTER TABLE retrain_policy DROP CONSTRAINT retrain_policy_kind_ck`);
    await q.query(`ALTER TABLE retrain_policy ADD CONSTRAINT retrain_policy_kind_ck CHECK (kind IN ('DRIFT', 'SCHEDULE', 'CLUSTER', 'VOLUME'))`);
    await q.query(`ALTER TABLE correction DROP CONSTRAINT correction_source_ck`);
    await q.query(`ALTER TABLE correction ADD CONSTRAINT correction_source_ck CHECK (source IN ('OPERATOR', 'MODEL'))`);
    await q.query(`ALTER TABLE log_tag DROP CONSTRAINT log_tag_source_ck`);
    await q.query(`ALTER TABLE log_tag ADD CONSTRAINT log_tag_source_ck CHECK (source IN ('USER_FEEDBACK', 'DRIFT', 'AUTO_FLAG', 'OPERATOR', 'API'))`);
    await q.query(`ALTER TABLE model_line DROP CONSTRAINT model_line_ground_truth_match_ck, DROP COLUMN ground_truth_match, DROP COLUMN ground_truth_tolerance`);
  }
}
