import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** The completion the model should have produced, with its annotation metadata. */
@Entity({ name: 'correction' })
@Index('correction_request_idx', ['requestId'])
@Index('correction_accepted_prompt_completion_idx', ['promptKey', 'completionKey'], { where: "status = 'ACCEPTED'" })
@Index('correction_accepted_model_idx', ['modelVersion', 'acceptedAt'], { where: "status = 'ACCEPTED'" })
@Check('correction_source_ck', "source IN ('OPERATOR', 'MODEL', 'GROUND_TRUTH')")
@Check('correction_status_ck', "status IN ('ACCEPTED', 'PROPOSED', 'REJECTED')")
export class Correction {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'request_id', type: 'text' })
  requestId: string;

  /** Redacted like any other text. */
  @Column({ type: 'text' })
  completion: string;

  @Column({ type: 'jsonb', nullable: true })
  redactions: Record<string, number> | null;

  /** OPERATOR | MODEL */
  @Column({ type: 'text' })
  source: string;

  @Column({ type: 'text' })
  annotator: string;

  @Column({ type: 'double precision', nullable: true })
  confidence: number | null;

  /** ACCEPTED | PROPOSED | REJECTED */
  @Column({ type: 'text' })
  status: string;

  /** SHA-256 of the normalised prompt: corrections of the same prompt meet here. */
  @Column({ name: 'prompt_key', type: 'text' })
  promptKey: string;

  /** SHA-256 of the normalised completion: two accepted corrections with different keys conflict. */
  @Column({ name: 'completion_key', type: 'text' })
  completionKey: string;

  @Column({ name: 'reviewed_by', type: 'text', nullable: true })
  reviewedBy: string | null;

  @Column({ name: 'reviewed_at', type: 'timestamptz', nullable: true })
  reviewedAt: Date | null;

  /** The entry's model version, copied when the correction is written (retrain counts read it). */
  @Column({ name: 'model_version', type: 'text', nullable: true })
  modelVersion: string | null;

  /** When it became ACCEPTED (on submit, or by acceptCorrection). */
  @Column({ name: 'accepted_at', type: 'timestamptz', nullable: true })
  acceptedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
