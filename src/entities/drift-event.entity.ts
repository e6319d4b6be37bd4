import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A drift signal for one model version. While open (resolved_at null), new rows of that version are kept (DRIFT_OPEN). */
@Entity({ name: 'drift_event' })
@Index('drift_event_open_idx', ['modelVersion'], { where: 'resolved_at IS NULL' })
export class DriftEvent {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'model_version', type: 'text' })
  modelVersion: string;

  @Column({ name: 'detected_at', type: 'timestamptz' })
  detectedAt: Date;

  @Column({ type: 'text' })
  metric: string;

  @Column({ type: 'double precision' })
  value: number;

  @Column({ type: 'double precision' })
  threshold: number;

  @Column({ name: 'window_hours', type: 'double precision' })
  windowHours: number;

  @Column({ name: 'resolved_at', type: 'timestamptz', nullable: true })
  resolvedAt: Date | null;

  @Column({ name: 'resolved_by', type: 'text', nullable: true })
  resolvedBy: string | null;

  /** Rows tagged drift_window when the event was reported. */
  @Column({ name: 'tagged_count', type: 'integer', default: 0 })
  taggedCount: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
