import type { AppContext } from '../../context';
import { badInput, forbidden } from '../../errors';
import { fromGlobalId, NodeTypeName } from '../../schema/node';
import { hasScope, Scope } from '../api-key.service';
import { checkListLength } from '../input-rules';

/**
 * How `node`/`nodes` find each type, and who may see it: exactly the scopes of the type's own query,
 * so a global id is never a way around a scope.
 */
interface NodeSource {
  scopes: Scope[];
  /** The objects for these keys, keyed by key; a missing key reads as null. */
  fetch(ctx: AppContext, keys: string[]): Promise<Map<string, object>>;
}

const byKey = <T extends object>(rows: T[], key: (r: T) => string) => new Map(rows.map((r) => [key(r), r]));
const loaded = async <T extends object>(values: Promise<(T | null | Error)[]>, keys: string[]) => {
  const out = new Map<string, object>();
  (await values).forEach((v, i) => {
    if (v && !(v instanceof Error)) out.set(keys[i], v);
  });
  return out;
};

const SOURCES: Record<NodeTypeName, NodeSource> = {
  LogEntry: { scopes: ['read'], fetch: (ctx, keys) => loaded(ctx.loaders.logEntry.loadMany(keys), keys) },
  Tag: {
    scopes: ['read'],
    fetch: async (ctx, keys) =>
      byKey(
        await ctx.db.query(
          `SELECT id::text AS id, request_id AS "requestId", tag AS name, source, actor, created_at AS "createdAt" FROM log_tag
           WHERE id = ANY ($1::bigint[]) AND removed_at IS NULL`,
          [keys.filter((k) => /^\d{1,18}$/.test(k))],
        ),
        (r: object) => (r as { id: string }).id,
      ),
  },
  Feedback: { scopes: ['read'], fetch: async (ctx, keys) => byKey(await ctx.services.feedback.byIds(ctx.db, keys), (r) => r.id) },
  Correction: { scopes: ['read', 'annotate', 'model_label'], fetch: async (ctx, keys) => byKey(await ctx.services.corrections.byIds(ctx.db, keys), (r) => r.id) },
  ReviewItem: { scopes: ['read', 'annotate', 'model_label'], fetch: (ctx, keys) => loaded(ctx.loaders.reviewItem.loadMany(keys), keys) },
  LabelConflict: { scopes: ['read', 'annotate'], fetch: (ctx, keys) => ctx.services.corrections.conflicts(ctx.db, keys) },
  DriftEvent: { scopes: ['read'], fetch: async (ctx, keys) => byKey(await ctx.services.drift.byIds(ctx.db, keys), (r) => r.id) },
  ApiKey: { scopes: ['admin'], fetch: async (ctx, keys) => byKey(await ctx.services.apiKeys.byIds(ctx.db, keys), (r) => r.id) },
  DatasetVersion: { scopes: ['read', 'curate'], fetch: async (ctx, keys) => byKey(await ctx.services.datasets.byIds(ctx.db, keys), (r) => r.id) },
  RetrainPolicy: { scopes: ['read', 'curate'], fetch: async (ctx, keys) => byKey(await ctx.services.retrainPolicies.byIds(ctx.db, keys), (r) => r.id) },
  RetrainDecision: { scopes: ['read', 'curate'], fetch: async (ctx, keys) => byKey(await ctx.services.retrain.byIds(ctx.db, keys), (r) => r.id) },
  ModelLine: { scopes: ['read', 'curate', 'deploy'], fetch: async (ctx, keys) => byKey(await ctx.services.lineage.linesByName(ctx.db, keys), (r) => r.name) },
  ModelVersion: { scopes: ['read', 'curate', 'deploy'], fetch: async (ctx, keys) => byKey(await ctx.services.lineage.versionsByName(ctx.db, keys), (r) => r.name) },
  TrainingRun: { scopes: ['read', 'curate', 'deploy'], fetch: (ctx, keys) => loaded(ctx.loaders.lineage.trainingRun.loadMany(keys), keys) },
  EvalGate: { scopes: ['read', 'curate', 'deploy'], fetch: async (ctx, keys) => byKey(await ctx.services.promotion.gatesByIds(ctx.db, keys), (r) => r.id) },
  Evaluation: { scopes: ['read', 'curate', 'deploy'], fetch: async (ctx, keys) => byKey(await ctx.services.promotion.evaluationsByIds(ctx.db, keys), (r) => r.id) },
  Deployment: { scopes: ['read', 'curate', 'deploy'], fetch: (ctx, keys) => loaded(ctx.loaders.lineage.deployment.loadMany(keys), keys) },
  GroundTruth: { scopes: ['read'], fetch: (ctx, keys) => loaded(ctx.loaders.groundTruth.loadMany(keys), keys) },
  Webhook: { scopes: ['admin'], fetch: async (ctx, keys) => byKey(await ctx.services.webhooks.byIds(ctx.db, keys), (r) => r.id) },
  WebhookDelivery: { scopes: ['admin'], fetch: async (ctx, keys) => byKey(await ctx.services.webhooks.deliveriesByIds(ctx.db, keys), (r) => r.id) },
  AuditEvent: { scopes: ['admin'], fetch: async (ctx, keys) => byKey(await ctx.services.audit.byIds(ctx.db, keys), (r) => r.id) },
  Job: {
    // Training pipelines follow their dataset builds.
    scopes: ['admin', 'curate'],
    fetch: async (ctx, keys) => {
      const jobs = await Promise.all(keys.map((k) => ctx.services.jobs.status(k)));
      return byKey(jobs.filter((j) => j !== null), (j) => j.id);
    },
  },
};

/**
 * Refetch by global id. A well-formed id of an object that does not exist (or no longer does) reads
 * as null; an id this API never issued is BAD_USER_INPUT; a type the key may not read is FORBIDDEN.
 * One statement per type in the request, whatever the number of ids.
 */
export async function fetchNodes(ctx: AppContext, ids: readonly string[]): Promise<(object | null)[]> {
  // Refused, not truncated: a client pairs result i with ids[i] and could not tell a cut from a miss.
  checkListLength('Query.nodes(ids)', ids.length, ctx.services.config);
  const decoded = ids.map((id, i) => fromGlobalId(id, ids.length === 1 ? 'id' : `ids[${i}]`));
  const byType = new Map<NodeTypeName, string[]>();
  for (const { type, key } of decoded) byType.set(type, [...(byType.get(type) ?? []), key]);
  for (const type of byType.keys()) {
    const { scopes } = SOURCES[type];
    if (!hasScope(ctx.principal!, scopes)) {
      throw forbidden(`This API key may not read ${type} objects; it needs one of: ${scopes.map((s) => s.toUpperCase()).join(', ')}`, {
        requiredScopes: scopes.map((s) => s.toUpperCase()),
      });
    }
  }
  const found = new Map<NodeTypeName, Map<string, object>>();
  await Promise.all([...byType].map(async ([type, keys]) => found.set(type, await SOURCES[type].fetch(ctx, [...new Set(keys)]))));
  return decoded.map(({ type, key }) => {
    const value = found.get(type)!.get(key);
    return value ? { ...value, __typename: type } : null;
  });
}
