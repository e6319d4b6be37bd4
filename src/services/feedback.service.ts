import { REQUEST_ID_RE } from './input-rules';
import { isUuid, queryRows } from '../db/sql';
import { EntityManager } from 'typeorm';
import type { Config } from '../config';
import { badInput, FlywheelError, InputProblem } from '../errors';
import { countRedactions, type Metrics } from '../metrics';
import type { Principal } from './api-key.service';
import { holdOffCompaction } from './compaction-references';
import { redactText } from './redaction/redactor';
import { identifierPiiProblem } from './redaction/identifier-check';
import { enqueueReviewSql, TagService } from './tag.service';
import { UserIdHasher } from './user-id-hasher';

export const FEEDBACK_KINDS = ['THUMBS_UP', 'THUMBS_DOWN', 'REGENERATE', 'REPORT', 'RATING'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];
export type FeedbackTarget = 'LOGGED' | 'PENDING' | 'COMPACTED';

export interface FeedbackInput {
  requestId: string;
  kind: FeedbackKind;
  rating?: number | null;
  comment?: string | null;
  userId?: string | null;
  clientFeedbackId?: string | null;
}

export interface FeedbackRow {
  id: string;
  requestId: string;
  kind: FeedbackKind;
  rating: number | null;
  comment: string | null;
  targetState: FeedbackTarget;
  createdAt: Date;
}

export interface SubmittedFeedback extends FeedbackRow {
  /** True when the log row existed when the feedback arrived. */
  linked: boolean;
  /** False when clientFeedbackId had been seen: the first feedback is returned and nothing is written. */
  created: boolean;
}

const MAX_COMMENT = 4000;
/** A rating at or below this (1–5 scale) counts as negative, like a thumbs-down. */
const NEGATIVE_RATING = 2;

export const FEEDBACK_COLUMNS = `f.id, f.request_id AS "requestId", f.kind, f.rating, f.comment, f.target_state AS "targetState", f.created_at AS "createdAt"`;

export function isNegative(kind: FeedbackKind, rating: number | null | undefined): boolean {
  return kind === 'THUMBS_DOWN' || kind === 'REGENERATE' || kind === 'REPORT' || (kind === 'RATING' && rating != null && rating <= NEGATIVE_RATING);
}

/** Advisory lock class of "this key's pending feedback" (the object id is hashtext of the key id). */
const PENDING_LOCK_CLASS = 727_004;

/**
 * Feedback buttons. Negative kinds tag the entry `user_negative` (source USER_FEEDBACK, actor: the
 * feedback id). Feedback may outrun its log row: it is kept as PENDING (pending_expires_at set) and
 * does nothing else — no tag, no review item — until the feedback-match job finds its row (then it is
 * linked: tagged, queued, and it protects the row from compaction like any feedback). A key has at most
 * FEEDBACK_PENDING_MAX_PER_KEY pending feedback (its oldest are dropped), and pending feedback whose row
 * has not arrived after FEEDBACK_PENDING_HOURS is deleted. So a FEEDBACK key, which ships to browsers,
 * cannot fill the review queue or pin ids that were never logged. Feedback for a compacted row is kept
 * and counted, and the reply says so: it measures what the sampling budget threw away.
 * `clientFeedbackId` is an idempotency key of the key that sent it.
 */
export class FeedbackService {
  constructor(
    private readonly config: Config,
    private readonly hasher: UserIdHasher,
    private readonly tags: TagService,
    private readonly metrics: Metrics,
  ) {}

