import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../context';
import type { PageResult } from '../schema/connection';
import { DatasetVersion } from '../schema/dataset.types';
import {
  AdoptDeploymentInput,
  DeleteEvalGateInput,
  Deployment,
  DeploymentConnection,
  DeploymentPayload,
  DeploymentsArgs,
  EvalGate,
  EvalGateConnection,
  EvalGatePayload,
  EvalGatesArgs,
  EvaluationConnection,
  ModelLine,
  ModelLineConnection,
  ModelLinePayload,
  ModelVersion,
  PromoteInput,
  PromotionDecision,
  RecordEvaluationInput,
  RecordEvaluationPayload,
  RegisterTrainingRunInput,
  RollbackInput,
  SaveEvalGateInput,
  SaveModelLineInput,
  TrainingRun,
  TrainingRunConnection,
  TrainingRunPayload,
  TrainingRunsArgs,
  UpdateTrainingRunInput,
} from '../schema/deploy.types';
import { ConnectionArgs } from '../schema/connection';
import { DatasetVersionConnection } from '../schema/dataset.types';
import { LogEntry, LogEntryConnection } from '../schema/log-entry.types';
import { keyOf } from '../schema/node';
import { actingIdentity } from '../services/api-key.service';
import type { DatasetVersionRow } from '../services/curate/dataset.service';
import type { DeploymentRow, ModelLineRow, ModelVersionRow, TrainingRunRow } from '../services/decide/lineage.service';
import type { DeploymentChange, EvalGateRow, EvaluationRow } from '../services/decide/promotion.service';
import type { LogRow } from '../services/log-query.service';

const as = <T>(row: unknown) => row as T;

/**
 * A deployment change as a payload: the new deployment, the one it ended, and the line (whose
 * `deployed` resolves to the new one once the transaction has committed), for client caches.
 */
async function deploymentPayload(ctx: AppContext, change: DeploymentChange): Promise<DeploymentPayload> {
  const line = await ctx.services.lineage.line(ctx.db, change.deployment.modelLine);
  return { deployment: as(change.deployment), endedDeployment: as(change.ended), modelLine: as(line) };
}

@Resolver()
export class DeployResolver {
  @Authorized('admin')
  @Mutation(() => ModelLinePayload, { nullable: true, description: 'Create a model line, or change its probation period.' })
  async saveModelLine(@Arg('input', () => SaveModelLineInput, { description: 'The line.' }) input: SaveModelLineInput, @Ctx() ctx: AppContext): Promise<ModelLinePayload> {
    const row = await ctx.db.transaction((tx) => ctx.services.lineage.saveLine(tx, input, ctx.principal!.name));
    return { modelLine: as(row) };
  }

  @Authorized('deploy')
  @Mutation(() => DeploymentPayload, { nullable: true, description: 'Record the version in production when Flywheel is adopted (a line with no deployment yet).' })
  async adoptDeployment(@Arg('input', () => AdoptDeploymentInput, { description: 'The line and version.' }) input: AdoptDeploymentInput, @Ctx() ctx: AppContext): Promise<DeploymentPayload> {
    const change = await ctx.db.transaction((tx) => ctx.services.promotion.adopt(tx, input, actingIdentity(ctx.principal!, null).name));
    return deploymentPayload(ctx, change);
  }

  @Authorized('curate')
  @Mutation(() => TrainingRunPayload, { nullable: true, description: 'Register a training run (RUNNING): a READY dataset version + a base version → a candidate version. Registering the same run again returns it.' })
  async registerTrainingRun(@Arg('input', () => RegisterTrainingRunInput, { description: 'The run.' }) input: RegisterTrainingRunInput, @Ctx() ctx: AppContext): Promise<TrainingRunPayload> {
    const datasetVersionId = keyOf(input.datasetVersionId, 'DatasetVersion', 'datasetVersionId');
    const row = await ctx.db.transaction((tx) => ctx.services.lineage.registerRun(tx, { ...input, datasetVersionId }, actingIdentity(ctx.principal!, null).name));
    return { trainingRun: as(row) };
  }

