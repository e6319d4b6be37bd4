import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One logged request/response, already redacted. Keyed by (ts, request_id); the table is partitioned by
 * range of ts, one partition per UTC day plus a DEFAULT one (migration 1764800000000; partitions are
 * DDL the entity cannot express, so they are not declared here). Idempotency lives in `inference_request`.
 */
@Entity({ name: 'inference_log' })
@Index('inference_log_model_ts_idx', ['modelVersion', 'ts', 'requestId'])
// BRIN (compaction's received_at watermark scan): TypeORM cannot declare an index method, so it is
// left to the migration and not synchronised.
@Index('inference_log_received_brin', { synchronize: false })
export class InferenceLog {
  @PrimaryColumn({ type: 'timestamptz' })
  ts: Date;

  @PrimaryColumn({ name: 'request_id', type: 'text' })
  requestId: string;

  @Column({ name: 'model_version', type: 'text' })
  modelVersion: string;

  @Column({ type: 'text' })
  prompt: string;

  @Column({ type: 'text' })
  response: string;

  @Column({ name: 'latency_ms', type: 'integer' })
  latencyMs: number;

  /** HMAC-SHA-256 of the caller's user id under USER_ID_HMAC_KEY; the raw id is never stored. */
  @Column({ name: 'user_id_hash', type: 'text', nullable: true })
  userIdHash: string | null;

  @Column({ name: 'response_logprob', type: 'double precision', nullable: true })
  responseLogprob: number | null;

  @Column({ type: 'boolean', default: false })
  flagged: boolean;

  @Column({ type: 'jsonb', nullable: true })
  metadata: Record<string, unknown> | null;

  /** Why the sampling budget keeps this row; empty = compacted after the grace window unless referenced. */
  @Column({ name: 'keep_reasons', type: 'text', array: true })
  keepReasons: string[];

  /** PII placeholders written into this row, by type; NULL when none. */
  @Column({ type: 'jsonb', nullable: true })
  redactions: Record<string, number> | null;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt: Date;
}
