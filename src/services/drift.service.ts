import { EntityManager } from 'typeorm';
import type { Config } from '../config';
import crypto from 'node:crypto';
import { isUuid, queryRows } from '../db/sql';
import { badInput, FlywheelError, InputProblem } from '../errors';
import { COMPACTION_LOCK_ID } from './compaction-references';
import type { JobQueue } from '../jobs/job-queue';
import type { PageResult } from '../schema/connection';
import { Keyset, PageArgs } from './paging/keyset';

export interface DriftEventInput {
  modelVersion: string;
  detectedAt?: Date | null;
  metric: string;
  value: number;
  threshold: number;
  windowHours?: number | null;
}

export interface DriftEventRow {
  id: string;
  modelVersion: string;
  detectedAt: Date;
  metric: string;
  value: number;
  threshold: number;
  windowHours: number;
  taggedCount: number;
  resolvedAt: Date | null;
  resolvedBy: string | null;
  createdAt: Date;
  open: boolean;
}

export interface ReportedDriftEvent extends DriftEventRow {
  /** Stored rows in the window; those not counted in taggedCount already had drift_window from an earlier event. */
  windowRows: number;
}

const DEFAULT_WINDOW_HOURS = 12;
const MAX_WINDOW_HOURS = 24 * 31;

const COLUMNS = `id, model_version AS "modelVersion", detected_at AS "detectedAt", metric, value, threshold,
  window_hours AS "windowHours", tagged_count AS "taggedCount", resolved_at AS "resolvedAt", resolved_by AS "resolvedBy",
  created_at AS "createdAt", resolved_at IS NULL AS open`;
const EVENTS_KEYSET = new Keyset('driftEvents', [
  { expr: 'detected_at', dir: 'DESC', type: 'timestamptz' },
  { expr: 'id', dir: 'DESC', type: 'uuid' },
]);

/**
 * Drift events tag the window before them. The reference lesson's tagger rewrites its log file keeping
 * only the window's rows, silently deleting everything else; here tagging is an INSERT into log_tag for
 * exactly the rows of that model version with ts in [detectedAt − window, detectedAt], one set-based
 * statement, and no other row is touched.
 */
export const DRIFT_REVIEW_JOB = 'drift-review';

export class DriftService {
  constructor(
    private readonly config: Config,
    private readonly jobs: JobQueue,
  ) {}

  /**
   * Puts the event's tagged window into the review queue (priority 1, drift_window; a higher priority
   * already there stays). Idempotent: re-running changes nothing.
   */
  async enqueueWindow(tx: EntityManager, driftEventId: string): Promise<number> {
    if (!this.config.reviewTags.includes('drift_window')) return 0;
    const [ev]: { model_version: string; detected_at: Date; window_hours: number }[] = await tx.query(
      `SELECT model_version, detected_at, window_hours FROM drift_event WHERE id = $1`,
      [driftEventId],
    );
    if (!ev) return 0;
    // The window's bounds as parameters (not a join to drift_event) so the (model_version, ts) index serves it.
    const rows = await queryRows<{ request_id: string }>(
      tx,
      `INSERT INTO review_item AS ri (request_id, priority, reason, ts)
       SELECT l.request_id, 1, 'drift_window', l.ts FROM inference_log l
       WHERE l.model_version = $1 AND l.ts >= $2::timestamptz - make_interval(secs => $3::float8 * 3600) AND l.ts <= $2::timestamptz
         AND EXISTS (SELECT 1 FROM log_tag t WHERE t.request_id = l.request_id AND t.tag = 'drift_window' AND t.removed_at IS NULL)
       ON CONFLICT (request_id) DO UPDATE SET priority = 1, reason = 'drift_window', updated_at = now() WHERE ri.priority > 1
       RETURNING ri.request_id`,
      [ev.model_version, ev.detected_at.toISOString(), ev.window_hours],
    );
    return rows.length;
  }

