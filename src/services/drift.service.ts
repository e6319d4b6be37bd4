import { EntityManager } from 'typeorm';
import type { Config } from '../config';
import { queryRowCount, queryRows } from '../db/sql';
import { badInput, FlywheelError, InputProblem } from '../errors';
import { holdOffCompaction } from './compaction-references';
import type { JobQueue } from '../jobs/job-queue';

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
}

export interface ReportedDriftEvent extends DriftEventRow {
  /** Stored rows in the window; those not counted in taggedCount already had drift_window from an earlier event. */
  windowRows: number;
}

const DEFAULT_WINDOW_HOURS = 12;
const MAX_WINDOW_HOURS = 24 * 31;

const COLUMNS = `id, model_version AS "modelVersion", detected_at AS "detectedAt", metric, value, threshold,
  window_hours AS "windowHours", tagged_count AS "taggedCount", resolved_at AS "resolvedAt", resolved_by AS "resolvedBy",
  created_at AS "createdAt"`;

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
    const rows = await queryRows<{ request_id: string }>(
      tx,
      `WITH ev AS (SELECT model_version, detected_at, window_hours FROM drift_event WHERE id = $1)
       INSERT INTO review_item AS ri (request_id, priority, reason, ts)
       SELECT l.request_id, 1, 'drift_window', l.ts FROM ev, inference_log l
       WHERE l.model_version = ev.model_version AND l.ts >= ev.detected_at - make_interval(secs => ev.window_hours * 3600) AND l.ts <= ev.detected_at
         AND 'drift_window' = ANY ($2::text[])
         AND EXISTS (SELECT 1 FROM log_tag t WHERE t.request_id = l.request_id AND t.tag = 'drift_window' AND t.removed_at IS NULL)
       ON CONFLICT (request_id) DO UPDATE SET priority = 1, reason = 'drift_window', updated_at = now() WHERE ri.priority > 1
       RETURNING ri.request_id`,
      [driftEventId, this.config.reviewTags],
    );
    return rows.length;
  }

  async report(tx: EntityManager, input: DriftEventInput): Promise<ReportedDriftEvent> {
    const windowHours = input.windowHours ?? DEFAULT_WINDOW_HOURS;
    const detectedAt = input.detectedAt ?? new Date();
    this.validate(input, windowHours, detectedAt);
    await holdOffCompaction(tx);
    const [event]: DriftEventRow[] = await tx.query(
      `INSERT INTO drift_event (model_version, detected_at, metric, value, threshold, window_hours)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
      [input.modelVersion, detectedAt.toISOString(), input.metric, input.value, input.threshold, windowHours],
    );
    // The tagging is the plain statement a person would write, skipping rows an overlapping event already
    // tagged; its row count is what this event tagged. An anti-join instead of ON CONFLICT: speculative
    // insertion cost ~40% more per row here. Events of one model version are serialized so two overlapping
    // ones cannot both insert the same (row, tag).
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('flywheel:drift:' || $1))`, [input.modelVersion]);
    const tagged = await queryRowCount(
      tx,
      `INSERT INTO log_tag (request_id, tag, source, actor)
       SELECT l.request_id, 'drift_window', 'DRIFT', $4 FROM inference_log l
       WHERE l.model_version = $1 AND l.ts >= $2::timestamptz - make_interval(secs => $3) AND l.ts <= $2::timestamptz
         AND NOT EXISTS (SELECT 1 FROM log_tag t WHERE t.request_id = l.request_id AND t.tag = 'drift_window' AND t.removed_at IS NULL)`,
      [input.modelVersion, detectedAt.toISOString(), windowHours * 3600, event.id],
    );
    const [{ n: windowRows }]: { n: number }[] = await tx.query(
      `SELECT count(*)::int AS n FROM inference_log
       WHERE model_version = $1 AND ts >= $2::timestamptz - make_interval(secs => $3) AND ts <= $2::timestamptz`,
      [input.modelVersion, detectedAt.toISOString(), windowHours * 3600],
    );
    const counts = { in_window: windowRows, newly: tagged };
    // Small windows enter the review queue now; a large one through a job committed with this transaction,
    // so reporting costs about what the tagging statement itself costs (bench:review).
    if (counts.in_window <= this.config.reviewInlineMax) await this.enqueueWindow(tx, event.id);
    else await this.jobs.send(DRIFT_REVIEW_JOB, { driftEventId: event.id }, tx);
    await tx.query(`UPDATE drift_event SET tagged_count = $2 WHERE id = $1`, [event.id, counts.newly]);
    return { ...event, taggedCount: counts.newly, windowRows: counts.in_window };
  }

  async resolve(tx: EntityManager, id: string, by: string): Promise<DriftEventRow> {
    const rows: DriftEventRow[] = /^[0-9a-f-]{36}$/i.test(id)
      ? await queryRows<DriftEventRow>(
          tx,
          `UPDATE drift_event SET resolved_at = coalesce(resolved_at, now()), resolved_by = coalesce(resolved_by, $2)
           WHERE id = $1 RETURNING ${COLUMNS}`,
          [id, by],
        )
      : [];
    if (!rows[0]) throw new FlywheelError('NOT_FOUND', `No drift event with id ${id}`);
    return rows[0];
  }

  async list(db: EntityManager, filter: { modelVersion?: string | null; open?: boolean | null; from?: Date | null; to?: Date | null }, first = 100): Promise<DriftEventRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => (params.push(v), `$${params.length}`);
    if (filter.modelVersion != null) where.push(`model_version = ${p(filter.modelVersion)}`);
    if (filter.open === true) where.push('resolved_at IS NULL');
    if (filter.open === false) where.push('resolved_at IS NOT NULL');
    if (filter.from) where.push(`detected_at >= ${p(filter.from.toISOString())}`);
    if (filter.to) where.push(`detected_at < ${p(filter.to.toISOString())}`);
    return db.query(
      `SELECT ${COLUMNS} FROM drift_event ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY detected_at DESC, id LIMIT ${Math.min(Math.max(first, 1), 1000)}`,
      params,
    );
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