  async submit(tx: EntityManager, principal: Principal, input: FeedbackInput): Promise<SubmittedFeedback> {
    this.validate(input);
    await holdOffCompaction(tx);
    if (input.clientFeedbackId) {
      const existing = await this.byClientId(tx, principal.keyId, input.clientFeedbackId);
      if (existing) return this.replay(existing, input);
    }
    const [state]: { logged: boolean; compacted: boolean }[] = await tx.query(
      `SELECT EXISTS (SELECT 1 FROM inference_request r JOIN inference_log l ON l.ts = r.ts AND l.request_id = r.request_id WHERE r.request_id = $1) AS logged,
              EXISTS (SELECT 1 FROM inference_request r WHERE r.request_id = $1 AND r.compacted_at IS NOT NULL) AS compacted`,
      [input.requestId],
    );
    const target: FeedbackTarget = state.logged ? 'LOGGED' : state.compacted ? 'COMPACTED' : 'PENDING';
    const comment = input.comment ? redactText(input.comment) : null;
    // One key's pending feedback is capped exactly: its submits of pending feedback take turns.
    if (target === 'PENDING') await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [PENDING_LOCK_CLASS, principal.keyId]);
    const rows: FeedbackRow[] = await tx.query(
      `INSERT INTO feedback AS f (request_id, kind, rating, comment, redactions, user_id_hash, client_feedback_id, target_state, api_key_id, pending_expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $8 = 'PENDING' THEN now() + make_interval(secs => $10) END)
       ON CONFLICT (api_key_id, client_feedback_id) WHERE client_feedback_id IS NOT NULL DO NOTHING
       RETURNING ${FEEDBACK_COLUMNS}`,
      [
        input.requestId,
        input.kind,
        input.rating ?? null,
        comment?.text ?? null,
        comment && comment.total > 0 ? JSON.stringify(comment.counts) : null,
        this.hasher.hash(input.userId),
        input.clientFeedbackId ?? null,
        target,
        principal.keyId,
        this.config.feedbackPendingHours * 3600,
      ],
    );
    if (rows.length === 0) {
      // A concurrent submit with the same clientFeedbackId won the insert; ours waited for it.
      return this.replay((await this.byClientId(tx, principal.keyId, input.clientFeedbackId!))!, input);
    }
    const feedback = rows[0];
    if (target === 'PENDING') {
      // Over the cap, the key's oldest pending feedback goes (never another key's). Not an error: the
      // reply must not tell a FEEDBACK key whether a requestId was logged.
      await tx.query(
        `DELETE FROM feedback f WHERE f.id IN (
           SELECT p.id FROM feedback p WHERE p.api_key_id = $1 AND p.pending_expires_at IS NOT NULL
           ORDER BY p.created_at DESC, p.id DESC OFFSET $2)`,
        [principal.keyId, this.config.feedbackPendingMaxPerKey],
      );
    } else if (target === 'LOGGED' && isNegative(input.kind, input.rating)) {
      await this.tags.addTags(tx, [input.requestId], ['user_negative'], 'USER_FEEDBACK', feedback.id);
    }
    this.metrics.feedback.inc({ kind: input.kind, target: target.toLowerCase() });
    countRedactions(this.metrics, comment?.counts);
    return { ...feedback, linked: target === 'LOGGED', created: true };
  }

  byIds(db: EntityManager, ids: string[]): Promise<FeedbackRow[]> {
    return db.query(`SELECT ${FEEDBACK_COLUMNS} FROM feedback f WHERE f.id = ANY ($1::uuid[])`, [ids.filter(isUuid)]);
  }

  private replay(existing: FeedbackRow, input: FeedbackInput): SubmittedFeedback {
    if (existing.requestId !== input.requestId) {
      throw new FlywheelError('BAD_USER_INPUT', `clientFeedbackId was already used for another requestId; use a new id per feedback`, {
        problems: [{ field: 'clientFeedbackId', message: 'already used for another requestId' }],
      });
    }
    return { ...existing, linked: existing.targetState === 'LOGGED', created: false };
  }

  private async byClientId(tx: EntityManager, keyId: string, clientFeedbackId: string): Promise<FeedbackRow | undefined> {
    const rows: FeedbackRow[] = await tx.query(`SELECT ${FEEDBACK_COLUMNS} FROM feedback f WHERE f.api_key_id = $1 AND f.client_feedback_id = $2`, [keyId, clientFeedbackId]);
    return rows[0];
  }

  private validate(input: FeedbackInput): void {
    const problems: InputProblem[] = [];
    if (!REQUEST_ID_RE.test(input.requestId)) problems.push({ field: 'requestId', message: 'must be 1–200 printable ASCII characters without spaces' });
    if (input.clientFeedbackId != null && !REQUEST_ID_RE.test(input.clientFeedbackId)) {
      problems.push({ field: 'clientFeedbackId', message: 'must be 1–200 printable ASCII characters without spaces' });
    }
    if (input.kind === 'RATING' && input.rating == null) problems.push({ field: 'rating', message: 'is required for kind RATING (1–5)' });
    if (input.rating != null && (!Number.isInteger(input.rating) || input.rating < 1 || input.rating > 5)) {
      problems.push({ field: 'rating', message: 'must be an integer from 1 to 5' });
    }
    if (input.comment != null && input.comment.length > MAX_COMMENT) problems.push({ field: 'comment', message: `must be at most ${MAX_COMMENT} characters` });
    if (input.comment?.includes('\u0000')) problems.push({ field: 'comment', message: 'contains a NUL character (\\u0000); remove it' });
    if (input.userId != null && input.userId.length > 512) problems.push({ field: 'userId', message: 'must be at most 512 characters' });
    // A pending click stores its requestId before any log row exists: the same rule as at ingest.
    for (const p of [identifierPiiProblem('requestId', input.requestId), identifierPiiProblem('clientFeedbackId', input.clientFeedbackId)]) {
      if (p) problems.push(p);
    }
    if (problems.length) throw badInput(problems);
  }
}

