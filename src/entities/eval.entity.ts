import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

/** A named metric a model line's candidates are judged on: threshold, direction, tolerance, required. */
@Entity({ name: 'eval_gate' })
@Unique('eval_gate_name_uq', ['modelLine', 'name'])
@Check('eval_gate_direction_ck', "direction IN ('HIGHER_IS_BETTER', 'LOWER_IS_BETTER')")
export class EvalGate {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'eval_gate_pk' })
  id: string;

  @Column({ name: 'model_line', type: 'text' })
  modelLine: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'text' })
  direction: string;

  @Column({ type: 'double precision' })
  threshold: number;

  /** How far a candidate may fall behind the deployed version's score on this gate. */
  @Column({ type: 'double precision', default: 0 })
  tolerance: number;

  @Column({ type: 'boolean', default: true })
  required: boolean;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** One recorded score of a model version on a gate (from its training run's eval, or a gold-set run later). */
@Entity({ name: 'evaluation' })
@Index('evaluation_model_idx', ['modelVersion', 'gate', 'recordedAt'])
export class Evaluation {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'evaluation_pk' })
  id: string;

  @Column({ name: 'model_version', type: 'text' })
  modelVersion: string;

  @Column({ name: 'training_run_id', type: 'uuid', nullable: true })
  trainingRunId: string | null;

  @Column({ type: 'text' })
  gate: string;

  @Column({ type: 'double precision' })
  value: number;

  @Column({ name: 'recorded_by', type: 'text' })
  recordedBy: string;

  @CreateDateColumn({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt: Date;
}
