import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../context';
import type { PageResult } from '../schema/connection';
import { DatasetVersion } from '../schema/dataset.types';
import { keyOf, toGlobalId } from '../schema/node';
import {
  CreateRetrainPolicyInput,
  DeleteRetrainPolicyInput,
  EvaluateRetrainInput,
  EvaluateRetrainPayload,
  RetrainCounts,
  RetrainDatasetTemplate,
  RetrainDecision,
  RetrainDecisionConnection,
  RetrainDecisionsArgs,
  RetrainPoliciesArgs,
  RetrainPolicy,
  RetrainPolicyCheck,
  RetrainPolicyConnection,
  RetrainPolicyCounts,
  RetrainPolicyPayload,
  RetrainReadiness,
  UpdateRetrainPolicyInput,
} from '../schema/retrain.types';
import { actingIdentity } from '../services/api-key.service';
import type { DatasetVersionRow } from '../services/curate/dataset.service';
import type { PolicyCheck, RetrainDecisionRow } from '../services/decide/retrain.service';
import type { RetrainPolicyRow } from '../services/decide/retrain-policy.service';

type StoredCounts = Record<string, unknown>;
const num = (v: unknown) => (typeof v === 'number' ? v : null);
const date = (v: unknown) => (typeof v === 'string' || v instanceof Date ? new Date(v) : null);

/** The stored counts object (jsonb) as the typed RetrainCounts. */
const countsView = (c: StoredCounts): RetrainCounts => ({
  newAcceptedCorrections: num(c.newAcceptedCorrections) ?? 0,
  lastTrainingRunAt: date(c.lastTrainingRunAt),
  policies: num(c.policies) ?? 0,
});

/** One policy's stored counts as the typed RetrainPolicyCounts (keys the kind does not use are null). */
const policyCountsView = (c: StoredCounts): RetrainPolicyCounts => ({
  newAcceptedCorrections: num(c.newAcceptedCorrections),
  minExamples: num(c.minExamples),
  openDriftEvents: num(c.openDriftEvents),
  driftEventId: typeof c.driftEventId === 'string' ? toGlobalId('DriftEvent', c.driftEventId) : null,
  correctedInWindow: num(c.correctedInWindow),
  minCorrected: num(c.minCorrected),
  dueAt: date(c.dueAt),
  openTagged: num(c.openTagged),
  threshold: num(c.threshold),
  flagged: num(c.flagged),
  flaggedCorrected: num(c.flaggedCorrected),
  labelled: num(c.labelled),
  correct: num(c.correct),
  accuracy: num(c.accuracy),
  minLabelled: num(c.minLabelled),
});

const checkView = (c: PolicyCheck): RetrainPolicyCheck => ({
  policyId: toGlobalId('RetrainPolicy', c.policyId),
  kind: c.kind as never,
  fired: c.fired,
  reason: c.reason,
  counts: policyCountsView(c.counts ?? {}),
});

@Resolver(() => RetrainPolicy)
export class RetrainPolicyResolver {
  @Authorized('admin')
  @Mutation(() => RetrainPolicyPayload, { nullable: true, description: 'Add a retrain policy to a model version.' })
  async createRetrainPolicy(@Arg('input', () => CreateRetrainPolicyInput, { description: 'The policy.' }) input: CreateRetrainPolicyInput, @Ctx() ctx: AppContext): Promise<RetrainPolicyPayload> {
    const row = await ctx.db.transaction((tx) => ctx.services.retrainPolicies.create(tx, input, ctx.principal!.name));
    return { retrainPolicy: row as unknown as RetrainPolicy };
  }

  @Authorized('admin')
  @Mutation(() => RetrainPolicyPayload, { nullable: true, description: 'Change, enable or disable a retrain policy.' })
  async updateRetrainPolicy(@Arg('input', () => UpdateRetrainPolicyInput, { description: 'What changes.' }) input: UpdateRetrainPolicyInput, @Ctx() ctx: AppContext): Promise<RetrainPolicyPayload> {
    const { policyId, ...changes } = input;
    const id = keyOf(policyId, 'RetrainPolicy', 'policyId');
    const row = await ctx.db.transaction((tx) => ctx.services.retrainPolicies.update(tx, id, changes));
    return { retrainPolicy: row as unknown as RetrainPolicy };
  }

  @Authorized('admin')
  @Mutation(() => RetrainPolicyPayload, { nullable: true, description: 'Delete a retrain policy; the decisions it made stay.' })
  async deleteRetrainPolicy(@Arg('input', () => DeleteRetrainPolicyInput, { description: 'The policy.' }) input: DeleteRetrainPolicyInput, @Ctx() ctx: AppContext): Promise<RetrainPolicyPayload> {
    const id = keyOf(input.policyId, 'RetrainPolicy', 'policyId');
    const row = await ctx.db.transaction((tx) => ctx.services.retrainPolicies.remove(tx, id));
    return { retrainPolicy: row as unknown as RetrainPolicy };
  }

