import { EntityManager } from 'typeorm';
import type { Config } from '../config';
import { queryRows } from '../db/sql';
import { badInput } from '../errors';
import { checkListLength, MAX_CLAIM } from './input-rules';
import type { PageResult } from '../schema/connection';
import { Keyset, PageArgs } from './paging/keyset';

export interface ReviewItemRow {
  requestId: string;
  status: 'OPEN' | 'DONE';
  priority: number;
  reason: string;
  ts: Date | null;
  claimedBy: string | null;
  leaseExpiresAt: Date | null;
}

export interface ReviewStats {
  open: number;
  claimed: number;
  done: number;
  byReason: { reason: string; count: number }[];
  proposedCorrections: number;
  acceptedCorrections: number;
  rejectedCorrections: number;
  labelConflicts: number;
  feedbackOnCompacted: number;
}

const DEFAULT_CLAIM = 10;

export const REVIEW_ITEM_COLUMNS = `ri.request_id AS "requestId", ri.status, ri.priority, ri.reason, ri.ts, ri.claimed_by AS "claimedBy",
  ri.lease_expires_at AS "leaseExpiresAt"`;

/** Queue order: most urgent first, recent first within a priority; items not logged yet last. */
const QUEUE_ORDER = `ri.priority, coalesce(ri.ts, '-infinity'::timestamptz) DESC, ri.request_id`;
const QUEUE_KEYSET = new Keyset('reviewQueue', [
  { expr: 'ri.priority', dir: 'ASC', type: 'int' },
  { expr: `coalesce(ri.ts, '-infinity'::timestamptz)`, dir: 'DESC', type: 'timestamptz' },
  { expr: 'ri.request_id', dir: 'ASC', type: 'text' },
]);

/**
 * The review queue: entries carrying a review tag (REVIEW_TAGS) and no accepted correction, most urgent
 * first (user_negative, drift_window, low_confidence, others; recent first within a priority).
 *
 * Claims lock queue rows with FOR UPDATE SKIP LOCKED and re-check their lease after locking, so two
 * annotators claiming at once never get the same item and neither waits for the other. A claim is a
 * lease: when it expires the item is claimable again.
 */
export class ReviewService {
  constructor(private readonly config: Config) {}

  async queue(db: EntityManager, args: PageArgs & { reasons?: string[] | null; includeClaimed?: boolean | null }): Promise<PageResult<ReviewItemRow>> {
    const params: unknown[] = [];
    const p = (v: unknown) => (params.push(v), `$${params.length}`);
    const where = [`ri.status = 'OPEN'`];
    if (args.reasons?.length) where.push(`ri.reason = ANY (${p(args.reasons)}::text[])`);
    if (!args.includeClaimed) where.push(`(ri.lease_expires_at IS NULL OR ri.lease_expires_at < now())`);
    return QUEUE_KEYSET.fetch<ReviewItemRow>(db, args, this.config.maxPageSize, { columns: REVIEW_ITEM_COLUMNS, from: 'review_item ri', filter: where, params });
  }

  async byRequestIds(db: EntityManager, requestIds: readonly string[]): Promise<ReviewItemRow[]> {
    return db.query(`SELECT ${REVIEW_ITEM_COLUMNS} FROM review_item ri WHERE ri.request_id = ANY ($1::text[])`, [requestIds]);
  }