  @Authorized('curate')
  @Mutation(() => TrainingRunPayload, { nullable: true, description: 'Report a training run’s status: RUNNING → SUCCEEDED or FAILED.' })
  async updateTrainingRun(@Arg('input', () => UpdateTrainingRunInput, { description: 'The run and its status.' }) input: UpdateTrainingRunInput, @Ctx() ctx: AppContext): Promise<TrainingRunPayload> {
    const id = keyOf(input.runId, 'TrainingRun', 'runId');
    const row = await ctx.db.transaction((tx) => ctx.services.lineage.updateRun(tx, id, input));
    return { trainingRun: as(row) };
  }

  @Authorized('admin')
  @Mutation(() => EvalGatePayload, { nullable: true, description: 'Create or change an eval gate of a model line.' })
  async saveEvalGate(@Arg('input', () => SaveEvalGateInput, { description: 'The gate.' }) input: SaveEvalGateInput, @Ctx() ctx: AppContext): Promise<EvalGatePayload> {
    const row = await ctx.db.transaction((tx) => ctx.services.promotion.saveGate(tx, input, ctx.principal!.name));
    return { evalGate: as(row) };
  }

  @Authorized('admin')
  @Mutation(() => EvalGatePayload, { nullable: true, description: 'Delete an eval gate; deployments that passed it still bind their successors to it.' })
  async deleteEvalGate(@Arg('input', () => DeleteEvalGateInput, { description: 'The gate.' }) input: DeleteEvalGateInput, @Ctx() ctx: AppContext): Promise<EvalGatePayload> {
    const id = keyOf(input.evalGateId, 'EvalGate', 'evalGateId');
    const row = await ctx.db.transaction((tx) => ctx.services.promotion.deleteGate(tx, id));
    return { evalGate: as(row) };
  }

  @Authorized('curate')
  @Mutation(() => RecordEvaluationPayload, { nullable: true, description: 'Record scores for a run’s candidate, or for a model version (a gold-set result on the deployed version rolls it back during probation when worse than its predecessor beyond tolerance).' })
  async recordEvaluation(@Arg('input', () => RecordEvaluationInput, { description: 'Whose scores, and the scores.' }) input: RecordEvaluationInput, @Ctx() ctx: AppContext): Promise<RecordEvaluationPayload> {
    const runId = input.runId == null ? null : keyOf(input.runId, 'TrainingRun', 'runId');
    const r = await ctx.db.transaction((tx) => ctx.services.promotion.recordEvaluation(tx, { ...input, runId }, actingIdentity(ctx.principal!, null).name));
    return { evaluations: as(r.evaluations), rolledBack: as(r.rolledBack) };
  }

  @Authorized('deploy')
  @Mutation(() => DeploymentPayload, { nullable: true, description: 'Deploy a run’s candidate; refused (PROMOTION_REFUSED, with the reasons) unless promotionDecision says PROMOTE.' })
  async promote(@Arg('input', () => PromoteInput, { description: 'The run.' }) input: PromoteInput, @Ctx() ctx: AppContext): Promise<DeploymentPayload> {
    const id = keyOf(input.runId, 'TrainingRun', 'runId');
    const change = await ctx.db.transaction((tx) => ctx.services.promotion.promote(tx, id, input.reason, actingIdentity(ctx.principal!, null).name));
    return deploymentPayload(ctx, change);
  }

  @Authorized('deploy')
  @Mutation(() => DeploymentPayload, { nullable: true, description: 'Restore the deployment the current one replaced, with a reason.' })
  async rollback(@Arg('input', () => RollbackInput, { description: 'The line and why.' }) input: RollbackInput, @Ctx() ctx: AppContext): Promise<DeploymentPayload> {
    const change = await ctx.db.transaction((tx) => ctx.services.promotion.rollback(tx, input.modelLine, input.reason, actingIdentity(ctx.principal!, null).name));
    return deploymentPayload(ctx, change);
  }

  @Authorized('ci', 'curate', 'deploy', 'read')
  @Query(() => PromotionDecision, { nullable: true, description: 'Whether a training run’s candidate may be promoted now, gate by gate (nothing written); null for an unknown run.' })
  async promotionDecision(@Arg('runId', () => ID, { description: 'The training run.' }) runId: string, @Ctx() ctx: AppContext): Promise<PromotionDecision | null> {
    return as(await ctx.services.promotion.decide(ctx.db, keyOf(runId, 'TrainingRun', 'runId')));
  }

