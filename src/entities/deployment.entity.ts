import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A model version in production for a line, from deployedAt until endedAt (null: deployed now). */
@Entity({ name: 'deployment' })
@Index('deployment_current_uq', ['modelLine'], { unique: true, where: 'ended_at IS NULL' })
@Index('deployment_line_idx', ['modelLine', 'deployedAt', 'id'])
@Index('deployment_version_idx', ['modelVersion'])
@Check('deployment_kind_ck', "kind IN ('ADOPTED', 'PROMOTED', 'ROLLED_BACK')")
export class Deployment {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'deployment_pk' })
  id: string;

  @Column({ name: 'model_line', type: 'text' })
  modelLine: string;

  @Column({ name: 'model_version', type: 'text' })
  modelVersion: string;

  @Column({ name: 'training_run_id', type: 'uuid', nullable: true })
  trainingRunId: string | null;

  /** ADOPTED (in production before Flywheel), PROMOTED (passed promotionDecision), ROLLED_BACK (restored). */
  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'text' })
  reason: string;

  @Column({ name: 'deployed_by', type: 'text' })
  deployedBy: string;

  @CreateDateColumn({ name: 'deployed_at', type: 'timestamptz' })
  deployedAt: Date;

  @Column({ name: 'probation_until', type: 'timestamptz', nullable: true })
  probationUntil: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true })
  endedAt: Date | null;

  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason: string | null;

  /** The deployment this one replaced (what a rollback restores). */
  @Column({ name: 'replaces_id', type: 'uuid', nullable: true })
  replacesId: string | null;

  /** The gates it passed when deployed, with definitions and scores: later candidates inherit them. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  gates: unknown[];
}