  @Authorized('read', 'curate')
  @Query(() => RetrainPolicyConnection, { nullable: true, description: 'Retrain policies, oldest first (the order they are checked in).' })
  retrainPolicies(@Args(() => RetrainPoliciesArgs) args: RetrainPoliciesArgs, @Ctx() ctx: AppContext): Promise<PageResult<RetrainPolicyRow>> {
    return ctx.services.retrainPolicies.list(ctx.readDb, args.modelVersion, args);
  }

  @FieldResolver(() => RetrainDatasetTemplate, { description: 'What a RETRAIN builds.' })
  dataset(@Root() p: RetrainPolicyRow): RetrainDatasetTemplate {
    const t = p.dataset;
    return { name: t.name ?? null, tags: t.tags ?? null, systemPrompt: t.systemPrompt ?? null, formats: (t.formats ?? null) as never, validationFraction: t.validationFraction ?? null };
  }
}

@Resolver(() => RetrainDecision)
export class RetrainDecisionResolver {
  @Authorized('curate')
  @Mutation(() => EvaluateRetrainPayload, { nullable: true, description: 'Evaluate a model version’s retrain policies now and record the decision; on RETRAIN, its dataset version is built (once per state of the data).' })
  async evaluateRetrain(@Arg('input', () => EvaluateRetrainInput, { description: 'The model version.' }) input: EvaluateRetrainInput, @Ctx() ctx: AppContext): Promise<EvaluateRetrainPayload> {
    const by = actingIdentity(ctx.principal!, null).name;
    const row = await ctx.db.transaction((tx) => ctx.services.retrain.decide(tx, input.modelVersion, by));
    return { retrainDecision: row as unknown as RetrainDecision };
  }

  @Authorized('read', 'curate')
  @Query(() => RetrainDecisionConnection, { nullable: true, description: 'Recorded retrain decisions, newest first.' })
  retrainDecisions(@Args(() => RetrainDecisionsArgs) args: RetrainDecisionsArgs, @Ctx() ctx: AppContext): Promise<PageResult<RetrainDecisionRow>> {
    return ctx.services.retrain.list(ctx.readDb, args.modelVersion, args);
  }

  @Authorized('ci', 'read', 'curate')
  @Query(() => RetrainReadiness, { nullable: true, description: 'Whether to retrain now: the decision evaluateRetrain would record, computed without writing anything (cheap to poll).' })
  async retrainReadiness(@Arg('modelVersion', { description: 'The model version.' }) modelVersion: string, @Ctx() ctx: AppContext): Promise<RetrainReadiness> {
    const a = await ctx.services.retrain.assess(ctx.db, modelVersion);
    const last = await ctx.services.retrain.lastDecision(ctx.db, modelVersion);
    return {
      modelVersion,
      ready: a.outcome === 'RETRAIN',
      outcome: a.outcome as never,
      reasons: a.reasons,
      checks: a.checks.map(checkView),
      counts: countsView(a.counts),
      lastDecision: last as unknown as RetrainDecision,
    };
  }

  @FieldResolver(() => RetrainCounts, { description: 'The numbers it was decided on.' })
  counts(@Root() d: RetrainDecisionRow): RetrainCounts {
    return countsView(d.counts);
  }

  @FieldResolver(() => [RetrainPolicyCheck], { description: 'Each policy’s verdict at the time.' })
  checks(@Root() d: RetrainDecisionRow): RetrainPolicyCheck[] {
    return (d.counts.checks ?? []).map(checkView);
  }

  // A CI key reads lastDecision (through retrainReadiness) but neither policies nor dataset versions.
  @Authorized('read', 'curate')
  @FieldResolver(() => RetrainPolicy, { nullable: true, description: 'The policy that fired (null for WAIT, or once the policy is deleted). READ or CURATE, like retrainPolicies.' })
  policy(@Root() d: RetrainDecisionRow, @Ctx() ctx: AppContext): Promise<RetrainPolicyRow | null> | null {
    return d.policyId ? ctx.loaders.retrainPolicy.load(d.policyId) : null;
  }

  @Authorized('read', 'curate')
  @FieldResolver(() => DatasetVersion, {
    nullable: true,
    description: 'On RETRAIN: the dataset version built for it (or built by an earlier decision on the same data). READ or CURATE, like datasetVersion.',
  })
  datasetVersion(@Root() d: RetrainDecisionRow, @Ctx() ctx: AppContext): Promise<DatasetVersionRow | null> | null {
    return d.datasetVersionId ? ctx.loaders.datasetVersion.load(d.datasetVersionId) : null;
  }
}

export const RETRAIN_RESOLVERS = [RetrainPolicyResolver, RetrainDecisionResolver];
