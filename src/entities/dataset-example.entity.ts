import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Membership: one log entry (with the correction used) in one dataset version. */
@Entity({ name: 'dataset_example' })
@Index('dataset_example_request_idx', ['requestId'])
@Check('dataset_example_split_ck', "split IN ('TRAIN', 'VALIDATION')")
export class DatasetExample {
  @PrimaryColumn({ name: 'dataset_version_id', type: 'uuid' })
  datasetVersionId: string;

  @PrimaryColumn({ name: 'request_id', type: 'text' })
  requestId: string;

  @Column({ name: 'correction_id', type: 'uuid' })
  correctionId: string;

  /** TRAIN | VALIDATION (by a hash of the example, so a rebuild keeps the split). */
  @Column({ type: 'text' })
  split: string;

  /** SHA-256 of the normalised prompt, as in correction.prompt_key. */
  @Column({ name: 'prompt_key', type: 'text' })
  promptKey: string;
}
