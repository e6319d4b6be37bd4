import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';

/** One immutable, numbered build of a named dataset (see the datasets migration). */
@Entity({ name: 'dataset_version' })
@Unique('dataset_version_name_version_uq', ['name', 'version'])
@Check('dataset_version_kind_ck', "kind IN ('TRAIN', 'EVAL')")
@Check('dataset_version_status_ck', "status IN ('PENDING', 'BUILDING', 'READY', 'FAILED')")
export class DatasetVersion {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** Monotonic per name, from 1. */
  @Column({ type: 'integer' })
  version: number;

  /** TRAIN | EVAL (a gold set: its prompts never enter a TRAIN version). */
  @Column({ type: 'text' })
  kind: string;

  /** PENDING | BUILDING | READY | FAILED */
  @Column({ type: 'text' })
  status: string;

  /** SFT and/or PREFERENCE. */
  @Column({ type: 'text', array: true })
  formats: string[];

  /** The entry filter the version was asked for (tags, from, to, modelVersions). */
  @Column({ type: 'jsonb' })
  filter: Record<string, unknown>;

  @Column({ name: 'base_version_id', type: 'uuid', nullable: true })
  baseVersionId: string | null;

  @Column({ name: 'reference_version_id', type: 'uuid', nullable: true })
  referenceVersionId: string | null;

  @Column({ name: 'system_prompt', type: 'text', nullable: true })
  systemPrompt: string | null;

  @Column({ name: 'validation_fraction', type: 'double precision', default: 0 })
  validationFraction: number;

  /** Largest population stability index the build accepts against its reference. */
  @Column({ name: 'max_psi', type: 'double precision' })
  maxPsi: number;

  @Column({ name: 'example_count', type: 'integer', nullable: true })
  exampleCount: number | null;

  @Column({ name: 'validation_count', type: 'integer', nullable: true })
  validationCount: number | null;

  /** sha256 of the primary file (train.jsonl, or preference.jsonl for preference-only versions). */
  @Column({ name: 'content_hash', type: 'text', nullable: true })
  contentHash: string | null;

  @Column({ type: 'jsonb', nullable: true })
  files: Record<string, unknown> | null;

  /** Erasures that removed examples from this version: `[{ at, examples }]`, never a user id (issue 14). */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  erasures: { at: string; examples: number }[];

  @Column({ name: 'quality_report', type: 'jsonb', nullable: true })
  qualityReport: Record<string, unknown> | null;

  @Column({ name: 'job_id', type: 'uuid', nullable: true })
  jobId: string | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;

  @Column({ name: 'created_by', type: 'text' })
  createdBy: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'built_at', type: 'timestamptz', nullable: true })
  builtAt: Date | null;

  /** Set by cancelJob; the build checks it (under the row lock) before it starts and before it publishes. */
  @Column({ name: 'cancel_requested_at', type: 'timestamptz', nullable: true })
  cancelRequestedAt: Date | null;
}
