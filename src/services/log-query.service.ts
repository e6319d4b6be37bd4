import { EntityManager } from 'typeorm';
import type { Config } from '../config';
import { FlywheelError } from '../errors';
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

export interface LogPage {
  edges: { cursor: string; node: LogRow }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

export const LOG_ENTRY_COLUMNS = `l.request_id AS "requestId", l.ts, l.ts::text AS ts_text, l.model_version AS "modelVersion", l.prompt,
  l.response, l.latency_ms AS "latencyMs", l.user_id_hash AS "userIdHash", l.response_logprob AS "responseLogprob",
  l.flagged, l.metadata, l.keep_reasons AS "keepReasons", l.received_at AS "receivedAt"`;

const DEFAULT_PAGE_SIZE = 50;

/**
 * Cursors carry the exact (ts, requestId) of the last row as PostgreSQL printed it, so microsecond
 * timestamps round-trip exactly (a JS Date would truncate them to milliseconds and skip or repeat rows).
 */
function encodeCursor(tsText: string, requestId: string): string {
  return Buffer.from(JSON.stringify([tsText, requestId]), 'utf8').toString('base64url');
}

/** PostgreSQL's timestamptz output, e.g. `2026-11-01 00:00:00.123456+00`. */
const CURSOR_TS_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2}){0,2}$/;

function decodeCursor(cursor: string): [string, string] {
  try {
    const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string' && CURSOR_TS_RE.test(v[0])) {
      return [v[0], v[1]];
    }
  } catch {
    /* fall through */
  }
  throw new FlywheelError('BAD_USER_INPUT', 'after: not a cursor returned by this API; pass pageInfo.endCursor of the previous page', {
    problems: [{ field: 'after', message: 'invalid cursor' }],
  });
}

export class LogQueryService {
  constructor(private readonly config: Config) {}

  async logEntry(db: EntityManager, requestId: string): Promise<LogRow | null> {
    // Through the register: its ts lets the log lookup use the (ts, request_id) key (and, once the
    // table is partitioned, touch one partition).
    const rows: (LogRow & { ts_text: string })[] = await db.query(
      `SELECT ${LOG_ENTRY_COLUMNS} FROM inference_request r JOIN inference_log l ON l.ts = r.ts AND l.request_id = r.request_id
       WHERE r.request_id = $1`,
      [requestId],
    );
    return rows[0] ? strip(rows[0]) : null;
  }

  /**
   * Keyset pagination in (ts, request_id) order, served by the primary key or by
   * (model_version, ts, request_id) when a model version is given: a page costs the same on row 10
   * as on row 10 million.
   */
  async logEntries(db: EntityManager, args: { filter?: LogFilter; first?: number; after?: string; order?: 'ASC' | 'DESC' }): Promise<LogPage> {
    const first = args.first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 1 || first > this.config.maxPageSize) {
      throw new FlywheelError('BAD_USER_INPUT', `first: must be between 1 and ${this.config.maxPageSize} (MAX_PAGE_SIZE)`, {
        problems: [{ field: 'first', message: `must be 1–${this.config.maxPageSize}` }],
      });
    }
    const desc = (args.order ?? 'DESC') === 'DESC';
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
    if (args.after) {
      const [ts, id] = decodeCursor(args.after);
      where.push(`(l.ts, l.request_id) ${desc ? '<' : '>'} (${param(ts)}::timestamptz, ${param(id)})`);
    }
    const dir = desc ? 'DESC' : 'ASC';
    const sql = `SELECT ${LOG_ENTRY_COLUMNS} FROM inference_log l ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY l.ts ${dir}, l.request_id ${dir} LIMIT ${first + 1}`;
    const rows: (LogRow & { ts_text: string })[] = await db.query(sql, params);
    const page = rows.slice(0, first);
    const edges = page.map((r) => ({ cursor: encodeCursor(r.ts_text, r.requestId), node: strip(r) }));
    return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.length ? edges[edges.length - 1].cursor : null } };
  }
}

function strip(row: LogRow & { ts_text?: string }): LogRow {
  const { ts_text: _ignored, ...rest } = row;
  return rest;
}
