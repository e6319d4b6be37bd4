import type { AuditService } from '../services/govern/audit';
import type { JobDefinition } from './job-queue';

export const AUDIT_RETENTION_JOB = 'audit-retention';

/**
 * Hourly: audit events older than AUDIT_RETENTION_DAYS (default 400) are deleted, in batches of 5,000.
 * The only path through the table's append-only trigger. `days` in the payload overrides the setting
 * for one run (tests, or an operator shortening retention once).
 */
export function auditRetentionJob(audit: AuditService, defaultDays: number): JobDefinition<{ days?: number }> {
  return {
    name: AUDIT_RETENTION_JOB,
    parse(data) {
      const d = (data ?? {}) as { days?: unknown };
      if (typeof d !== 'object' || Array.isArray(d)) throw new TypeError('audit-retention payload: an object');
      if (d.days !== undefined && (typeof d.days !== 'number' || !(d.days > 0))) throw new TypeError('audit-retention payload: days must be a positive number');
      return d.days === undefined ? {} : { days: d.days };
    },
    retryLimit: 2,
    retryDelay: 30,
    expireInSeconds: 900,
    async handle(payload, ctx) {
      return { deleted: await audit.prune(ctx.db, payload.days ?? defaultDays) };
    },
  };
}
