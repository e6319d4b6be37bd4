import { EntityManager } from 'typeorm';
import type { Config } from '../config';
import { badInput, InputProblem } from '../errors';
import { holdOffCompaction } from './compaction-references';
import { MAX_REQUEST_IDS_PER_CALL, MAX_TAGS_PER_CALL } from './input-rules';

export type TagSource = 'USER_FEEDBACK' | 'DRIFT' | 'AUTO_FLAG' | 'OPERATOR' | 'API' | 'GROUND_TRUTH';

/** Opaque but tame: tags end up in URLs, metrics labels and SQL filters. */
export const TAG_RE = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;

/**
 * Review priority of a tag: user_negative, then drift_window, then low_confidence, then the rest.
 * As SQL so that set-based statements compute it too.
 */
export const PRIORITY_SQL = (col: string) =>
  `CASE ${col} WHEN 'user_negative' THEN 0 WHEN 'drift_window' THEN 1 WHEN 'low_confidence' THEN 2 ELSE 3 END`;

/**
 * Puts freshly tagged entries into the review queue. Expects a CTE `new_tags(request_id, tag)`;
 * $reviewParam is the REVIEW_TAGS array. A higher-priority tag raises an item's priority; an item
 * already DONE (accepted correction) stays done.
 */
export function enqueueReviewSql(reviewParam: string): string {
  return `INSERT INTO review_item AS ri (request_id, priority, reason, ts)
    SELECT DISTINCT ON (n.request_id) n.request_id, ${PRIORITY_SQL('n.tag')}, n.tag,
           -- a probe per new tag: a join let the planner hash the whole register for a few rows
           (SELECT r.ts FROM inference_request r WHERE r.request_id = n.request_id)
    FROM new_tags n
    WHERE n.tag = ANY (${reviewParam})
    ORDER BY n.request_id, ${PRIORITY_SQL('n.tag')}
    ON CONFLICT (request_id) DO UPDATE SET
      priority = EXCLUDED.priority, reason = EXCLUDED.reason, ts = coalesce(ri.ts, EXCLUDED.ts), updated_at = now()
    WHERE EXCLUDED.priority < ri.priority`;
}

export interface TagResult {
  /** New assignments made. */
  tagged: number;
  /** Assignments that already existed (adding them again is a no-op). */
  unchanged: number;
  /** Entries not stored (never logged, or compacted): nothing was tagged for them. */
  missingRequestIds: string[];
}

export interface UntagResult {
  untagged: number;
  missingRequestIds: string[];
}

export class TagService {
  constructor(private readonly config: Config) {}

  validate(requestIds: string[], tags: string[]): void {
    const problems: InputProblem[] = [];
    // The same limits as LIST_LIMITS (input-rules), which the GraphQL boundary checks first.
    if (requestIds.length === 0 || requestIds.length > MAX_REQUEST_IDS_PER_CALL) problems.push({ field: 'requestIds', message: `give 1–${MAX_REQUEST_IDS_PER_CALL} request ids` });
    if (tags.length === 0 || tags.length > MAX_TAGS_PER_CALL) problems.push({ field: 'tags', message: `give 1–${MAX_TAGS_PER_CALL} tags` });
    // Named by position, never quoted: a message never carries what the caller sent.
    tags.forEach((t, i) => {
      if (!TAG_RE.test(t)) problems.push({ field: `tags[${i}]`, message: 'not a tag: use 1–64 of a-z 0-9 _ . : - starting with a letter or digit' });
    });
    if (problems.length) throw badInput(problems);
  }

