import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** The true outcome of one logged request, reported later, and how the logged response compared. */
@Entity({ name: 'ground_truth' })
@Index('ground_truth_pending_idx', ['receivedAt'], { where: 'compared_at IS NULL' })
@Index('ground_truth_model_idx', ['modelVersion', 'ts'], { where: 'compared_at IS NOT NULL' })
export class GroundTruth {
  @PrimaryColumn({ name: 'request_id', type: 'text', primaryKeyConstraintName: 'ground_truth_pk' })
  requestId: string;

  /** Redacted like any text. */
  @Column({ type: 'text' })
  expected: string;

  @Column({ type: 'jsonb', nullable: true })
  redactions: Record<string, number> | null;

  @Column({ name: 'observed_at', type: 'timestamptz' })
  observedAt: Date;

  @Column({ name: 'reported_by', type: 'text' })
  reportedBy: string;

  @Column({ name: 'received_at', type: 'timestamptz', default: () => 'now()' })
  receivedAt: Date;

  /** Copied from the log row when compared. */
  @Column({ name: 'model_version', type: 'text', nullable: true })
  modelVersion: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  ts: Date | null;

  /** null until compared (the log row may not exist yet). */
  @Column({ type: 'boolean', nullable: true })
  matched: boolean | null;

  @Column({ name: 'compared_at', type: 'timestamptz', nullable: true })
  comparedAt: Date | null;
}
