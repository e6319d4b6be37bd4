import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Where the last complete compaction run ended: every log row due before `dueBefore` (due = the later of
 * ts and received_at, both past the grace window) has been examined once, so the next run starts there.
 */
@Entity({ name: 'compaction_watermark' })
export class CompactionWatermark {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'compaction_watermark_pk' })
  name: string;

  @Column({ name: 'due_before', type: 'timestamptz' })
  dueBefore: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
