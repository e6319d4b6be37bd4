import type { Pool } from 'pg';
import { enqueueReviewSql } from '../tag.service';
import type { KeepReason } from './keep-reasons';

/** A validated, redacted row ready for disk. */
export interface PreparedRow {
  requestId: string;
  ts: Date;
  modelVersion: string;
  prompt: string;
  response: string;
  latencyMs: number;
  userIdHash: string | null;
  responseLogprob: number | null;
  flagged: boolean;
  /** Already redacted; every string in it is well-formed UTF-16. */
  metadata: Record<string, unknown> | null;
  writeReasons: KeepReason[];
  redactions: Record<string, number>;
  /** Tags assigned automatically at ingest (source AUTO_FLAG). */
  autoTags: string[];
}

export interface StoredResult {
  requestId: string;
  keepReasons: KeepReason[];
  redactions: Record<string, number>;
  /** False when the requestId was already stored: the first result is returned and nothing is written. */
  created: boolean;
}

interface Pending {
  rows: PreparedRow[];
  resolve: (r: StoredResult[]) => void;
  reject: (e: unknown) => void;
}

/**
 * One statement writes a whole flush: the idempotency register, the log rows and the hourly counters,
 * from `unnest` of one array per column (one round trip, one commit, no per-row statements). Measured
 * here: PostgreSQL reads text arrays ~5 µs/row faster than the same rows as json_to_recordset. DRIFT_OPEN is decided here,
 * under the per-model drift lock (flywheel_lock_open_drift), so a concurrent drift report either sees
 * these rows or is seen by them. Rows are ordered by requestId so that two
 * concurrent flushes lock register keys in the same order and cannot deadlock on each other.
 */
/**
 * The auto-flag tags and their review-queue entries, added to the statement only for flushes that carry
 * tags (a few percent of rows are flagged; most flushes have none and skip the extra work).
 */
const TAG_CTES = `new_tags AS (
  INSERT INTO log_tag (request_id, tag, source, actor)
  SELECT p.request_id, t.tag, 'AUTO_FLAG', 'ingest'
  FROM prepared p JOIN registered r ON r.request_id = p.request_id
       CROSS JOIN LATERAL unnest(string_to_array(p.auto_tags, ',')) AS t(tag)
  WHERE p.auto_tags <> ''
  ON CONFLICT (request_id, tag) WHERE removed_at IS NULL DO NOTHING
  RETURNING request_id, tag
),
queued AS (${enqueueReviewSql('$14::text[]')}),
`;

const insertSql = (withTags: boolean) => `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::int[],
                       $7::text[], $8::float8[], $9::bool[], $10::jsonb[], $11::text[], $12::jsonb[]${withTags ? ', $13::text[]' : ''})
    AS t(request_id, ts, model_version, prompt, response, latency_ms, user_id_hash, response_logprob,
         flagged, metadata, write_reasons, redactions${withTags ? ', auto_tags' : ''})
),
-- Takes the per-model lock a drift report holds, then reads open events with a fresh snapshot (see the
-- migration DriftIngestLock): evaluated before the first row reaches the register insert.
open_drift AS (
  SELECT model_version FROM flywheel_lock_open_drift(ARRAY(SELECT DISTINCT model_version FROM input)) AS f(model_version)
),
prepared AS (
  SELECT i.*,
         CASE WHEN d.model_version IS NULL THEN string_to_array(i.write_reasons, ',')
              ELSE string_to_array(i.write_reasons, ',') || 'DRIFT_OPEN'::text END AS keep_reasons
  FROM input i LEFT JOIN open_drift d ON d.model_version = i.model_version
),
registered AS (
  INSERT INTO inference_request (request_id, ts)
  SELECT request_id, ts FROM prepared ORDER BY request_id
  ON CONFLICT (request_id) DO NOTHING
  RETURNING request_id
),
logged AS (
  INSERT INTO inference_log (ts, request_id, model_version, prompt, response, latency_ms, user_id_hash,
                             response_logprob, flagged, metadata, keep_reasons, redactions)
  SELECT p.ts, p.request_id, p.model_version, p.prompt, p.response, p.latency_ms, p.user_id_hash,
         p.response_logprob, p.flagged, p.metadata, p.keep_reasons, p.redactions
  FROM prepared p JOIN registered r ON r.request_id = p.request_id
  RETURNING request_id, model_version, ts, keep_reasons
),
${withTags ? TAG_CTES : ''}counted AS (
  INSERT INTO ingest_stats_hourly AS s (model_version, hour, received, kept_low_confidence, kept_flagged,
                                        kept_drift_open, kept_sampled, kept_any)
  SELECT model_version, date_trunc('hour', ts, 'UTC'), count(*),
         count(*) FILTER (WHERE 'LOW_CONFIDENCE' = ANY (keep_reasons)),
         count(*) FILTER (WHERE 'FLAGGED' = ANY (keep_reasons)),
         count(*) FILTER (WHERE 'DRIFT_OPEN' = ANY (keep_reasons)),
         count(*) FILTER (WHERE 'SAMPLED' = ANY (keep_reasons)),
         count(*) FILTER (WHERE cardinality(keep_reasons) > 0)
  FROM logged GROUP BY 1, 2 ORDER BY 1, 2
  ON CONFLICT (model_version, hour) DO UPDATE SET
    received = s.received + EXCLUDED.received,
    kept_low_confidence = s.kept_low_confidence + EXCLUDED.kept_low_confidence,
    kept_flagged = s.kept_flagged + EXCLUDED.kept_flagged,
    kept_drift_open = s.kept_drift_open + EXCLUDED.kept_drift_open,
    kept_sampled = s.kept_sampled + EXCLUDED.kept_sampled,
    kept_any = s.kept_any + EXCLUDED.kept_any
)
SELECT request_id, keep_reasons FROM logged`;
const INSERT_SQL = insertSql(false);
const INSERT_WITH_TAGS_SQL = insertSql(true);