  @Authorized('read', 'curate', 'deploy')
  @Query(() => ModelLine, { nullable: true, description: 'One model line by name; null if unknown.' })
  modelLine(@Arg('name', { description: 'The line’s name.' }) name: string, @Ctx() ctx: AppContext): Promise<ModelLineRow | null> {
    return ctx.services.lineage.line(ctx.db, name);
  }

  @Authorized('read', 'curate', 'deploy')
  @Query(() => ModelLineConnection, { nullable: true, description: 'Model lines by name.' })
  modelLines(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: AppContext): Promise<PageResult<ModelLineRow>> {
    return ctx.services.lineage.lines(ctx.readDb, args);
  }

  @Authorized('read', 'curate', 'deploy')
  @Query(() => TrainingRunConnection, { nullable: true, description: 'Training runs, newest first.' })
  trainingRuns(@Args(() => TrainingRunsArgs) args: TrainingRunsArgs, @Ctx() ctx: AppContext): Promise<PageResult<TrainingRunRow>> {
    const datasetVersionId = args.datasetVersionId == null ? null : keyOf(args.datasetVersionId, 'DatasetVersion', 'datasetVersionId');
    return ctx.services.lineage.runs(ctx.readDb, { modelLine: args.modelLine, datasetVersionId }, args);
  }

  @Authorized('read', 'curate', 'deploy')
  @Query(() => DeploymentConnection, { nullable: true, description: 'A model line’s deployment history, newest first, with reasons.' })
  deployments(@Args(() => DeploymentsArgs) args: DeploymentsArgs, @Ctx() ctx: AppContext): Promise<PageResult<DeploymentRow>> {
    return ctx.services.lineage.deployments(ctx.readDb, args.modelLine, args);
  }

  @Authorized('read', 'curate', 'deploy')
  @Query(() => EvalGateConnection, { nullable: true, description: 'A model line’s eval gates, by name.' })
  evalGates(@Args(() => EvalGatesArgs) args: EvalGatesArgs, @Ctx() ctx: AppContext): Promise<PageResult<EvalGateRow>> {
    return ctx.services.promotion.gates(ctx.readDb, args.modelLine, args);
  }
}

@Resolver(() => ModelLine)
export class ModelLineFieldsResolver {
  @FieldResolver(() => Deployment, { nullable: true, description: 'The deployment live now (null: none yet).' })
  async deployed(@Root() l: ModelLineRow, @Ctx() ctx: AppContext): Promise<DeploymentRow | null> {
    return (await ctx.loaders.lineage.currentByLine.load(l.name))[0] ?? null;
  }
}

@Resolver(() => ModelVersion)
export class ModelVersionFieldsResolver {
  @FieldResolver(() => TrainingRun, { nullable: true, description: 'The run that produced it (null for an adopted version).' })
  async trainingRun(@Root() v: ModelVersionRow, @Ctx() ctx: AppContext): Promise<TrainingRunRow | null> {
    return (await ctx.loaders.lineage.runByCandidate.load(v.name))[0] ?? null;
  }

  @FieldResolver(() => DeploymentConnection, { description: 'Its deployments, newest first (one statement per page of versions).' })
  deployments(@Root() v: ModelVersionRow, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: AppContext): Promise<PageResult<DeploymentRow>> {
    return ctx.loaders.pages.load(ctx.services.lineage.versionDeployments, v.name, args);
  }

  @FieldResolver(() => EvaluationConnection, { description: 'Its recorded scores, newest first (one statement per page of versions).' })
  evaluations(@Root() v: ModelVersionRow, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: AppContext): Promise<PageResult<EvaluationRow>> {
    return ctx.loaders.pages.load(ctx.services.promotion.versionEvaluations, v.name, args);
  }
}

@Resolver(() => TrainingRun)
export class TrainingRunFieldsResolver {
  // A DEPLOY key reads runs but not dataset versions (node(id:) and datasetVersion refuse it): the hop
  // checks the scopes of the type it leads to, so no path reaches what the key may not read.
  @Authorized('read', 'curate')
  @FieldResolver(() => DatasetVersion, { nullable: true, description: 'The dataset version it trained on (READ or CURATE, like datasetVersion; null with FORBIDDEN for other keys).' })
  datasetVersion(@Root() t: TrainingRunRow, @Ctx() ctx: AppContext): Promise<DatasetVersionRow | null> {
    return ctx.loaders.datasetVersion.load(t.datasetVersionId);
  }

