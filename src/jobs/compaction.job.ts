import type { Metrics } from '../metrics';
import { CompactionService } from '../services/compaction.service';
import type { JobDefinition } from './job-queue';
import { reportProgress } from './progress';

export const COMPACTION_JOB = 'compaction';

export interface CompactionPayload {
  /** Override SAMPLING_GRACE_HOURS for this run (admin-triggered runs). */
  graceHours?: number;
  batchSize?: number;
  /** Ignore the watermark and examine every due row from the oldest (after references were removed). */
  fromOldest?: boolean;
}

function parseCompactionPayload(data: unknown): CompactionPayload {
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new TypeError('compaction payload must be an object');
  const { graceHours, batchSize, fromOldest, ...rest } = data as Record<string, unknown>;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length) throw new TypeError(`compaction payload: unknown field(s) ${unknownKeys.join(', ')}`);
  if (graceHours !== undefined && (typeof graceHours !== 'number' || !Number.isFinite(graceHours) || graceHours < 0)) {
    throw new TypeError('compaction payload: graceHours: must be a number ≥ 0');
  }
  if (batchSize !== undefined && (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000)) {
    throw new TypeError('compaction payload: batchSize: must be an integer in 1..100000');
  }
  if (fromOldest !== undefined && typeof fromOldest !== 'boolean') throw new TypeError('compaction payload: fromOldest: must be a boolean');
  return { graceHours: graceHours as number | undefined, batchSize: batchSize as number | undefined, ...(fromOldest !== undefined ? { fromOldest: fromOldest as boolean } : {}) };
}

export function compactionJob(defaults: { graceHours: number; batchSize: number }, metrics: Metrics): JobDefinition<CompactionPayload> {
  const service = new CompactionService();
  return {
    name: COMPACTION_JOB,
    parse: parseCompactionPayload,
    retryLimit: 5,
    retryDelay: 30,
    expireInSeconds: 3600,
    async handle(payload, ctx) {
      let reported = 0;
      const result = await service.compact(ctx.db, {
        graceHours: payload.graceHours ?? defaults.graceHours,
        batchSize: payload.batchSize ?? defaults.batchSize,
        fromOldest: payload.fromOldest,
        signal: ctx.signal,
        onBatch: async (r) => {
          metrics.rowsCompacted.inc(r.deleted - reported);
          reported = r.deleted;
          await reportProgress(ctx, 'DELETE', r.deleted, null, { batches: r.batches, cutoff: r.cutoff, startedAt: r.startedAt, scanned: r.scanned, partitionsDropped: r.partitionsDropped });
        },
      });
      await reportProgress(ctx, 'DONE', result.deleted, result.deleted, {
        batches: result.batches,
        cutoff: result.cutoff,
        startedAt: result.startedAt,
        scanned: result.scanned,
        partitionsDropped: result.partitionsDropped,
      });
      return { ...result };
    },
  };
}
