import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A user's reaction to one response. The comment is redacted; the user id is HMAC'd. */
@Entity({ name: 'feedback' })
// Idempotency keys are the sending key's own: another key cannot squat or replay them.
@Index('feedback_client_id_uq', ['apiKeyId', 'clientFeedbackId'], { unique: true, where: 'client_feedback_id IS NOT NULL' })
@Index('feedback_request_idx', ['requestId'])
@Index('feedback_pending_idx', ['apiKeyId', 'createdAt'], { where: 'pending_expires_at IS NOT NULL' })
@Check('feedback_kind_ck', "kind IN ('THUMBS_UP', 'THUMBS_DOWN', 'REGENERATE', 'REPORT', 'RATING')")
@Check('feedback_target_ck', "target_state IN ('LOGGED', 'PENDING', 'COMPACTED')")
export class Feedback {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'request_id', type: 'text' })
  requestId: string;

  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'smallint', nullable: true })
  rating: number | null;

  @Column({ type: 'text', nullable: true })
  comment: string | null;

  @Column({ type: 'jsonb', nullable: true })
  redactions: Record<string, number> | null;

  @Column({ name: 'user_id_hash', type: 'text', nullable: true })
  userIdHash: string | null;

  @Column({ name: 'client_feedback_id', type: 'text', nullable: true })
  clientFeedbackId: string | null;

  /** The log row when the feedback arrived: LOGGED, PENDING (not yet logged) or COMPACTED. */
  @Column({ name: 'target_state', type: 'text' })
  targetState: string;

  @Column({ name: 'api_key_id', type: 'uuid', nullable: true })
  apiKeyId: string | null;

  /**
   * Set while the feedback waits for its log row (PENDING): no tag, no review item, counted against
   * FEEDBACK_PENDING_MAX_PER_KEY. The feedback-match job clears it when the row arrives, or deletes the
   * feedback once this time has passed.
   */
  @Column({ name: 'pending_expires_at', type: 'timestamptz', nullable: true })
  pendingExpiresAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
