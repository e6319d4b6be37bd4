import { MigrationInterface, QueryRunner } from 'typeorm';

/** Tags with provenance, feedback, the review queue and corrections. */
export class TagReviewCorrect1763800000000 implements MigrationInterface {
  name = 'TagReviewCorrect1763800000000';

  async up(q: QueryRunner): Promise<void> {
    // A tag assignment. Removal is recorded (removed_at), never erased; re-adding makes a new row.
    // Rows reference log entries by request_id, so a tag can precede its log row (feedback racing the log).
    await q.query(`
      CREATE TABLE log_tag (
        id bigint GENERATED ALWAYS AS IDENTITY,
        request_id text NOT NULL,
        tag text NOT NULL,
        source text NOT NULL,
        actor text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        removed_at timestamptz,
        removed_by text,
        CONSTRAINT log_tag_pk PRIMARY KEY (id),
        CONSTRAINT log_tag_source_ck CHECK (source IN ('USER_FEEDBACK', 'DRIFT', 'AUTO_FLAG', 'OPERATOR', 'API'))
      )`);
    // One active assignment per (entry, tag): adding an existing tag is a no-op (ON CONFLICT DO NOTHING).
    // The same index serves the loaders, the has-tag filters and compaction's "is it tagged?" probe.
    await q.query(`CREATE UNIQUE INDEX log_tag_active_uq ON log_tag (request_id, tag) WHERE removed_at IS NULL`);

    await q.query(`
      CREATE TABLE feedback (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        request_id text NOT NULL,
        kind text NOT NULL,
        rating smallint,
        comment text,
        redactions jsonb,
        user_id_hash text,
        client_feedback_id text,
        target_state text NOT NULL,
        api_key_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT feedback_pk PRIMARY KEY (id),
        CONSTRAINT feedback_kind_ck CHECK (kind IN ('THUMBS_UP', 'THUMBS_DOWN', 'REGENERATE', 'REPORT', 'RATING')),
        CONSTRAINT feedback_target_ck CHECK (target_state IN ('LOGGED', 'PENDING', 'COMPACTED'))
      )`);
    await q.query(`CREATE UNIQUE INDEX feedback_client_id_uq ON feedback (client_feedback_id) WHERE client_feedback_id IS NOT NULL`);
    await q.query(`CREATE INDEX feedback_request_idx ON feedback (request_id)`);

    // Queue membership and claim state live on one row per entry, so that a claim can lock the row
    // (FOR UPDATE SKIP LOCKED) and re-check its state after waiting: two annotators never get the same item.
    await q.query(`
      CREATE TABLE review_item (
        request_id text NOT NULL,
        priority smallint NOT NULL,
        reason text NOT NULL,
        ts timestamptz,
        status text NOT NULL DEFAULT 'OPEN',
        claimed_by text,
        lease_expires_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT review_item_pk PRIMARY KEY (request_id),
        CONSTRAINT review_item_status_ck CHECK (status IN ('OPEN', 'DONE'))
      )`);
    await q.query(`CREATE INDEX review_item_queue_idx ON review_item (priority, ts DESC) WHERE status = 'OPEN'`);

    await q.query(`
      CREATE TABLE correction (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        request_id text NOT NULL,
        completion text NOT NULL,
        redactions jsonb,
        source text NOT NULL,
        annotator text NOT NULL,
        confidence double precision,
        status text NOT NULL,
        prompt_key text NOT NULL,
        completion_key text NOT NULL,
        reviewed_by text,
        reviewed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT correction_pk PRIMARY KEY (id),
        CONSTRAINT correction_source_ck CHECK (source IN ('OPERATOR', 'MODEL')),
        CONSTRAINT correction_status_ck CHECK (status IN ('ACCEPTED', 'PROPOSED', 'REJECTED'))
      )`);
    await q.query(`CREATE INDEX correction_request_idx ON correction (request_id)`);
    await q.query(`CREATE INDEX correction_accepted_prompt_idx ON correction (prompt_key) WHERE status = 'ACCEPTED'`);

    await q.query(`ALTER TABLE drift_event ADD COLUMN tagged_count integer NOT NULL DEFAULT 0, ADD COLUMN resolved_by text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE drift_event DROP COLUMN tagged_count, DROP COLUMN resolved_by`);
    for (const t of ['correction', 'review_item', 'feedback', 'log_tag']) await q.query(`DROP TABLE ${t}`);
  }
}
