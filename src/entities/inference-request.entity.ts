import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * The idempotency register: one row per requestId ever accepted, kept after its log row is compacted.
 * It lives apart from `inference_log` because that table will be partitioned by time, and PostgreSQL
 * only allows unique constraints that include the partition key; a global "requestId is unique" must
 * therefore sit in an unpartitioned table. It also answers "was this row logged and then compacted?"
 */
@Entity({ name: 'inference_request' })
export class InferenceRequest {
  @PrimaryColumn({ name: 'request_id', type: 'text' })
  requestId: string;

  /** The log row's ts: with requestId it is the log row's key, and lets lookups prune partitions. */
  @Column({ type: 'timestamptz' })
  ts: Date;

  @Column({ name: 'compacted_at', type: 'timestamptz', nullable: true })
  compactedAt: Date | null;
}
