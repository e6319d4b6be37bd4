import { GraphQLSchema } from 'graphql';
import type { EntityManager } from 'typeorm';
import type { AppContext } from '../../context';
import { badInput } from '../../errors';
import type { PageResult } from '../../schema/connection';
import { NodeTypeName, toGlobalId } from '../../schema/node';
import { isUuid, queryRows } from '../../db/sql';
import { Keyset, PageArgs } from '../paging/keyset';

/**
 * The audit log of admin and reviewer actions: one `audit_event` row per successful mutation listed in
 * AUDITED_MUTATIONS, written inside the mutation's own transaction, so an action that rolls back leaves
 * no row and a row never exists without its action.
 *
 * One mechanism for every audited mutation: `auditMutations(schema)` wraps those root fields once, when
 * the schema is built (no per-field cost on reads: a type-graphql global middleware would wrap every
 * field of every 500-item page). While the wrapped resolver runs, `ctx.db` is the same EntityManager
 * except that its `transaction(…)` appends the audit row before it commits. Every audited resolver does
 * its work in exactly one `ctx.db.transaction` (the team rule); the row goes into the first one.
 *
 * Which actions: every mutation that needs ADMIN (keys, compaction, profiles, model lines, eval gates,
 * retrain policies, webhooks, eraseUser), DEPLOY (what ships), and the human reviewer's ANNOTATE work
 * (tags, drift events, corrections and their acceptance). Not audited: ingestion and feedback (traffic,
 * not actions), claims and releases (queue leases that change no data), and CURATE pipeline calls
 * (dataset versions, training runs, evaluations: each already records who, in its own row).
 */

type Args = { input?: Record<string, unknown> } & Record<string, unknown>;
interface AuditRule {
  /** Global id of the object acted on, from the input or from what the transaction returned. */
  target(args: Args, result: any): string | null;
  /** Small facts worth keeping (never user data: no texts, no user ids). */
  details?(args: Args, result: any): Record<string, unknown> | null;
}

const fromInput = (field: string): AuditRule['target'] => (args) => {
  const v = args.input?.[field];
  return typeof v === 'string' ? v : null;
};
const fromResult = (type: NodeTypeName, key: (r: any) => unknown): AuditRule['target'] => (_args, r) => {
  const k = r == null ? null : key(r);
  return k == null ? null : toGlobalId(type, String(k));
};

export const AUDITED_MUTATIONS: Record<string, AuditRule> = {
  // ADMIN
  createApiKey: { target: fromResult('ApiKey', (r) => r.key?.id), details: (a) => ({ scopes: Array.isArray(a.input?.scopes) ? (a.input!.scopes as unknown[]).map((x) => String(x).toUpperCase()) : null }) },
  revokeApiKey: { target: fromInput('apiKeyId') },
  compactLogs: { target: fromResult('Job', (id) => id) },
  runLogRetention: { target: fromResult('Job', (id) => id) },
  refreshTrafficProfiles: { target: fromResult('Job', (id) => id) },
  saveModelLine: { target: fromResult('ModelLine', (r) => r.name) },
  saveEvalGate: { target: fromResult('EvalGate', (r) => r.id) },
  deleteEvalGate: { target: fromInput('evalGateId') },
  createRetrainPolicy: { target: fromResult('RetrainPolicy', (r) => r.id) },
  updateRetrainPolicy: { target: fromInput('policyId') },
  deleteRetrainPolicy: { target: fromInput('policyId') },
  createWebhook: { target: fromResult('Webhook', (r) => r.webhook?.id) },
  updateWebhook: { target: fromInput('webhookId') },
  deleteWebhook: { target: fromInput('webhookId') },
  // The user is no object of ours and their id must not be kept: the counts say what was erased.
  eraseUser: { target: () => null, details: (_a, r) => (r?.counts ? { counts: r.counts } : null) },
  // DEPLOY
  adoptDeployment: { target: fromResult('Deployment', (r) => r.deployment?.id) },
  promote: { target: fromResult('Deployment', (r) => r.deployment?.id) },
  rollback: { target: fromResult('Deployment', (r) => r.deployment?.id) },
  // Reviewer (ANNOTATE; MODEL_LABEL for submitCorrection)
  submitCorrection: { target: fromResult('Correction', (r) => r.id), details: (_a, r) => ({ status: r?.status ?? null }) },
  acceptCorrection: { target: fromInput('correctionId') },
  rejectCorrection: { target: fromInput('correctionId') },
  tagLogEntries: { target: () => null, details: (a) => tagDetails(a) },
  untagLogEntries: { target: () => null, details: (a) => tagDetails(a) },
  reportDriftEvent: { target: fromResult('DriftEvent', (r) => r.id) },
  resolveDriftEvent: { target: fromInput('driftEventId') },
};

/** Many entries at once: how many, and which tags (operator vocabulary, not user data). */
function tagDetails(a: Args): Record<string, unknown> {
  const ids = Array.isArray(a.input?.requestIds) ? (a.input!.requestIds as unknown[]) : [];
  return { entries: ids.length, tags: Array.isArray(a.input?.tags) ? a.input!.tags : [] };
}

export interface AuditEventRow {
  id: string;
  occurredAt: Date;
  apiKeyId: string | null;
  actor: string;
  action: string;
  target: string | null;
  requestId: string;
  details: Record<string, unknown> | null;
}