  /**
   * Tags entries. One statement; the caller's transaction. By default only stored entries are tagged;
   * `allowPending` also tags ids not logged yet (feedback that raced its log row), never compacted ones.
   */
  async addTags(
    tx: EntityManager,
    requestIds: string[],
    tags: string[],
    source: TagSource,
    actor: string,
    opts: { allowPending?: boolean } = {},
  ): Promise<TagResult> {
    this.validate(requestIds, tags);
    await holdOffCompaction(tx);
    const ids = [...new Set(requestIds)];
    const present = opts.allowPending
      ? `SELECT x AS request_id FROM unnest($1::text[]) x
         WHERE NOT EXISTS (SELECT 1 FROM inference_request r WHERE r.request_id = x AND r.compacted_at IS NOT NULL)`
      : `SELECT l.request_id FROM inference_request r JOIN inference_log l ON l.ts = r.ts AND l.request_id = r.request_id
         WHERE r.request_id = ANY ($1::text[])`;
    const [row] = await tx.query(
      `WITH present AS (${present}),
       new_tags AS (
         INSERT INTO log_tag (request_id, tag, source, actor)
         SELECT p.request_id, t.tag, $3::text, $4::text FROM present p CROSS JOIN unnest($2::text[]) AS t(tag)
         ON CONFLICT (request_id, tag) WHERE removed_at IS NULL DO NOTHING
         RETURNING request_id, tag
       ),
       queued AS (${enqueueReviewSql('$5::text[]')})
       SELECT (SELECT count(*)::int FROM new_tags) AS tagged,
              (SELECT count(*)::int FROM present) AS present,
              ARRAY(SELECT x FROM unnest($1::text[]) x EXCEPT SELECT request_id FROM present) AS missing`,
      [ids, [...new Set(tags)], source, actor, this.config.reviewTags],
    );
    return { tagged: row.tagged, unchanged: row.present * new Set(tags).size - row.tagged, missingRequestIds: row.missing };
  }

  /** Records the removal (the assignment row stays, with removed_at/removed_by). */
  async removeTags(tx: EntityManager, requestIds: string[], tags: string[], actor: string): Promise<UntagResult> {
    this.validate(requestIds, tags);
    const ids = [...new Set(requestIds)];
    const [row] = await tx.query(
      `WITH removed AS (
         UPDATE log_tag SET removed_at = now(), removed_by = $3::text
         WHERE request_id = ANY ($1::text[]) AND tag = ANY ($2::text[]) AND removed_at IS NULL
         RETURNING request_id
       ),
       -- An open item left without any review tag leaves the queue (a claimed one stays with its annotator).
       dequeued AS (
         DELETE FROM review_item ri WHERE ri.request_id IN (SELECT request_id FROM removed) AND ri.status = 'OPEN'
           AND (ri.lease_expires_at IS NULL OR ri.lease_expires_at < now())
           AND NOT EXISTS (SELECT 1 FROM log_tag t WHERE t.request_id = ri.request_id AND t.removed_at IS NULL
                             AND t.tag = ANY ($4::text[]) AND NOT (t.tag = ANY ($2::text[])))
       )
       SELECT (SELECT count(*)::int FROM removed) AS untagged,
              ARRAY(SELECT x FROM unnest($1::text[]) x EXCEPT SELECT request_id FROM inference_request) AS missing`,
      [ids, [...new Set(tags)], actor, this.config.reviewTags],
    );
    return { untagged: row.untagged, missingRequestIds: row.missing };
  }
}

export interface TagCountRow {
  bucket: Date;
  tag: string;
  count: number;
}

/** Tagged entries per time bucket (of the entries' ts) and tag: a dashboard time series. */
export async function tagCounts(
  db: EntityManager,
  args: { from: Date; to: Date; bucket: 'HOUR' | 'DAY'; modelVersion?: string | null; tags?: string[] | null },
): Promise<TagCountRow[]> {
  if (!(args.from < args.to)) throw badInput([{ field: 'from', message: 'must be before to' }]);
  if (args.to.getTime() - args.from.getTime() > 400 * 86_400_000) throw badInput([{ field: 'to', message: 'the range may span at most 400 days' }]);
  const params: unknown[] = [args.from.toISOString(), args.to.toISOString(), args.bucket === 'DAY' ? 'day' : 'hour'];
  let extra = '';
  if (args.modelVersion != null) {
    params.push(args.modelVersion);
    extra += ` AND l.model_version = $${params.length}`;
  }
  if (args.tags?.length) {
    params.push(args.tags);
    extra += ` AND t.tag = ANY ($${params.length}::text[])`;
  }
  return db.query(
    `SELECT date_trunc($3, l.ts, 'UTC') AS bucket, t.tag, count(*)::int AS count
     FROM inference_log l JOIN log_tag t ON t.request_id = l.request_id AND t.removed_at IS NULL
     WHERE l.ts >= $1 AND l.ts < $2${extra}
     GROUP BY 1, 2 ORDER BY 1, 2`,
    params,
  );
}
