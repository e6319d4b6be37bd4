import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** When to retrain one model version: a kind (DRIFT, SCHEDULE, CLUSTER, VOLUME, ACCURACY) and its thresholds. */
@Entity({ name: 'retrain_policy' })
@Index('retrain_policy_model_idx', ['modelVersion'])
@Check('retrain_policy_kind_ck', "kind IN ('DRIFT', 'SCHEDULE', 'CLUSTER', 'VOLUME', 'ACCURACY')")
export class RetrainPolicy {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'retrain_policy_pk' })
  id: string;

  @Column({ name: 'model_version', type: 'text' })
  modelVersion: string;

  @Column({ type: 'text' })
  kind: string;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  /** The kind's thresholds (minCorrected, intervalHours, tag, threshold, …). */
  @Column({ type: 'jsonb' })
  params: Record<string, unknown>;

  /** What to build on RETRAIN: dataset name, tags, system prompt, formats, validation fraction. */
  @Column({ type: 'jsonb' })
  dataset: Record<string, unknown>;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

/** One evaluation of a model version's policies: RETRAIN (and the dataset version built for it) or WAIT. */
@Entity({ name: 'retrain_decision' })
@Index('retrain_decision_model_idx', ['modelVersion', 'decidedAt', 'id'])
@Index('retrain_decision_fingerprint_idx', ['fingerprint'], { where: 'fingerprint IS NOT NULL' })
@Check('retrain_decision_outcome_ck', "outcome IN ('RETRAIN', 'WAIT')")
export class RetrainDecision {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'retrain_decision_pk' })
  id: string;

  @Column({ name: 'model_version', type: 'text' })
  modelVersion: string;

  @Column({ type: 'text' })
  outcome: string;

  @Column({ name: 'policy_id', type: 'uuid', nullable: true })
  policyId: string | null;

  @Column({ type: 'jsonb' })
  reasons: string[];

  @Column({ type: 'jsonb' })
  counts: Record<string, unknown>;

  /** The firing policy and the state of its data: equal fingerprints → the same dataset version. */
  @Column({ type: 'text', nullable: true })
  fingerprint: string | null;

  @Column({ name: 'dataset_version_id', type: 'uuid', nullable: true })
  datasetVersionId: string | null;

  @Column({ name: 'decided_by', type: 'text' })
  decidedBy: string;

  @CreateDateColumn({ name: 'decided_at', type: 'timestamptz' })
  decidedAt: Date;
}
