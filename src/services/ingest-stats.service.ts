import { EntityManager } from 'typeorm';
import { FlywheelError } from '../errors';

export interface StatsBucket {
  modelVersion: string;
  hour: Date;
  received: number;
  keptLowConfidence: number;
  keptFlagged: number;
  keptDriftOpen: number;
  keptSampled: number;
  keptAny: number;
  compacted: number;
  retentionDeleted: number;
  keepRate: number;
}

const MAX_RANGE_HOURS = 24 * 400;

export class IngestStatsService {
  async ingestStats(db: EntityManager, from: Date, to: Date, modelVersion?: string): Promise<{ buckets: StatsBucket[]; total: StatsBucket }> {
    if (!(from < to)) throw new FlywheelError('BAD_USER_INPUT', 'from must be before to', { problems: [{ field: 'from', message: 'must be before to' }] });
    if (to.getTime() - from.getTime() > MAX_RANGE_HOURS * 3_600_000) {
      throw new FlywheelError('BAD_USER_INPUT', `the range may span at most ${MAX_RANGE_HOURS} hours`, { problems: [{ field: 'to', message: 'range too long' }] });
    }
    const params: unknown[] = [from.toISOString(), to.toISOString()];
    let byModel = '';
    if (modelVersion !== undefined && modelVersion !== null) {
      params.push(modelVersion);
      byModel = 'AND model_version = $3';
    }
    const rows: Record<string, string | Date>[] = await db.query(
      `SELECT model_version, hour, received, kept_low_confidence, kept_flagged, kept_drift_open, kept_sampled, kept_any, compacted, retention_deleted
       FROM ingest_stats_hourly WHERE hour >= date_trunc('hour', $1::timestamptz, 'UTC') AND hour < $2 ${byModel}
       ORDER BY hour, model_version`,
      params,
    );
    const buckets = rows.map((r) =>
      bucket(String(r.model_version), r.hour as Date, {
        received: Number(r.received),
        keptLowConfidence: Number(r.kept_low_confidence),
        keptFlagged: Number(r.kept_flagged),
        keptDriftOpen: Number(r.kept_drift_open),
        keptSampled: Number(r.kept_sampled),
        keptAny: Number(r.kept_any),
        compacted: Number(r.compacted),
        retentionDeleted: Number(r.retention_deleted),
      }),
    );
    const sum = (k: keyof Omit<StatsBucket, 'modelVersion' | 'hour' | 'keepRate'>) => buckets.reduce((n, b) => n + b[k], 0);
    const models = new Set(buckets.map((b) => b.modelVersion));
    const total = bucket(modelVersion ?? (models.size === 1 ? [...models][0] : '*'), from, {
      received: sum('received'),
      keptLowConfidence: sum('keptLowConfidence'),
      keptFlagged: sum('keptFlagged'),
      keptDriftOpen: sum('keptDriftOpen'),
      keptSampled: sum('keptSampled'),
      keptAny: sum('keptAny'),
      compacted: sum('compacted'),
      retentionDeleted: sum('retentionDeleted'),
    });
    return { buckets, total };
  }
}

function bucket(modelVersion: string, hour: Date, c: Omit<StatsBucket, 'modelVersion' | 'hour' | 'keepRate'>): StatsBucket {
  return { modelVersion, hour, ...c, keepRate: c.received === 0 ? 0 : c.keptAny / c.received };
}
