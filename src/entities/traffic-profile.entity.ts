import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** What recent healthy prompts of one model version look like (see services/ingest/ood-profile.ts). */
@Entity({ name: 'traffic_profile' })
export class TrafficProfile {
  @PrimaryColumn({ name: 'model_version', type: 'text' })
  modelVersion: string;

  @Column({ type: 'integer' })
  samples: number;

  @Column({ name: 'log_length_mean', type: 'double precision' })
  logLengthMean: number;

  @Column({ name: 'log_length_std', type: 'double precision' })
  logLengthStd: number;

  @Column({ name: 'non_latin_mean', type: 'double precision' })
  nonLatinMean: number;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
