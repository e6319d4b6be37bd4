import { EntityManager } from 'typeorm';
import { COMPACTION_LOCK_ID, notReferencedSql } from './compaction-references';

export interface CompactionResult {
  deleted: number;
  batches: number;
  cutoff: string;
  cancelled: boolean;
}

/**
 * Late sampling. Every row is stored at ingest; after the grace window this deletes the rows that have
 * no keep reason and that nothing references, in bounded batches (one short transaction each, so
 * ingestion never waits long behind it). Each batch also marks the register (compacted_at) and counts
 * per model version and hour, in the same statement, so the counters cannot drift from the deletes.
 */
export class CompactionService {
  async compact(
    db: EntityManager,
    opts: { graceHours: number; batchSize: number; signal?: AbortSignal; onBatch?: (r: CompactionResult) => Promise<void> },
  ): Promise<CompactionResult> {
    // Both clocks must be past the grace window: ts (when it was served) and received_at (when we got
    // it), so a backfill of old rows still gets a full window for feedback to arrive.
    const cutoff = new Date(Date.now() - opts.graceHours * 3_600_000).toISOString();
    const result: CompactionResult = { deleted: 0, batches: 0, cutoff, cancelled: false };
    // Walk forward from the last deleted key so one run never rescans rows it already passed.
    let after: [string, string] = ['-infinity', ''];
    for (;;) {
      if (opts.signal?.aborted) {
        result.cancelled = true;
        break;
      }
      const rows: { n: number; last_ts: string | null; last_id: string | null }[] = await db.transaction(async (tx) => {
        // Exclusive against reference writers (see holdOffCompaction), taken before the batch's snapshot.
        await tx.query('SELECT pg_advisory_xact_lock($1)', [COMPACTION_LOCK_ID]);
        return tx.query(
        `WITH victims AS (
           SELECT l.ts, l.request_id FROM inference_log l
           WHERE l.ts < $1 AND l.received_at < $1 AND cardinality(l.keep_reasons) = 0
             AND (l.ts, l.request_id) > ($3::timestamptz, $4)
             ${notReferencedSql('l')}
           ORDER BY l.ts, l.request_id
           LIMIT $2
           FOR UPDATE SKIP LOCKED
         ),
         deleted AS (
           DELETE FROM inference_log l USING victims v WHERE l.ts = v.ts AND l.request_id = v.request_id
           RETURNING l.request_id, l.model_version, l.ts
         ),
         marked AS (
           UPDATE inference_request r SET compacted_at = now() FROM deleted d WHERE r.request_id = d.request_id
         ),
         counted AS (
           INSERT INTO ingest_stats_hourly AS s (model_version, hour, compacted)
           SELECT model_version, date_trunc('hour', ts, 'UTC'), count(*) FROM deleted GROUP BY 1, 2 ORDER BY 1, 2
           ON CONFLICT (model_version, hour) DO UPDATE SET compacted = s.compacted + EXCLUDED.compacted
         ),
         last AS (SELECT ts, request_id FROM victims ORDER BY ts DESC, request_id DESC LIMIT 1)
         SELECT (SELECT count(*)::int FROM deleted) AS n, (SELECT ts::text FROM last) AS last_ts,
                (SELECT request_id FROM last) AS last_id`,
        [cutoff, opts.batchSize, after[0], after[1]],
        );
      });
      const { n, last_ts, last_id } = rows[0];
      if (n === 0 || last_ts === null || last_id === null) break;
      result.deleted += n;
      result.batches++;
      after = [last_ts, last_id];
      await opts.onBatch?.(result);
      if (n < opts.batchSize) break;
    }
    return result;
  }
}
