import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

/** A training run: a dataset version + a base model version → a candidate model version. */
@Entity({ name: 'training_run' })
@Unique('training_run_candidate_uq', ['candidateModelVersion'])
@Index('training_run_dataset_idx', ['datasetVersionId'])
@Index('training_run_base_idx', ['baseModelVersion', 'createdAt'])
@Check('training_run_status_ck', "status IN ('RUNNING', 'SUCCEEDED', 'FAILED')")
export class TrainingRun {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'training_run_pk' })
  id: string;

  @Column({ name: 'dataset_version_id', type: 'uuid' })
  datasetVersionId: string;

  @Column({ name: 'base_model_version', type: 'text' })
  baseModelVersion: string;

  @Column({ name: 'candidate_model_version', type: 'text' })
  candidateModelVersion: string;

  @Column({ name: 'model_line', type: 'text' })
  modelLine: string;

  @Column({ type: 'text', default: 'RUNNING' })
  status: string;

  @Column({ name: 'external_url', type: 'text', nullable: true })
  externalUrl: string | null;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
