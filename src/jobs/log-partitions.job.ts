import { LogPartitionService } from '../services/log-partition.service';
import type { JobDefinition } from './job-queue';
import { reportProgress } from './progress';

export const LOG_PARTITIONS_JOB = 'log-partitions';

function parseLogPartitionsPayload(data: unknown): Record<string, never> {
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new TypeError('log-partitions payload must be an object');
  if (Object.keys(data).length) throw new TypeError(`log-partitions payload: unknown field(s) ${Object.keys(data).join(', ')}`);
  return {};
}

/** Keeps the daily log partitions created `daysAhead` days ahead (daily, and at every boot). */
export function logPartitionsJob(daysAhead: number): JobDefinition<Record<string, never>> {
  const service = new LogPartitionService();
  return {
    name: LOG_PARTITIONS_JOB,
    parse: parseLogPartitionsPayload,
    retryLimit: 5,
    retryDelay: 60,
    expireInSeconds: 600,
    async handle(_payload, ctx) {
      const created = await service.ensureAhead(ctx.db, { daysAhead });
      await reportProgress(ctx, 'DONE', created.length, created.length, { created });
      return { created };
    },
  };
}
