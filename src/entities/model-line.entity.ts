import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A model line (e.g. `qwen-pii`): its versions are what endpoints log as `modelVersion`; one is deployed at a time. */
@Entity({ name: 'model_line' })
@Check('model_line_ground_truth_match_ck', "ground_truth_match IN ('EXACT', 'NUMERIC')")
@Check('model_line_raw_log_retention_days_ck', 'raw_log_retention_days >= 0')
export class ModelLine {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'model_line_pk' })
  name: string;

  /** How long a promoted version may be rolled back automatically; null → PROBATION_HOURS. */
  @Column({ name: 'probation_hours', type: 'double precision', nullable: true })
  probationHours: number | null;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  /** How ground truth is compared with the logged response: EXACT (after normalisation) or NUMERIC. */
  @Column({ name: 'ground_truth_match', type: 'text', default: 'EXACT' })
  groundTruthMatch: string;

  /** NUMERIC: the largest absolute difference that still matches. */
  @Column({ name: 'ground_truth_tolerance', type: 'double precision', default: 0 })
  groundTruthTolerance: number;

  /** Days raw log rows of the line's versions are kept; null → RETENTION_DAYS; 0 → forever. */
  @Column({ name: 'raw_log_retention_days', type: 'integer', nullable: true })
  rawLogRetentionDays: number | null;
}

/** A model version and the line it belongs to. */
@Entity({ name: 'model_version' })
@Index('model_version_line_idx', ['modelLine'])
export class ModelVersion {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'model_version_pk' })
  name: string;

  @Column({ name: 'model_line', type: 'text' })
  modelLine: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
