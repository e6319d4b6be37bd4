import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Progress a job handler reports while it runs; the queue library keeps state, retries and output. */
@Entity({ name: 'job_run' })
export class JobRun {
  @PrimaryColumn({ name: 'job_id', type: 'uuid' })
  jobId: string;

  @Column({ type: 'text' })
  name: string;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  progress: Record<string, unknown>;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