  @FieldResolver(() => ModelVersion, { description: 'The version it produces.' })
  candidate(@Root() t: TrainingRunRow): ModelVersionRow {
    return { name: t.candidateModelVersion, modelLine: t.modelLine, createdAt: t.createdAt };
  }
}

@Resolver(() => Deployment)
export class DeploymentFieldsResolver {
  @FieldResolver(() => ModelVersion, { description: 'The deployed version.' })
  version(@Root() d: DeploymentRow): ModelVersionRow {
    return { name: d.modelVersion, modelLine: d.modelLine, createdAt: d.deployedAt };
  }

  @FieldResolver(() => TrainingRun, { nullable: true, description: 'The run that produced the version (null for an adopted one).' })
  trainingRun(@Root() d: DeploymentRow, @Ctx() ctx: AppContext): Promise<TrainingRunRow | null> | null {
    return d.trainingRunId ? ctx.loaders.lineage.trainingRun.load(d.trainingRunId) : null;
  }

  @FieldResolver(() => Deployment, { nullable: true, description: 'The deployment a rollback of this one restores.' })
  replaces(@Root() d: DeploymentRow, @Ctx() ctx: AppContext): Promise<DeploymentRow | null> | null {
    return d.replacesId ? ctx.loaders.lineage.deployment.load(d.replacesId) : null;
  }
}

@Resolver(() => DatasetVersion)
export class DatasetLineageResolver {
  @FieldResolver(() => TrainingRunConnection, { description: 'The training runs on this version, newest first (one statement per page of versions).' })
  trainingRuns(@Root() v: DatasetVersionRow, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: AppContext): Promise<PageResult<TrainingRunRow>> {
    return ctx.loaders.pages.load(ctx.services.lineage.datasetRuns, v.id, args);
  }

  // A CURATE key reads dataset versions but not the log (logEntry and node(id:) refuse it).
  @Authorized('read')
  @FieldResolver(() => LogEntryConnection, {
    nullable: true,
    description: 'Member entries by requestId: the way back from a deployment to the traffic behind it. READ only, like logEntries (null with FORBIDDEN for other keys).',
  })
  async entries(@Root() v: DatasetVersionRow, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: AppContext): Promise<PageResult<LogRow>> {
    const page = await ctx.loaders.pages.load(ctx.services.datasets.versionMembers, v.id, args);
    const rows = await ctx.loaders.logEntry.loadMany(page.nodes.map((m) => m.requestId));
    const entries = rows.map((r) => (r instanceof Error ? null : r));
    const edges = page.edges.map((e, i) => ({ cursor: e.cursor, node: entries[i] })).filter((e): e is { cursor: string; node: LogRow } => e.node != null);
    return { edges, nodes: edges.map((e) => e.node), pageInfo: page.pageInfo, totalCount: page.totalCount };
  }
}

@Resolver(() => LogEntry)
export class LogEntryLineageResolver {
  // ANNOTATE and MODEL_LABEL keys read entries through their review items, not dataset versions.
  @Authorized('read', 'curate')
  @FieldResolver(() => DatasetVersionConnection, {
    nullable: true,
    description:
      'The dataset versions this entry is a member of, newest first (→ their trainingRuns → candidate → deployments); one statement per page of entries. READ or CURATE, like datasetVersions (null with FORBIDDEN for other keys).',
  })
  datasetVersions(@Root() e: LogRow, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: AppContext): Promise<PageResult<DatasetVersionRow>> {
    return ctx.loaders.pages.load(ctx.services.datasets.entryVersions, e.requestId, args);
  }
}

export const DEPLOY_RESOLVERS = [
  DeployResolver,
  ModelLineFieldsResolver,
  ModelVersionFieldsResolver,
  TrainingRunFieldsResolver,
  DeploymentFieldsResolver,
  DatasetLineageResolver,
  LogEntryLineageResolver,
];
