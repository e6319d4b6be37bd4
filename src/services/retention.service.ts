import { EntityManager } from 'typeorm';
import { COMPACTION_LOCK_ID, notReferencedSql } from './compaction-references';
import { LogPartitionService } from './log-partition.service';

export interface RetentionResult {
  /** Rows deleted, row by row and with dropped partitions. */
  deleted: number;
  batches: number;
  partitionsDropped: number;
  /** Expired rows examined row by row, kept ones (dataset members, drift evidence, references) included. */
  scanned: number;
  cancelled: boolean;
}

/**
 * The retention of each logged model version in days (0 = forever): its line's raw_log_retention_days,
 * else the default (RETENTION_DAYS). Versions no line knows take the default. As a SQL relation `ret`
 * (model_version, days) built from one parameter, joined LEFT from the log (alias `l`).
 */
const RETENTION_DAYS_SQL = `coalesce((SELECT ml.raw_log_retention_days FROM model_version v JOIN model_line ml ON ml.name = v.model_line
                                      WHERE v.name = l.model_version), $1::int)`;
/** Past its retention: `$1` the default days, `$2` now (one clock for the whole run). */
const EXPIRED_SQL = `(${RETENTION_DAYS_SQL} > 0 AND l.ts < $2::timestamptz - make_interval(days => ${RETENTION_DAYS_SQL}))`;
/**
 * Never deleted by retention: rows compaction must keep because something references them (tags,
 * feedback, corrections, dataset membership, ground truth: the same list, compaction-references.ts),
 * and the evidence of an open drift event: rows of its model version from the start of its window on
 * (the window it tagged, and rows logged while it is open).
 */
const PROTECTED_SQL = `(NOT (TRUE ${notReferencedSql('l')})
  OR EXISTS (SELECT 1 FROM drift_event d WHERE d.resolved_at IS NULL AND d.model_version = l.model_version
             AND l.ts >= d.detected_at - make_interval(secs => d.window_hours * 3600)))`;

/**
 * Raw-log retention per model line. Deletes log rows older than their line's retention, except the
 * protected ones above. Whole daily partitions in which no row survives are dropped (one statement
 * instead of one delete per row); the rest go in bounded batches under the compaction lock, as
 * compaction's do. Either way, `ingest_stats_hourly.retention_deleted` counts them per model version
 * and hour in the same transaction, `received` keeps counting them, and the register marks them
 * (compacted_at) so a late retry is still a duplicate.
 */
export class RetentionService {
  private readonly partitions = new LogPartitionService();

  async apply(
    db: EntityManager,
    opts: { defaultDays: number; batchSize: number; now?: Date; signal?: AbortSignal; onBatch?: (r: RetentionResult) => Promise<void> },
  ): Promise<RetentionResult> {
    const result: RetentionResult = { deleted: 0, batches: 0, partitionsDropped: 0, scanned: 0, cancelled: false };
    const now = opts.now ?? new Date();
    // The shortest retention in force bounds the scan: nothing newer than that can be expired.
    const [{ min }]: { min: number | null }[] = await db.query(
      `SELECT min(d)::int AS min FROM (
         SELECT raw_log_retention_days AS d FROM model_line WHERE raw_log_retention_days > 0
         UNION ALL SELECT $1::int WHERE $1::int > 0) x`,
      [opts.defaultDays],
    );
    if (min == null) return result;
    const horizon = new Date(now.getTime() - min * 86_400_000).toISOString();
    const params = [opts.defaultDays, now.toISOString()];

    for (const p of await this.partitions.list(db)) {
      if (opts.signal?.aborted) break;
      if (p.to.toISOString() > horizon) continue;
      const dropped = await this.partitions.dropIfDead(db, p.name, `(NOT ${EXPIRED_SQL} OR ${PROTECTED_SQL})`, params, 'retention_deleted', { dropEmpty: true });
      if (dropped) {
        result.partitionsDropped++;
        result.deleted += dropped.rows;
        await opts.onBatch?.(result);
      }
    }

    let after: [string, string] = ['-infinity', ''];
    for (;;) {
      if (opts.signal?.aborted) {
        result.cancelled = true;
        break;
      }
      const candidates: { ts: string; request_id: string }[] = await db.query(
        `SELECT l.ts::text AS ts, l.request_id FROM inference_log l
         WHERE l.ts < $3::timestamptz AND (l.ts, l.request_id) > ($4::timestamptz, $5) AND ${EXPIRED_SQL}
         ORDER BY l.ts, l.request_id LIMIT $6`,
        [...params, horizon, after[0], after[1], opts.batchSize],
      );
      if (candidates.length === 0) break;
      result.scanned += candidates.length;
      const [{ n }]: { n: number }[] = await db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [COMPACTION_LOCK_ID]);
        return tx.query(
          `WITH victims AS (
             SELECT l.ts, l.request_id FROM inference_log l
             JOIN unnest($3::timestamptz[], $4::text[]) AS c(ts, request_id) ON l.ts = c.ts AND l.request_id = c.request_id
             WHERE ${EXPIRED_SQL} AND NOT ${PROTECTED_SQL}
             FOR UPDATE OF l SKIP LOCKED
           ),
           deleted AS (
             DELETE FROM inference_log l USING victims v WHERE l.ts = v.ts AND l.request_id = v.request_id
             RETURNING l.request_id, l.model_version, l.ts
           ),
           marked AS (
             UPDATE inference_request r SET compacted_at = coalesce(r.compacted_at, now()) FROM deleted d WHERE r.request_id = d.request_id
           ),
           counted AS (
             INSERT INTO ingest_stats_hourly AS s (model_version, hour, retention_deleted)
             SELECT model_version, date_trunc('hour', ts, 'UTC'), count(*) FROM deleted GROUP BY 1, 2 ORDER BY 1, 2
             ON CONFLICT (model_version, hour) DO UPDATE SET retention_deleted = s.retention_deleted + EXCLUDED.retention_deleted
           )
           SELECT count(*)::int AS n FROM deleted`,
          [...params, candidates.map((c) => c.ts), candidates.map((c) => c.request_id)],
        );
      });
      const last = candidates[candidates.length - 1];
      after = [last.ts, last.request_id];
      result.batches++;
      result.deleted += n;
      await opts.onBatch?.(result);
      if (candidates.length < opts.batchSize) break;
    }
    return result;
  }
}
