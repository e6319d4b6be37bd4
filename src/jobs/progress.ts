/**
 * The one shape every job handler reports progress in (`Job.progress` in the API): a phase, units
 * done out of a total (when known), a percentage, and handler-specific extras under `details`. The
 * queue stores whatever a handler passes (job_run.progress, jsonb); handlers report through
 * `reportProgress`, and reads go through `toJobProgress`, which also reads the per-handler shapes
 * written before this one existed (job_run rows outlive a deploy: a READY dataset version keeps its
 * build job's last report).
 */

export type JobPhase = 'RUNNING' | 'GATE' | 'EXPORT' | 'DELETE' | 'EVALUATE' | 'DONE';

export interface JobProgressReport {
  phase: JobPhase;
  /** Units of work done (rows, model versions, review items, profiles: per job kind). */
  done: number;
  /** Units in all, when known. */
  total: number | null;
  /** 0–100, when total is known. */
  percent: number | null;
  /** Handler-specific extras (compaction: batches, cutoff); null when none. */
  details: Record<string, unknown> | null;
}

const PHASES = new Set<string>(['RUNNING', 'GATE', 'EXPORT', 'DELETE', 'EVALUATE', 'DONE']);

/** A report in the common shape, with the percentage computed from done and total. */
export function progressReport(phase: JobPhase, done: number, total: number | null, details: Record<string, unknown> | null = null): JobProgressReport {
  const percent = total == null ? null : total === 0 ? 100 : Math.min(100, Math.floor((done / total) * 100));
  return { phase, done, total, percent, details };
}

/** What a handler calls: `ctx.progress` with the common shape. */
export function reportProgress(
  ctx: { progress(p: Record<string, unknown>): Promise<void> },
  phase: JobPhase,
  done: number,
  total: number | null,
  details: Record<string, unknown> | null = null,
): Promise<void> {
  return ctx.progress({ ...progressReport(phase, done, total, details) });
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** A stored report (any shape a handler ever wrote) in the common shape; null when nothing was reported. */
export function toJobProgress(raw: Record<string, unknown> | null | undefined): JobProgressReport | null {
  if (!raw || typeof raw !== 'object') return null;
  const { phase, done, total, percent, details } = raw;
  // The common shape.
  if (typeof phase === 'string' && PHASES.has(phase) && num(done) !== null) {
    return {
      phase: phase as JobPhase,
      done: num(done)!,
      total: num(total),
      percent: num(percent),
      details: details && typeof details === 'object' && !Array.isArray(details) ? (details as Record<string, unknown>) : null,
    };
  }
  // Earlier shapes, per handler.
  if (typeof phase === 'string' && 'rowsDone' in raw) {
    // dataset-build: { phase: 'gate' | 'export' | 'done', rowsDone, rowsTotal, percent }
    const upper = phase.toUpperCase();
    return { phase: PHASES.has(upper) ? (upper as JobPhase) : 'RUNNING', done: num(raw.rowsDone) ?? 0, total: num(raw.rowsTotal), percent: num(percent), details: null };
  }
  if ('deleted' in raw) {
    // compaction: { deleted, batches, cutoff, done? }
    return { phase: raw.done === true ? 'DONE' : 'DELETE', done: num(raw.deleted) ?? 0, total: null, percent: null, details: { batches: raw.batches ?? null, cutoff: raw.cutoff ?? null } };
  }
  if ('modelVersionsDone' in raw) {
    // retrain-evaluation: { modelVersionsDone, modelVersionsTotal }
    return { ...progressReport('EVALUATE', num(raw.modelVersionsDone) ?? 0, num(raw.modelVersionsTotal)) };
  }
  for (const key of ['queued', 'profiles']) {
    // drift-review: { queued }; traffic-profile: { profiles } (each reported once, at the end)
    if (key in raw && num(raw[key]) !== null) return progressReport('DONE', num(raw[key])!, num(raw[key]));
  }
  // Anything else (a handler of a newer version, a test's own job): the phase is unknown, the report kept whole.
  return { phase: 'RUNNING', done: 0, total: null, percent: null, details: raw };
}