/**
 * The first result of an already-stored requestId. A compacted row had no keep reasons (that is why it
 * was compacted) and its redaction counts went with it.
 */
const EXISTING_SQL = `
SELECT r.request_id, coalesce(l.keep_reasons, '{}') AS keep_reasons, coalesce(l.redactions, '{}') AS redactions
FROM inference_request r LEFT JOIN inference_log l ON l.ts = r.ts AND l.request_id = r.request_id
WHERE r.request_id = ANY($1::text[])`;

/** Only the first occurrence of a requestId in a flush reports `created`; repeats are duplicates of it. */
function picker(results: Map<string, StoredResult>): (row: PreparedRow) => StoredResult {
  const seen = new Set<string>();
  return (row) => {
    const result = results.get(row.requestId)!;
    if (!result.created) return result;
    if (seen.has(row.requestId)) return { ...result, created: false };
    seen.add(row.requestId);
    return result;
  };
}

/** Measured here: below ~200 waiting rows a second concurrent flush costs more (per-statement overhead) than it overlaps. */
const PARALLEL_FLUSH_MIN_ROWS = 200;

export interface GroupCommitOptions {
  maxGroupRows: number;
  maxConcurrentFlushes: number;
  /**
   * Use named prepared statements. The insert is planned once per connection instead of once per flush
   * (planning this statement costs ~1.1 ms, more than executing an 8-row flush). Off on the embedded
   * database, where every connection shares one session and statement names would collide.
   */
  prepared: boolean;
  /** REVIEW_TAGS: auto-flag tags among them put the entry in the review queue in the same statement. */
  reviewTags: string[];
  onFlush?: (rows: number, calls: number) => void;
}

/**
 * Group commit for ingestion. Callers hand in their rows and wait; when no flush is in flight a caller's
 * rows go out at once (no added latency when idle), otherwise they queue and the next flush takes
 * everything queued (up to `maxGroupRows`). Under load, 32 concurrent single-row calls become one
 * transaction of ~30 rows instead of 32 commits.
 *
 * A call's rows always go out in one flush, so a batch call is all-or-nothing. If a combined flush fails,
 * each call in it is retried alone once, so one caller's problem cannot fail its neighbours.
 */
export class GroupCommitter {
  private queue: Pending[] = [];
  private queuedRows = 0;
  private inFlight = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  /** `pool` is the committer's own: one connection per concurrent flush, so flushes never queue behind reads. */
  constructor(
    private readonly pool: Pool,
    private readonly opts: GroupCommitOptions,
  ) {}

