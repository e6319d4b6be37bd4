import { Column, Entity, PrimaryColumn } from 'typeorm';

/** True volume per model version and UTC hour, kept while rows are compacted away. */
@Entity({ name: 'ingest_stats_hourly' })
export class IngestStatsHourly {
  @PrimaryColumn({ name: 'model_version', type: 'text' })
  modelVersion: string;

  @PrimaryColumn({ type: 'timestamptz' })
  hour: Date;

  @Column({ type: 'bigint', default: 0 })
  received: string;

  @Column({ name: 'kept_low_confidence', type: 'bigint', default: 0 })
  keptLowConfidence: string;

  @Column({ name: 'kept_flagged', type: 'bigint', default: 0 })
  keptFlagged: string;

  @Column({ name: 'kept_drift_open', type: 'bigint', default: 0 })
  keptDriftOpen: string;

  @Column({ name: 'kept_sampled', type: 'bigint', default: 0 })
  keptSampled: string;

  /** Rows with at least one keep reason (a row can have several, so this is not the sum). */
  @Column({ name: 'kept_any', type: 'bigint', default: 0 })
  keptAny: string;

  @Column({ type: 'bigint', default: 0 })
  compacted: string;

  /** Rows the retention job deleted (row by row or with their partition); `received` still counts them. */
  @Column({ name: 'retention_deleted', type: 'bigint', default: 0 })
  retentionDeleted: string;
}
