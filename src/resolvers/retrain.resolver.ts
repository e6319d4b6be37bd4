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
  RetrainDatasetTemplate,
  RetrainDecision,
  RetrainDecisionConnection,
  RetrainDecisionsArgs,
  RetrainPoliciesArgs,
  RetrainPolicy,
  RetrainPolicyCheck,
  RetrainPolicyConnection,
  RetrainPolicyPayload,
  RetrainReadiness,
  UpdateRetrainPolicyInput,
} from '../schema/retrain.types';
import { actingIdentity } from '../services/api-key.service';
import type { DatasetVersionRow } from '../services/curate/dataset.service';
import type { PolicyCheck, RetrainDecisionRow } from '../services/decide/retrain.service';
import type { RetrainPolicyRow } from '../services/decide/retrain-policy.service';

const checkView = (c: PolicyCheck) => ({ ...c, policyId: toGlobalId('RetrainPolicy', c.policyId) }) as unknown as RetrainPolicyCheck;

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
    return ctx.services.retrainPolicies.list(ctx.db, args.modelVersion, args);
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
    return ctx.services.retrain.list(ctx.db, args.modelVersion, args);
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
      counts: a.counts,
      lastDecision: last as unknown as RetrainDecision,
    };
  }

  @FieldResolver(() => [RetrainPolicyCheck], { description: 'Each policy’s verdict at the time.' })
  checks(@Root() d: RetrainDecisionRow): RetrainPolicyCheck[] {
    return (d.counts.checks ?? []).map(checkView);
  }

  @FieldResolver(() => RetrainPolicy, { nullable: true, description: 'The policy that fired (null for WAIT, or once the policy is deleted).' })
  policy(@Root() d: RetrainDecisionRow, @Ctx() ctx: AppContext): Promise<RetrainPolicyRow | null> | null {
    return d.policyId ? ctx.loaders.retrainPolicy.load(d.policyId) : null;
  }

  @FieldResolver(() => DatasetVersion, { nullable: true, description: 'On RETRAIN: the dataset version built for it (or built by an earlier decision on the same data).' })
  datasetVersion(@Root() d: RetrainDecisionRow, @Ctx() ctx: AppContext): Promise<DatasetVersionRow | null> | null {
    return d.datasetVersionId ? ctx.loaders.datasetVersion.load(d.datasetVersionId) : null;
  }
}

export const RETRAIN_RESOLVERS = [RetrainPolicyResolver, RetrainDecisionResolver];