  /**
   * Hands items to `annotator` under a lease: the `count` most urgent free ones, or the named
   * `requestIds` among those free. Returns the claimed request ids in queue order.
   */
  async claim(tx: EntityManager, opts: { count?: number | null; requestIds?: string[] | null }, annotator: string): Promise<string[]> {
    const named = opts.requestIds ?? null;
    const count = opts.count ?? (named ? named.length : DEFAULT_CLAIM);
    if (!Number.isInteger(count) || count < 1 || count > MAX_CLAIM) throw badInput([{ field: 'count', message: `must be between 1 and ${MAX_CLAIM}` }]);
    if (named?.length === 0) throw badInput([{ field: 'requestIds', message: 'give at least one request id' }]);
    if (named) checkListLength('ClaimReviewItemsInput.requestIds', named.length, this.config);
    // Only entries whose log row is stored can be reviewed (feedback may have queued one not logged yet).
    const rows = await queryRows<{ requestId: string }>(
      tx,
      `WITH picked AS (
         SELECT ri.request_id FROM review_item ri
         WHERE ri.status = 'OPEN' AND (ri.lease_expires_at IS NULL OR ri.lease_expires_at < now())
           ${named ? 'AND ri.request_id = ANY ($4::text[])' : ''}
           AND EXISTS (SELECT 1 FROM inference_request r JOIN inference_log l ON l.ts = r.ts AND l.request_id = r.request_id
                       WHERE r.request_id = ri.request_id)
         ORDER BY ${QUEUE_ORDER}
         LIMIT $1
         FOR UPDATE OF ri SKIP LOCKED
       )
       UPDATE review_item ri SET claimed_by = $2, lease_expires_at = now() + make_interval(secs => $3), updated_at = now()
       FROM picked WHERE ri.request_id = picked.request_id
       RETURNING ri.request_id AS "requestId"`,
      named ? [count, annotator, this.config.reviewLeaseMinutes * 60, named] : [count, annotator, this.config.reviewLeaseMinutes * 60],
    );
    if (rows.length === 0) return [];
    // RETURNING has no order; read them back in queue order (same transaction, so our claims are seen).
    const ordered: { request_id: string }[] = await tx.query(
      `SELECT ri.request_id FROM review_item ri WHERE ri.request_id = ANY ($1::text[]) ORDER BY ${QUEUE_ORDER}`,
      [rows.map((r) => r.requestId)],
    );
    return ordered.map((r) => r.request_id);
  }

  /** Returns the annotator's own unexpired claims on these entries to the queue; returns the released ids. */
  async release(tx: EntityManager, requestIds: string[], annotator: string): Promise<string[]> {
    if (requestIds.length === 0) throw badInput([{ field: 'requestIds', message: 'give at least one request id' }]);
    checkListLength('ReleaseReviewItemsInput.requestIds', requestIds.length, this.config);
    const rows = await queryRows<{ request_id: string }>(
      tx,
      `UPDATE review_item SET claimed_by = NULL, lease_expires_at = NULL, updated_at = now()
       WHERE request_id = ANY ($1::text[]) AND claimed_by = $2 AND lease_expires_at > now() RETURNING request_id`,
      [requestIds, annotator],
    );
    return rows.map((r) => r.request_id);
  }

  async stats(db: EntityManager): Promise<ReviewStats> {
    const [row] = await db.query(
      `SELECT
         (SELECT count(*)::int FROM review_item WHERE status = 'OPEN' AND (lease_expires_at IS NULL OR lease_expires_at < now())) AS open,
         (SELECT count(*)::int FROM review_item WHERE status = 'OPEN' AND lease_expires_at >= now()) AS claimed,
         (SELECT count(*)::int FROM review_item WHERE status = 'DONE') AS done,
         (SELECT coalesce(json_agg(json_build_object('reason', reason, 'count', n) ORDER BY min_p, reason), '[]')
            FROM (SELECT reason, count(*)::int AS n, min(priority) AS min_p FROM review_item WHERE status = 'OPEN' GROUP BY reason) x) AS by_reason,
         (SELECT count(*)::int FROM correction WHERE status = 'PROPOSED') AS proposed,
         (SELECT count(*)::int FROM correction WHERE status = 'ACCEPTED') AS accepted,
         (SELECT count(*)::int FROM correction WHERE status = 'REJECTED') AS rejected,
         (SELECT count(*)::int FROM (SELECT prompt_key FROM correction WHERE status = 'ACCEPTED' GROUP BY prompt_key
                                      HAVING count(DISTINCT completion_key) > 1) c) AS conflicts,
         (SELECT count(*)::int FROM feedback WHERE target_state = 'COMPACTED') AS feedback_on_compacted`,
    );
    return {
      open: row.open,
      claimed: row.claimed,
      done: row.done,
      byReason: row.by_reason,
      proposedCorrections: row.proposed,
      acceptedCorrections: row.accepted,
      rejectedCorrections: row.rejected,
      labelConflicts: row.conflicts,
      feedbackOnCompacted: row.feedback_on_compacted,
    };
  }
}
