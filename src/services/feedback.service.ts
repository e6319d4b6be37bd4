import { REQUEST_ID_RE } from './input-rules';
import { isUuid } from '../db/sql';
import { EntityManager } from 'typeorm';
import type { Config } from '../config';
import { badInput, FlywheelError, InputProblem } from '../errors';
import type { Metrics } from '../metrics';
import type { Principal } from './api-key.service';
import { holdOffCompaction } from './compaction-references';
import { redactText } from './redaction/redactor';
import { TagService } from './tag.service';
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

/**
 * Feedback buttons. Negative kinds tag the entry `user_negative` (source USER_FEEDBACK, actor: the
 * feedback id). Feedback may outrun its log row: it is kept (and keeps the row from compaction) and
 * the row is linked when it arrives, since both meet on requestId. Feedback for a compacted row is
 * kept and counted, and the reply says so: it measures what the sampling budget threw away.
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
      const existing = await this.byClientId(tx, input.clientFeedbackId);
      if (existing) return this.replay(existing, input);
    }
    const [state]: { logged: boolean; compacted: boolean }[] = await tx.query(
      `SELECT EXISTS (SELECT 1 FROM inference_request r JOIN inference_log l ON l.ts = r.ts AND l.request_id = r.request_id WHERE r.request_id = $1) AS logged,
              EXISTS (SELECT 1 FROM inference_request r WHERE r.request_id = $1 AND r.compacted_at IS NOT NULL) AS compacted`,
      [input.requestId],
    );
    const target: FeedbackTarget = state.logged ? 'LOGGED' : state.compacted ? 'COMPACTED' : 'PENDING';
    const comment = input.comment ? redactText(input.comment) : null;
    const rows: FeedbackRow[] = await tx.query(
      `INSERT INTO feedback AS f (request_id, kind, rating, comment, redactions, user_id_hash, client_feedback_id, target_state, api_key_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (client_feedback_id) WHERE client_feedback_id IS NOT NULL DO NOTHING
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
      ],
    );
    if (rows.length === 0) {
      // A concurrent submit with the same clientFeedbackId won the insert; ours waited for it.
      return this.replay((await this.byClientId(tx, input.clientFeedbackId!))!, input);
    }
    const feedback = rows[0];
    if (target !== 'COMPACTED' && isNegative(input.kind, input.rating)) {
      await this.tags.addTags(tx, [input.requestId], ['user_negative'], 'USER_FEEDBACK', feedback.id, { allowPending: true });
    }
    this.metrics.feedback.inc({ kind: input.kind, target: target.toLowerCase() });
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

  private async byClientId(tx: EntityManager, clientFeedbackId: string): Promise<FeedbackRow | undefined> {
    const rows: FeedbackRow[] = await tx.query(`SELECT ${FEEDBACK_COLUMNS} FROM feedback f WHERE f.client_feedback_id = $1`, [clientFeedbackId]);
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
    if (problems.length) throw badInput(problems);
  }
}