/** Pending feedback linked (or expired) per feedback-match run; the rest waits for the next minute. */
const MATCH_BATCH = 5000;

/**
 * The feedback-match job (every minute): pending feedback whose row has arrived is linked — its
 * pending mark cleared, and a negative one tags the entry `user_negative` (source USER_FEEDBACK, actor
 * the feedback id), which puts it in the review queue when `user_negative` is a REVIEW_TAGS tag — and
 * pending feedback past its expiry is deleted. Linking runs first, so a row that arrived in time is
 * always linked. Holds compaction off (it adds references).
 */
export async function matchPendingFeedback(db: EntityManager, reviewTags: string[]): Promise<{ linked: number; expired: number }> {
  return db.transaction(async (tx) => {
    await holdOffCompaction(tx);
    const [row]: { linked: number; tagged: number }[] = await tx.query(
      `WITH linked AS (
         UPDATE feedback f SET pending_expires_at = NULL
         WHERE f.id IN (
           SELECT p.id FROM feedback p
           WHERE p.pending_expires_at IS NOT NULL AND p.pending_expires_at >= now()
             AND EXISTS (SELECT 1 FROM inference_request r WHERE r.request_id = p.request_id)
           ORDER BY p.created_at LIMIT ${MATCH_BATCH}
           FOR UPDATE SKIP LOCKED)
         RETURNING f.id, f.request_id, f.kind, f.rating
       ),
       new_tags AS (
         INSERT INTO log_tag (request_id, tag, source, actor)
         SELECT DISTINCT ON (k.request_id) k.request_id, 'user_negative', 'USER_FEEDBACK', k.id::text
         FROM linked k
         WHERE (k.kind IN ('THUMBS_DOWN', 'REGENERATE', 'REPORT') OR (k.kind = 'RATING' AND k.rating <= ${NEGATIVE_RATING}))
           -- the log row, not only its register entry (a compacted row is not tagged)
           AND EXISTS (SELECT 1 FROM inference_request r JOIN inference_log l ON l.ts = r.ts AND l.request_id = r.request_id WHERE r.request_id = k.request_id)
         ORDER BY k.request_id, k.id
         ON CONFLICT (request_id, tag) WHERE removed_at IS NULL DO NOTHING
         RETURNING request_id, tag
       ),
       queued AS (${enqueueReviewSql('$1::text[]')})
       SELECT (SELECT count(*)::int FROM linked) AS linked, (SELECT count(*)::int FROM new_tags) AS tagged`,
      [reviewTags],
    );
    const expired = await queryRows<{ id: string }>(
      tx,
      `DELETE FROM feedback f WHERE f.id IN (
         SELECT p.id FROM feedback p WHERE p.pending_expires_at IS NOT NULL AND p.pending_expires_at < now()
         LIMIT ${MATCH_BATCH} FOR UPDATE SKIP LOCKED)
       RETURNING f.id`,
    );
    return { linked: row.linked, expired: expired.length };
  });
}