export const AUDIT_COLUMNS = `a.id, a.at AS "occurredAt", a.api_key_id AS "apiKeyId", a.actor, a.action, a.target, a.request_id AS "requestId", a.details`;
const AUDIT_KEYSET = new Keyset('auditLog', [
  { expr: 'a.at', dir: 'DESC', type: 'timestamptz' },
  { expr: 'a.id', dir: 'DESC', type: 'uuid' },
]);

async function record(tx: EntityManager, ctx: AppContext, action: string, rule: AuditRule, args: Args, result: unknown): Promise<void> {
  const onBehalfOf = typeof args.input?.onBehalfOf === 'string' ? args.input.onBehalfOf : null;
  const details = { ...(rule.details?.(args, result) ?? {}), ...(onBehalfOf ? { onBehalfOf } : {}) };
  await tx.query(
    `INSERT INTO audit_event (api_key_id, actor, action, target, request_id, details) VALUES ($1, $2, $3, $4, $5, $6)`,
    [ctx.principal?.keyId ?? null, ctx.principal?.name ?? 'unknown', action, rule.target(args, result), ctx.requestId, Object.keys(details).length ? JSON.stringify(details) : null],
  );
}

/**
 * `db` as the resolver sees it: unchanged, except that its first `transaction(…)` writes the audit row
 * as the transaction's last statement. A Proxy, so every other method and property is the original's.
 */
function auditingManager(db: EntityManager, onTransaction: (tx: EntityManager, result: unknown) => Promise<void>): { manager: EntityManager; recorded: () => boolean } {
  let recorded = false;
  const transaction = (...a: unknown[]) => {
    const fn = a[a.length - 1] as (tx: EntityManager) => Promise<unknown>;
    const wrapped = async (tx: EntityManager) => {
      const result = await fn(tx);
      if (!recorded) {
        await onTransaction(tx, result);
        recorded = true;
      }
      return result;
    };
    return (db.transaction as (...x: unknown[]) => Promise<unknown>).apply(db, [...a.slice(0, -1), wrapped]);
  };
  const manager = new Proxy(db, {
    get(target, prop) {
      if (prop === 'transaction') return transaction;
      return Reflect.get(target, prop, target);
    },
  });
  return { manager, recorded: () => recorded };
}

/** Wraps the audited Mutation fields of a built schema (see the file comment). */
export function auditMutations(schema: GraphQLSchema): GraphQLSchema {
  const fields = schema.getMutationType()?.getFields() ?? {};
  for (const [action, rule] of Object.entries(AUDITED_MUTATIONS)) {
    const field = fields[action];
    if (!field?.resolve) continue;
    const resolve = field.resolve;
    field.resolve = async (source, args, ctx: AppContext, info) => {
      const original = ctx.db;
      const auditing = auditingManager(original, (tx, result) => record(tx, ctx, action, rule, args as Args, result));
      ctx.db = auditing.manager;
      try {
        const out = await resolve(source, args, ctx, info);
        // Every audited resolver writes through one transaction; one that changed nothing in the
        // database (none today) still leaves its row, in a transaction of its own.
        if (!auditing.recorded()) await original.transaction((tx) => record(tx, ctx, action, rule, args as Args, null));
        return out;
      } finally {
        ctx.db = original;
      }
    };
  }
  return schema;
}

export interface AuditFilter {
  action?: string | null;
  keyId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

export class AuditService {
  constructor(private readonly maxPageSize: number) {}

  /** Newest first; `keyId` is an ApiKey global id's key (the resolver decodes it). */
  list(db: EntityManager, filter: AuditFilter, page: PageArgs): Promise<PageResult<AuditEventRow>> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (v: unknown) => (params.push(v), `$${params.length}`);
    if (filter.action) where.push(`a.action = ${p(filter.action)}`);
    if (filter.keyId !== undefined && filter.keyId !== null) {
      if (!isUuid(filter.keyId)) throw badInput([{ field: 'filter.keyId', message: 'not an ApiKey id' }]);
      where.push(`a.api_key_id = ${p(filter.keyId)}::uuid`);
    }
    if (filter.from) where.push(`a.at >= ${p(filter.from)}`);
    if (filter.to) where.push(`a.at < ${p(filter.to)}`);
    return AUDIT_KEYSET.fetch<AuditEventRow>(db, page, this.maxPageSize, { columns: AUDIT_COLUMNS, from: 'audit_event a', filter: where, params });
  }

  byIds(db: EntityManager, ids: string[]): Promise<AuditEventRow[]> {
    return db.query(`SELECT ${AUDIT_COLUMNS} FROM audit_event a WHERE a.id = ANY ($1::uuid[])`, [ids.filter(isUuid)]);
  }

  /**
   * Deletes events older than `days`, in batches of `batchSize` (each its own transaction, so a long
   * prune never holds one big lock). The only DELETE the table's trigger lets through: it checks the
   * transaction-local flag and the cutoff set here.
   */
  async prune(db: EntityManager, days: number, batchSize = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await db.transaction(async (tx) => {
        const [{ cutoff }]: { cutoff: string }[] = await tx.query(`SELECT (now() - make_interval(secs => $1::double precision * 86400))::text AS cutoff`, [days]);
        await tx.query(`SELECT set_config('flywheel.audit_retention', 'on', true), set_config('flywheel.audit_cutoff', $1, true)`, [cutoff]);
        const rows = await queryRows(
          tx,
          `DELETE FROM audit_event WHERE id IN (SELECT id FROM audit_event WHERE at < $1::timestamptz ORDER BY at LIMIT ${Math.max(1, Math.floor(batchSize))}) RETURNING 1`,
          [cutoff],
        );
        return rows.length;
      });
      total += n;
      if (n < batchSize) return total;
    }
  }
}
