import { EntityManager } from 'typeorm';
import type { Config } from '../config';
import type { PageResult } from '../schema/connection';
import { Keyset, PageArgs } from './paging/keyset';
import type { KeepReason } from './ingest/keep-reasons';

export interface LogRow {
  requestId: string;
  ts: Date;
  modelVersion: string;
  prompt: string;
  response: string;
  latencyMs: number;
  userIdHash: string | null;
  responseLogprob: number | null;
  flagged: boolean;
  metadata: Record<string, unknown> | null;
  keepReasons: KeepReason[];
  receivedAt: Date;
}

export interface LogFilter {
  from?: Date;
  to?: Date;
  modelVersion?: string;
  keepReason?: KeepReason;
  logprobBelow?: number;
  hasTag?: string;
  anyTags?: string[];
  hasAcceptedCorrection?: boolean;
  hasFeedbackKind?: string;
}

export const LOG_ENTRY_COLUMNS = `l.request_id AS "requestId", l.ts, l.model_version AS "modelVersion", l.prompt,
  l.response, l.latency_ms AS "latencyMs", l.user_id_hash AS "userIdHash", l.response_logprob AS "responseLogprob",
  l.flagged, l.metadata, l.keep_reasons AS "keepReasons", l.received_at AS "receivedAt"`;

/** Both orders share one cursor format: a position in (ts, request_id) is valid either way. */
const KEYSETS = {
  ASC: new Keyset('logEntries', [
    { expr: 'l.ts', dir: 'ASC', type: 'timestamptz' },
    { expr: 'l.request_id', dir: 'ASC', type: 'text' },
  ]),
  DESC: new Keyset('logEntries', [
    { expr: 'l.ts', dir: 'DESC', type: 'timestamptz' },
    { expr: 'l.request_id', dir: 'DESC', type: 'text' },
  ]),
};

export class LogQueryService {
  constructor(private readonly config: Config) {}

  /**
   * Keyset pagination in (ts, request_id) order, served by the primary key or by
   * (model_version, ts, request_id) when a model version is given: a page costs the same on row 10
   * as on row 10 million.
   */
  async logEntries(db: EntityManager, args: PageArgs & { filter?: LogFilter | null; order?: 'ASC' | 'DESC' | null }): Promise<PageResult<LogRow>> {
    const keyset = KEYSETS[args.order ?? 'DESC'];
    const where: string[] = [];
    const params: unknown[] = [];
    const f = args.filter ?? {};
    const param = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    if (f.from) where.push(`l.ts >= ${param(f.from.toISOString())}`);
    if (f.to) where.push(`l.ts < ${param(f.to.toISOString())}`);
    if (f.modelVersion !== undefined && f.modelVersion !== null) where.push(`l.model_version = ${param(f.modelVersion)}`);
    if (f.keepReason) where.push(`${param(f.keepReason)} = ANY (l.keep_reasons)`);
    if (f.logprobBelow !== undefined && f.logprobBelow !== null) where.push(`l.response_logprob < ${param(f.logprobBelow)}`);
    // The child-table filters probe indexes keyed by request_id, once per candidate row in page order.
    if (f.hasTag != null) where.push(`EXISTS (SELECT 1 FROM log_tag t WHERE t.request_id = l.request_id AND t.tag = ${param(f.hasTag)} AND t.removed_at IS NULL)`);
    if (f.anyTags?.length) {
      where.push(`EXISTS (SELECT 1 FROM log_tag t WHERE t.request_id = l.request_id AND t.tag = ANY (${param(f.anyTags)}::text[]) AND t.removed_at IS NULL)`);
    }
    if (f.hasAcceptedCorrection != null) {
      where.push(`${f.hasAcceptedCorrection ? '' : 'NOT '}EXISTS (SELECT 1 FROM correction c WHERE c.request_id = l.request_id AND c.status = 'ACCEPTED')`);
    }
    if (f.hasFeedbackKind != null) where.push(`EXISTS (SELECT 1 FROM feedback fb WHERE fb.request_id = l.request_id AND fb.kind = ${param(f.hasFeedbackKind)})`);
    const plan = keyset.plan(args, this.config.maxPageSize, param);
    where.push(...plan.where);
    const sql = `SELECT ${LOG_ENTRY_COLUMNS}, ${keyset.cursorColumns} FROM inference_log l ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${plan.orderBy} LIMIT ${plan.limit}`;
    const rows: LogRow[] = await db.query(sql, params);
    return plan.finish(rows, (r) => r);
  }
}
