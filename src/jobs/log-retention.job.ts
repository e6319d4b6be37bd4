import type { Metrics } from '../metrics';
import { RetentionService } from '../services/retention.service';
import type { JobDefinition } from './job-queue';
import { reportProgress } from './progress';

export const LOG_RETENTION_JOB = 'log-retention';

export interface LogRetentionPayload {
  batchSize?: number;
}

function parseLogRetentionPayload(data: unknown): LogRetentionPayload {
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new TypeError('log-retention payload must be an object');
  const { batchSize, ...rest } = data as Record<string, unknown>;
  if (Object.keys(rest).length) throw new TypeError(`log-retention payload: unknown field(s) ${Object.keys(rest).join(', ')}`);
  if (batchSize !== undefined && (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000)) {
    throw new TypeError('log-retention payload: batchSize: must be an integer in 1..100000');
  }
  return { batchSize: batchSize as number | undefined };
}

/** Deletes raw log rows past their line's retention (hourly, and on demand with runLogRetention). */
export function logRetentionJob(defaults: { retentionDays: number; batchSize: number }, metrics: Metrics): JobDefinition<LogRetentionPayload> {
  const service = new RetentionService();
  return {
    name: LOG_RETENTION_JOB,
    parse: parseLogRetentionPayload,
    retryLimit: 5,
    retryDelay: 30,
    expireInSeconds: 3600,
    async handle(payload, ctx) {
      void metrics;
      const result = await service.apply(ctx.db, {
        defaultDays: defaults.retentionDays,
        batchSize: payload.batchSize ?? defaults.batchSize,
        signal: ctx.signal,
        onBatch: (r) => reportProgress(ctx, 'DELETE', r.deleted, null, { batches: r.batches, partitionsDropped: r.partitionsDropped, scanned: r.scanned }),
      });
      await reportProgress(ctx, 'DONE', result.deleted, result.deleted, { batches: result.batches, partitionsDropped: result.partitionsDropped, scanned: result.scanned });
      return { ...result };
    },
  };
}
