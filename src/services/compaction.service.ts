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
 * no keep reason and that nothing references, in bounded batches: a lock-free scan for candidates, then
 * one short transaction per batch, so neither ingestion nor reference writers wait long behind it. Each batch also marks the register (compacted_at) and counts
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
    // Walk forward from the last scanned key so one run never rescans rows it already passed.
    let after: [string, string] = ['-infinity', ''];
    for (;;) {
      if (opts.signal?.aborted) {
        result.cancelled = true;
        break;
      }
      // 1. Candidates, without any lock: this walk may pass many rows that are not yet due (old ts,
      //    recent arrival) and must never hold up the writers that add references.
      const candidates: { ts: string; request_id: string }[] = await db.query(
        `SELECT l.ts::text AS ts, l.request_id FROM inference_log l
         WHERE l.ts < $1 AND l.received_at < $1 AND cardinality(l.keep_reasons) = 0 AND (l.ts, l.request_id) > ($3::timestamptz, $4)
         ORDER BY l.ts, l.request_id LIMIT $2`,
        [cutoff, opts.batchSize, after[0], after[1]],
      );
      if (candidates.length === 0) break;
      // 2. Delete those still unreferenced, holding the compaction lock exclusively (see holdOffCompaction)
      //    only for this short statement, which takes its snapshot after the lock: a reference committed
      //    before it is seen, and none can commit during it.
      const [{ n }]: { n: number }[] = await db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [COMPACTION_LOCK_ID]);
        return tx.query(
          `WITH victims AS (
             SELECT l.ts, l.request_id FROM inference_log l
             JOIN unnest($2::timestamptz[], $3::text[]) AS c(ts, request_id) ON l.ts = c.ts AND l.request_id = c.request_id
             WHERE l.ts < $1 AND l.received_at < $1 AND cardinality(l.keep_reasons) = 0
               ${notReferencedSql('l')}
             FOR UPDATE OF l SKIP LOCKED
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
           )
           SELECT count(*)::int AS n FROM deleted`,
          [cutoff, candidates.map((c) => c.ts), candidates.map((c) => c.request_id)],
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
