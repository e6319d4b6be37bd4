import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12, abuse limits:
 * - `rate_limit_bucket`: one token bucket per API key and kind of call (INGEST rows, FEEDBACK and
 *   REVIEW calls), shared by every API process on the database. A process takes a batch of tokens with
 *   one upsert (see src/services/rate-limit) and spends them locally.
 * - Pending feedback (its requestId not logged yet) waits with `pending_expires_at` set: it writes no tag
 *   and no review item until the feedback-match job links it to its row, counts against a per-key cap,
 *   and is deleted when it expires. `feedback_pending_idx` serves the cap (per key, oldest first) and
 *   the job (a scan of the pending rows only).
 * - `clientFeedbackId` is unique per key, not globally: another key could squat a predictable id.
 *
 * Existing pending feedback gets 24 hours (the FEEDBACK_PENDING_HOURS default) from now, and the tags
 * and review items that older code wrote ahead of rows that never arrived are removed (the job writes
 * them again if a row does arrive in time). No foreign keys, as everywhere.
 */
export class RateLimitsPendingFeedback1764760000000 implements MigrationInterface {
  name = 'RateLimitsPendingFeedback1764760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rate_limit_bucket (
        api_key_id uuid NOT NULL,
        kind text NOT NULL,
        tokens double precision NOT NULL,
        refilled_at timestamptz NOT NULL,
        last_grant double precision NOT NULL DEFAULT 0,
        CONSTRAINT rate_limit_bucket_pk PRIMARY KEY (api_key_id, kind),
        CONSTRAINT rate_limit_bucket_kind_ck CHECK (kind IN ('INGEST', 'FEEDBACK', 'REVIEW'))
      )`);

    await q.query(`ALTER TABLE feedback ADD COLUMN pending_expires_at timestamptz`);
    await q.query(`CREATE INDEX feedback_pending_idx ON feedback (api_key_id, created_at) WHERE pending_expires_at IS NOT NULL`);
    await q.query(`
      UPDATE feedback f SET pending_expires_at = now() + interval '24 hours'
      WHERE f.target_state = 'PENDING' AND NOT EXISTS (SELECT 1 FROM inference_request r WHERE r.request_id = f.request_id)`);
    await q.query(`
      DELETE FROM log_tag t WHERE t.source = 'USER_FEEDBACK'
        AND NOT EXISTS (SELECT 1 FROM inference_request r WHERE r.request_id = t.request_id)`);
    await q.query(`
      DELETE FROM review_item ri WHERE ri.ts IS NULL
        AND NOT EXISTS (SELECT 1 FROM inference_request r WHERE r.request_id = ri.request_id)
        AND NOT EXISTS (SELECT 1 FROM log_tag t WHERE t.request_id = ri.request_id AND t.removed_at IS NULL)`);

    await q.query(`DROP INDEX feedback_client_id_uq`);
    await q.query(`CREATE UNIQUE INDEX feedback_client_id_uq ON feedback (api_key_id, client_feedback_id) WHERE client_feedback_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Two keys may now hold the same clientFeedbackId: keep the first of each before the global index returns.
    await q.query(`
      UPDATE feedback f SET client_feedback_id = NULL
      WHERE f.client_feedback_id IS NOT NULL AND EXISTS (
        SELECT 1 FROM feedback o WHERE o.client_feedback_id = f.client_feedback_id AND (o.created_at, o.id) < (f.created_at, f.id))`);
    await q.query(`DROP INDEX feedback_client_id_uq`);
    await q.query(`CREATE UNIQUE INDEX feedback_client_id_uq ON feedback (client_feedback_id) WHERE client_feedback_id IS NOT NULL`);
    await q.query(`DROP INDEX feedback_pending_idx`);
    await q.query(`ALTER TABLE feedback DROP COLUMN pending_expires_at`);
    await q.query(`DROP TABLE rate_limit_bucket`);
  }
}
