import { EntityManager } from 'typeorm';
import type { Config } from '../config';
import { queryRows } from '../db/sql';
import { badInput } from '../errors';

export interface ReviewItemRow {
  requestId: string;
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

const ANNOTATOR_RE = /^\S(.{0,98}\S)?$/;
const MAX_CLAIM = 100;

const ITEM_COLUMNS = `ri.request_id AS "requestId", ri.priority, ri.reason, ri.ts, ri.claimed_by AS "claimedBy", ri.lease_expires_at AS "leaseExpiresAt"`;

/** A (priority, ts, requestId) position in queue order, for keyset pages. */
function encodeCursor(r: { priority: number; tsText: string | null; requestId: string }): string {
  return Buffer.from(JSON.stringify([r.priority, r.tsText, r.requestId])).toString('base64url');
}

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

  async queue(
    db: EntityManager,
    args: { reasons?: string[] | null; includeClaimed?: boolean | null; first?: number | null; after?: string | null },
  ): Promise<{ edges: { cursor: string; node: ReviewItemRow }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }> {
    const first = args.first ?? 50;
    if (!Number.isInteger(first) || first < 1 || first > this.config.maxPageSize) {
      throw badInput([{ field: 'first', message: `must be between 1 and ${this.config.maxPageSize}` }]);
    }
    const params: unknown[] = [];
    const p = (v: unknown) => (params.push(v), `$${params.length}`);
    const where = [`ri.status = 'OPEN'`];
    if (args.reasons?.length) where.push(`ri.reason = ANY (${p(args.reasons)}::text[])`);
    if (!args.includeClaimed) where.push(`(ri.lease_expires_at IS NULL OR ri.lease_expires_at < now())`);
    if (args.after) {
      let pos: [number, string | null, string];
      try {
        pos = JSON.parse(Buffer.from(args.after, 'base64url').toString('utf8'));
        if (!Array.isArray(pos) || typeof pos[0] !== 'number' || typeof pos[2] !== 'string') throw new Error();
      } catch {
        throw badInput([{ field: 'after', message: 'not a cursor returned by this API' }]);
      }
      // Order: priority ASC, ts DESC NULLS LAST, request_id ASC.
      const ts = pos[1] === null ? 'NULL' : `${p(pos[1])}::timestamptz`;
      where.push(
        `(ri.priority > ${p(pos[0])} OR (ri.priority = $${params.length} AND (` +
          (pos[1] === null
            ? `ri.ts IS NULL AND ri.request_id > ${p(pos[2])}`
            : `ri.ts < ${ts} OR ri.ts IS NULL OR (ri.ts = ${ts} AND ri.request_id > ${p(pos[2])})`) +
          `)))`,
      );
    }
    const rows: (ReviewItemRow & { ts_text: string | null })[] = await db.query(
      `SELECT ${ITEM_COLUMNS}, ri.ts::text AS ts_text FROM review_item ri WHERE ${where.join(' AND ')}
       ORDER BY ri.priority, ri.ts DESC NULLS LAST, ri.request_id LIMIT ${first + 1}`,
      params,
    );
    const edges = rows.slice(0, first).map(({ ts_text, ...node }) => ({ cursor: encodeCursor({ priority: node.priority, tsText: ts_text, requestId: node.requestId }), node }));
    return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  /** Hands up to `count` items to `annotator`; returns their request ids in queue order. */
  async claim(tx: EntityManager, count: number, annotator: string): Promise<string[]> {
    this.validate(annotator);
    if (!Number.isInteger(count) || count < 1 || count > MAX_CLAIM) throw badInput([{ field: 'count', message: `must be between 1 and ${MAX_CLAIM}` }]);
    // Only entries whose log row is stored can be reviewed (feedback may have queued one not logged yet).
    const rows = await queryRows<ReviewItemRow>(
      tx,
      `WITH picked AS (
         SELECT ri.request_id FROM review_item ri
         WHERE ri.status = 'OPEN' AND (ri.lease_expires_at IS NULL OR ri.lease_expires_at < now())
           AND EXISTS (SELECT 1 FROM inference_request r JOIN inference_log l ON l.ts = r.ts AND l.request_id = r.request_id
                       WHERE r.request_id = ri.request_id)
         ORDER BY ri.priority, ri.ts DESC NULLS LAST, ri.request_id
         LIMIT $1
         FOR UPDATE OF ri SKIP LOCKED
       )
       UPDATE review_item ri SET claimed_by = $2, lease_expires_at = now() + make_interval(secs => $3), updated_at = now()
       FROM picked WHERE ri.request_id = picked.request_id
       RETURNING ri.request_id AS "requestId", ri.priority, ri.ts`,
      [count, annotator, this.config.reviewLeaseMinutes * 60],
    );
    return rows
      .sort((a, b) => a.priority - b.priority || (b.ts?.getTime() ?? -Infinity) - (a.ts?.getTime() ?? -Infinity) || a.requestId.localeCompare(b.requestId))
      .map((r) => r.requestId);
  }

  /** Returns the annotator's claims on these entries to the queue. */
  async release(tx: EntityManager, requestIds: string[], annotator: string): Promise<number> {
    this.validate(annotator);
    const rows = await queryRows(
      tx,
      `UPDATE review_item SET claimed_by = NULL, lease_expires_at = NULL, updated_at = now()
       WHERE request_id = ANY ($1::text[]) AND claimed_by = $2 AND lease_expires_at > now() RETURNING request_id`,
      [requestIds, annotator],
    );
    return rows.length;
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

  private validate(annotator: string): void {
    if (!ANNOTATOR_RE.test(annotator)) throw badInput([{ field: 'annotator', message: 'must be 1–100 characters, not starting or ending with a space' }]);
  }
}