  async report(tx: EntityManager, input: DriftEventInput): Promise<ReportedDriftEvent> {
    const windowHours = input.windowHours ?? DEFAULT_WINDOW_HOURS;
    const detectedAt = input.detectedAt ?? new Date();
    this.validate(input, windowHours, detectedAt);
    // One round trip for both locks: shared against compaction (holdOffCompaction), and exclusive per
    // model version so two overlapping events cannot both insert the same (row, tag).
    await tx.query(`SELECT pg_advisory_xact_lock_shared($1), pg_advisory_xact_lock(hashtext('flywheel:drift:' || $2))`, [
      COMPACTION_LOCK_ID,
      input.modelVersion,
    ]);
    // The tagging is the plain statement a person would write, skipping rows an overlapping event already
    // tagged (an anti-join: ON CONFLICT's speculative insertion cost ~40% more per row here). The event row
    // is written by the same statement, with what it tagged; its id is chosen here so tags can name it.
    const id = crypto.randomUUID();
    const [event]: (DriftEventRow & { windowRows: number })[] = await tx.query(
      `WITH tagged AS (
         INSERT INTO log_tag (request_id, tag, source, actor)
         SELECT l.request_id, 'drift_window', 'DRIFT', $7 FROM inference_log l
         WHERE l.model_version = $1 AND l.ts >= $2::timestamptz - make_interval(secs => $6::float8 * 3600) AND l.ts <= $2::timestamptz
           AND NOT EXISTS (SELECT 1 FROM log_tag t WHERE t.request_id = l.request_id AND t.tag = 'drift_window' AND t.removed_at IS NULL)
         RETURNING 1
       ),
       event AS (
         INSERT INTO drift_event (id, model_version, detected_at, metric, value, threshold, window_hours, tagged_count)
         VALUES ($7::uuid, $1, $2, $3, $4, $5, $6, (SELECT count(*) FROM tagged)) RETURNING ${COLUMNS}
       )
       SELECT event.*, (SELECT count(*)::int FROM inference_log
                        WHERE model_version = $1 AND ts >= $2::timestamptz - make_interval(secs => $6::float8 * 3600) AND ts <= $2::timestamptz) AS "windowRows"
       FROM event`,
      [input.modelVersion, detectedAt.toISOString(), input.metric, input.value, input.threshold, windowHours, id],
    );
    // Small windows enter the review queue now; a large one through a job committed with this transaction,
    // so reporting costs about what the tagging statement itself costs (bench:review).
    if (event.windowRows <= this.config.reviewInlineMax) await this.enqueueWindow(tx, event.id);
    else await this.jobs.send(DRIFT_REVIEW_JOB, { driftEventId: event.id }, tx);
    return event;
  }

  async resolve(tx: EntityManager, id: string, by: string): Promise<DriftEventRow> {
    const rows: DriftEventRow[] = isUuid(id)
      ? await queryRows<DriftEventRow>(
          tx,
          `UPDATE drift_event SET resolved_at = coalesce(resolved_at, now()), resolved_by = coalesce(resolved_by, $2)
           WHERE id = $1 RETURNING ${COLUMNS}`,
          [id, by],
        )
      : [];
    if (!rows[0]) throw new FlywheelError('NOT_FOUND', 'No drift event with this id');
    return rows[0];
  }

  /** Newest first. */
  async list(
    db: EntityManager,
    filter: { modelVersion?: string | null; open?: boolean | null; from?: Date | null; to?: Date | null },
    page: PageArgs,
  ): Promise<PageResult<DriftEventRow>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => (params.push(v), `$${params.length}`);
    if (filter.modelVersion != null) where.push(`model_version = ${p(filter.modelVersion)}`);
    if (filter.open === true) where.push('resolved_at IS NULL');
    if (filter.open === false) where.push('resolved_at IS NOT NULL');
    if (filter.from) where.push(`detected_at >= ${p(filter.from.toISOString())}`);
    if (filter.to) where.push(`detected_at < ${p(filter.to.toISOString())}`);
    return EVENTS_KEYSET.fetch<DriftEventRow>(db, page, this.config.maxPageSize, { columns: COLUMNS, from: 'drift_event', filter: where, params });
  }

  byIds(db: EntityManager, ids: string[]): Promise<DriftEventRow[]> {
    return db.query(`SELECT ${COLUMNS} FROM drift_event WHERE id = ANY ($1::uuid[])`, [ids.filter((id) => isUuid(id))]);
  }

  private validate(input: DriftEventInput, windowHours: number, detectedAt: Date): void {
    const problems: InputProblem[] = [];
    if (input.modelVersion.trim().length === 0 || input.modelVersion.length > 200) problems.push({ field: 'modelVersion', message: 'must be 1–200 characters' });
    if (input.metric.trim().length === 0 || input.metric.length > 100) problems.push({ field: 'metric', message: 'must be 1–100 characters' });
    if (!Number.isFinite(input.value)) problems.push({ field: 'value', message: 'must be a finite number' });
    if (!Number.isFinite(input.threshold)) problems.push({ field: 'threshold', message: 'must be a finite number' });
    if (!(windowHours > 0 && windowHours <= MAX_WINDOW_HOURS)) problems.push({ field: 'windowHours', message: `must be in (0, ${MAX_WINDOW_HOURS}]` });
    if (Number.isNaN(detectedAt.getTime()) || detectedAt.getTime() > Date.now() + 3_600_000) {
      problems.push({ field: 'detectedAt', message: 'must be a timestamp not in the future' });
    }
    if (problems.length) throw badInput(problems);
  }
}
