import { EntityManager } from 'typeorm';
import { COMPACTION_LOCK_ID, notReferencedSql } from './compaction-references';
import { LogPartitionService } from './log-partition.service';

export interface CompactionResult {
  deleted: number;
  batches: number;
  cutoff: string;
  cancelled: boolean;
  /** Where this run started: rows due before it were examined by an earlier complete run. */
  startedAt: string;
  /** Unkept rows this run examined row by row (candidates), whether deleted or still referenced. */
  scanned: number;
  /** Whole daily partitions dropped because every row in them was due, unkept and unreferenced. */
  partitionsDropped: number;
}

const WATERMARK = 'compaction';
/**
 * The watermark never moves closer to now than this: a row's received_at is its transaction's start,
 * and an ingest transaction still open when the run scans would commit a row behind a watermark set to
 * "now". Ingest statements time out after DB_TIMEOUT_MS (15 s); 10 minutes leaves a wide margin, and
 * only matters for runs with a grace window below 10 minutes (admin runs, tests).
 */
const IN_FLIGHT_MARGIN_MS = 10 * 60_000;

/**
 * Late sampling. Every row is stored at ingest; after the grace window this deletes the rows that have
 * no keep reason and that nothing references, in bounded batches: a lock-free scan for candidates, then
 * one short transaction per batch, so neither ingestion nor reference writers wait long behind it. Each batch also marks the register (compacted_at) and counts
 * per model version and hour, in the same statement, so the counters cannot drift from the deletes.
 *
 * A watermark makes each row examined once: a row is *due* when both clocks, ts (when it was served)
 * and received_at (when we got it), are past the grace window, i.e. at the later of the two. A
 * complete run examines every row that became due since the previous complete run's watermark:
 *  - in-order rows (ts ≥ watermark): a range of the primary key, pruned to the recent partitions;
 *  - late arrivals, backfills (ts < watermark, received_at ≥ watermark): found through the BRIN index
 *    on received_at, which points only at the few recently written blocks of older partitions.
 * Together: exactly the rows whose due time lies in [watermark, cutoff). Before that, a run walked
 * every unkept row from the oldest, kept-by-reference ones included, on every run.
 * A row still referenced when it became due is not looked at again by compaction (if its tag is later
 * removed, it stays until the retention job's window passes); the job payload `fromOldest` rescans all.
 * Daily partitions that became wholly due in this run and hold only unkept, unreferenced rows are
 * dropped whole instead (rare with sampling on: a SAMPLED row keeps its partition).
 */
export class CompactionService {
  private readonly partitions = new LogPartitionService();

  async compact(
    db: EntityManager,
    opts: { graceHours: number; batchSize: number; fromOldest?: boolean; signal?: AbortSignal; onBatch?: (r: CompactionResult) => Promise<void> },
  ): Promise<CompactionResult> {
    const now = Date.now();
    const cutoff = new Date(now - opts.graceHours * 3_600_000).toISOString();
    const nextWatermark = new Date(Math.min(now - opts.graceHours * 3_600_000, now - IN_FLIGHT_MARGIN_MS)).toISOString();
    const [wm]: { due_before: string }[] = opts.fromOldest ? [] : await db.query(`SELECT due_before::text FROM compaction_watermark WHERE name = $1`, [WATERMARK]);
    const startedAt = wm?.due_before ?? '-infinity';
    const result: CompactionResult = { deleted: 0, batches: 0, cutoff, cancelled: false, startedAt, scanned: 0, partitionsDropped: 0 };
    if (startedAt !== '-infinity' && Date.parse(startedAt) >= Date.parse(cutoff)) return result;

    // 0. Whole partitions whose day ended in [watermark, cutoff): each is considered once, in the run
    //    that sees it become wholly past the cutoff.
    const startMs = startedAt === '-infinity' ? -Infinity : Date.parse(startedAt);
    for (const p of await this.partitions.list(db)) {
      if (opts.signal?.aborted) break;
      if (!(p.to.getTime() <= Date.parse(cutoff) && p.to.getTime() > startMs)) continue;
      const dropped = await this.partitions.dropIfDead(
        db,
        p.name,
        `NOT (l.received_at < $1 AND cardinality(l.keep_reasons) = 0 ${notReferencedSql('l')})`,
        [cutoff],
        'compacted',
        // An empty past day (yesterday, created ahead) is not compaction's business: late rows of that
        // day still belong in it.
        { dropEmpty: false },
      );
      if (dropped) {
        result.partitionsDropped++;
        result.deleted += dropped.rows;
        await opts.onBatch?.(result);
      }
    }

    // 1. Late arrivals (old ts, recent received_at), then 2. the in-order range.
    const phases = [
      `l.ts < $5::timestamptz AND l.received_at >= $5::timestamptz`,
      `l.ts >= $5::timestamptz`,
    ];
    for (const phase of startedAt === '-infinity' ? phases.slice(1) : phases) {
      if (!(await this.sweep(db, phase, cutoff, startedAt, opts, result))) break;
    }
    if (!result.cancelled) {
      await db.query(
        `INSERT INTO compaction_watermark (name, due_before) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET due_before = greatest(compaction_watermark.due_before, EXCLUDED.due_before), updated_at = now()`,
        [WATERMARK, nextWatermark],
      );
    }
    return result;
  }

  /** One phase in keyset order; false when cancelled. */
  private async sweep(
    db: EntityManager,
    phaseSql: string,
    cutoff: string,
    startedAt: string,
    opts: { batchSize: number; signal?: AbortSignal; onBatch?: (r: CompactionResult) => Promise<void> },
    result: CompactionResult,
  ): Promise<boolean> {
    // Walk forward from the last scanned key so one run never rescans rows it already passed.
    let after: [string, string] = ['-infinity', ''];
    for (;;) {
      if (opts.signal?.aborted) {
        result.cancelled = true;
        return false;
      }
      // 1. Candidates, without any lock: this walk may pass many rows that are not yet due (old ts,
      //    recent arrival) and must never hold up the writers that add references.
      const candidates: { ts: string; request_id: string }[] = await db.query(
        `SELECT l.ts::text AS ts, l.request_id FROM inference_log l
         WHERE l.ts < $1 AND l.received_at < $1 AND cardinality(l.keep_reasons) = 0 AND (l.ts, l.request_id) > ($3::timestamptz, $4)
           AND ${phaseSql}
         ORDER BY l.ts, l.request_id LIMIT $2`,
        [cutoff, opts.batchSize, after[0], after[1], startedAt],
      );
      if (candidates.length === 0) return true;
      result.scanned += candidates.length;
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
      if (candidates.length < opts.batchSize) return true;
    }
  }
}
