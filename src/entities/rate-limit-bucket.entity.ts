import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One token bucket per API key and kind of call, shared by every API process on the database. Each
 * process takes a batch of tokens with one upsert and spends them locally (src/services/rate-limit).
 * No foreign key to api_key, as everywhere.
 */
@Entity({ name: 'rate_limit_bucket' })
@Check('rate_limit_bucket_kind_ck', "kind IN ('INGEST', 'FEEDBACK', 'REVIEW')")
export class RateLimitBucket {
  @PrimaryColumn({ name: 'api_key_id', type: 'uuid', primaryKeyConstraintName: 'rate_limit_bucket_pk' })
  apiKeyId: string;

  /** INGEST (rows) | FEEDBACK (calls) | REVIEW (calls) */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'rate_limit_bucket_pk' })
  kind: string;

  /** Tokens left at `refilled_at` (refilled at the configured rate up to the burst when next read). */
  @Column({ type: 'double precision' })
  tokens: number;

  @Column({ name: 'refilled_at', type: 'timestamptz' })
  refilledAt: Date;

  /** What the last lease handed out (the statement's answer; RETURNING shows only new values). */
  @Column({ name: 'last_grant', type: 'double precision', default: 0 })
  lastGrant: number;
}