  private async run<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
    const result = await this.pool.query(this.opts.prepared ? { name, text, values } : { text, values });
    return result.rows as T[];
  }

  submit(rows: PreparedRow[]): Promise<StoredResult[]> {
    if (this.closed) return Promise.reject(new Error('ingestion is shutting down'));
    if (rows.length === 0) return Promise.resolve([]);
    return new Promise<StoredResult[]>((resolve, reject) => {
      this.queue.push({ rows, resolve, reject });
      this.queuedRows += rows.length;
      this.pump();
    });
  }

  /** Stops taking new rows, resolves when every accepted row is committed (or failed), closes the pool. */
  async drain(): Promise<void> {
    this.closed = true;
    if (this.inFlight > 0 || this.queue.length > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.pool.end();
  }

  /**
   * A flush starts when none is in flight. A second (up to maxConcurrentFlushes) starts only when enough
   * rows wait (PARALLEL_FLUSH_MIN_ROWS): small calls then coalesce into bigger groups (fewer, cheaper
   * statements per row), while big batches still overlap Node's work on one with PostgreSQL's on another.
   */
  private pump(): void {
    while (
      this.queue.length > 0 &&
      (this.inFlight === 0 || (this.inFlight < this.opts.maxConcurrentFlushes && this.queuedRows >= PARALLEL_FLUSH_MIN_ROWS))
    ) {
      const group: Pending[] = [];
      let size = 0;
      while (this.queue.length > 0 && (group.length === 0 || size + this.queue[0].rows.length <= this.opts.maxGroupRows)) {
        const p = this.queue.shift()!;
        group.push(p);
        size += p.rows.length;
        this.queuedRows -= p.rows.length;
      }
      this.inFlight++;
      void this.flush(group).finally(() => {
        this.inFlight--;
        this.pump();
        if (this.inFlight === 0 && this.queue.length === 0) this.idleWaiters.splice(0).forEach((w) => w());
      });
    }
  }

  private async flush(group: Pending[]): Promise<void> {
    this.opts.onFlush?.(group.reduce((n, p) => n + p.rows.length, 0), group.length);
    try {
      const results = await this.write(group.flatMap((p) => p.rows));
      const pick = picker(results);
      for (const p of group) p.resolve(p.rows.map(pick));
    } catch (err) {
      if (group.length === 1) {
        group[0].reject(err);
        return;
      }
      await Promise.all(
        group.map(async (p) => {
          try {
            p.resolve(p.rows.map(picker(await this.write(p.rows))));
          } catch (e) {
            p.reject(e);
          }
        }),
      );
    }
  }

  /** Writes rows (requestIds may repeat across calls of one group) and returns a result per requestId. */
  private async write(rows: PreparedRow[]): Promise<Map<string, StoredResult>> {
    // Within one statement a requestId may appear once: the first occurrence wins, later ones are
    // duplicates exactly as if they had arrived in a later call.
    const unique = new Map<string, PreparedRow>();
    for (const r of rows) if (!unique.has(r.requestId)) unique.set(r.requestId, r);
    const list = [...unique.values()];
    const withTags = list.some((r) => r.autoTags.length > 0);
    const params: unknown[] = [
      list.map((r) => r.requestId),
      list.map((r) => r.ts.toISOString()),
      list.map((r) => r.modelVersion),
      list.map((r) => r.prompt),
      list.map((r) => r.response),
      list.map((r) => r.latencyMs),
      list.map((r) => r.userIdHash),
      list.map((r) => r.responseLogprob),
      list.map((r) => r.flagged),
      list.map((r) => (r.metadata === null ? null : JSON.stringify(r.metadata))),
      list.map((r) => r.writeReasons.join(',')),
      list.map((r) => (Object.keys(r.redactions).length ? JSON.stringify(r.redactions) : null)),
    ];
    if (withTags) params.push(list.map((r) => r.autoTags.join(',')), this.opts.reviewTags);
    const inserted = withTags
      ? await this.run<{ request_id: string; keep_reasons: KeepReason[] }>('flywheel_ingest_tagged', INSERT_WITH_TAGS_SQL, params)
      : await this.run<{ request_id: string; keep_reasons: KeepReason[] }>('flywheel_ingest', INSERT_SQL, params);
    const results = new Map<string, StoredResult>();
    for (const row of inserted) {
      results.set(row.request_id, {
        requestId: row.request_id,
        keepReasons: row.keep_reasons,
        redactions: unique.get(row.request_id)!.redactions,
        created: true,
      });
    }
    // Duplicates: read the first result. This runs after the insert committed, in a fresh snapshot, so
    // it also sees a row that a concurrent call inserted while ours waited on its key.
    const missing = list.filter((r) => !results.has(r.requestId)).map((r) => r.requestId);
    if (missing.length > 0) {
      const existing = await this.run<{ request_id: string; keep_reasons: KeepReason[]; redactions: Record<string, number> }>(
        'flywheel_ingest_existing',
        EXISTING_SQL,
        [missing],
      );
      for (const row of existing) {
        results.set(row.request_id, { requestId: row.request_id, keepReasons: row.keep_reasons, redactions: row.redactions, created: false });
      }
    }
    return results;
  }
}
