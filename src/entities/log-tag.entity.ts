import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One assignment of a tag to a log entry, with who/what assigned it. Removal is recorded, not erased. */
@Entity({ name: 'log_tag' })
@Index('log_tag_active_uq', ['requestId', 'tag'], { unique: true, where: 'removed_at IS NULL' })
@Index('log_tag_tag_created_idx', ['tag', 'createdAt'], { where: 'removed_at IS NULL' })
@Check('log_tag_source_ck', "source IN ('USER_FEEDBACK', 'DRIFT', 'AUTO_FLAG', 'OPERATOR', 'API', 'GROUND_TRUTH')")
export class LogTag {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id: string;

  @Column({ name: 'request_id', type: 'text' })
  requestId: string;

  @Column({ type: 'text' })
  tag: string;

  /** USER_FEEDBACK | DRIFT | AUTO_FLAG | OPERATOR | API */
  @Column({ type: 'text' })
  source: string;

  /** Key name, annotator, drift event id or feedback id. */
  @Column({ type: 'text' })
  actor: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'removed_at', type: 'timestamptz', nullable: true })
  removedAt: Date | null;

  @Column({ name: 'removed_by', type: 'text', nullable: true })
  removedBy: string | null;
}
