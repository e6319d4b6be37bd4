import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../context';
import { COMPACTION_JOB } from '../jobs/compaction.job';
import { TRAFFIC_PROFILE_JOB } from '../jobs/traffic-profile.job';
import { LOG_RETENTION_JOB } from '../jobs/log-retention.job';
import { ApiKeyConnection, ApiKeyView, CreateApiKeyInput, CreateApiKeyPayload, RevokeApiKeyInput, RevokeApiKeyPayload } from '../schema/api-key.types';
import { ConnectionArgs, PageResult } from '../schema/connection';
import { ScopeEnum } from '../schema/enums';
import { CompactLogsInput, JobConnection, JobPayload, JobProgress, JobsArgs, JobView, RefreshTrafficProfilesInput, RunLogRetentionInput } from '../schema/job.types';
import { toJobProgress } from '../jobs/progress';
import { keyOf } from '../schema/node';
import type { JobStatus } from '../jobs/job-queue';
import { FlywheelError } from '../errors';

@ObjectType({ description: 'The API key making this request.' })
class Viewer {
  @Field({ description: 'The key’s name: the identity everything done with it is recorded under.' })
  name: string;

  @Field(() => [ScopeEnum], { description: 'What the key may do.' })
  scopes: ScopeEnum[];
}

async function enqueued(ctx: AppContext, id: string): Promise<JobPayload> {
  const job = await ctx.services.jobs.status(id);
  if (!job) throw new FlywheelError('INTERNAL_SERVER_ERROR', `Job ${id} vanished right after it was enqueued`);
  return { job: job as unknown as JobView };
}

@Resolver(() => JobView)
export class JobFieldsResolver {
  @FieldResolver(() => String, { nullable: true, description: 'Why the last attempt failed (FAILED, or RETRY between attempts); null otherwise.' })
  error(@Root() job: JobStatus): string | null {
    if (job.state !== 'failed' && job.state !== 'retry') return null;
    const out = job.output as { message?: unknown } | null;
    return typeof out?.message === 'string' ? out.message : out ? JSON.stringify(out) : 'failed';
  }

  @FieldResolver(() => JobProgress, { nullable: true, description: 'How far it got, as its handler last reported; null before the first report (some kinds report only at the end).' })
  progress(@Root() job: JobStatus): JobProgress | null {
    return toJobProgress(job.progress) as JobProgress | null;
  }
}

@Resolver()
export class AdminResolver {
  // Every scope but FEEDBACK: a browser-shipped key learns nothing, not even its own name.
  @Authorized('ingest', 'annotate', 'model_label', 'read', 'curate', 'ci', 'deploy', 'metrics')
  @Query(() => Viewer, { nullable: true, description: 'The key making this request (not available to FEEDBACK-only keys).' })
  viewer(@Ctx() ctx: AppContext): Viewer {
    const p = ctx.principal!;
    return { name: p.name, scopes: [...p.scopes] as ScopeEnum[] };
  }

  @Authorized('admin')
  @Query(() => ApiKeyConnection, { nullable: true, description: 'Every API key, oldest first.' })
  apiKeys(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: AppContext): Promise<PageResult<unknown>> {
    return ctx.services.apiKeys.list(ctx.db, args, ctx.services.config.maxPageSize);
  }

  @Authorized('admin')
  @Mutation(() => CreateApiKeyPayload, { nullable: true, description: 'Create a key. A FEEDBACK-only key is safe to ship to browsers: it can do nothing else.' })
  async createApiKey(@Arg('input', () => CreateApiKeyInput, { description: 'The new key’s name and scopes.' }) input: CreateApiKeyInput, @Ctx() ctx: AppContext): Promise<CreateApiKeyPayload> {
    const { key, secret } = await ctx.db.transaction((tx) => ctx.services.apiKeys.create(tx, input.name, input.scopes));
    return { apiKey: key as unknown as ApiKeyView, secret };
  }

  @Authorized('admin')
  @Mutation(() => RevokeApiKeyPayload, { nullable: true, description: 'Revoke a key; other processes stop accepting it within API_KEY_CACHE_SECONDS.' })
  async revokeApiKey(@Arg('input', () => RevokeApiKeyInput, { description: 'The key to revoke.' }) input: RevokeApiKeyInput, @Ctx() ctx: AppContext): Promise<RevokeApiKeyPayload> {
    const key = await ctx.db.transaction((tx) => ctx.services.apiKeys.revoke(tx, keyOf(input.apiKeyId, 'ApiKey', 'apiKeyId')));
    return { apiKey: key as unknown as ApiKeyView };
  }

  @Authorized('admin')
  @Mutation(() => JobPayload, { nullable: true, description: 'Enqueue a compaction run now; follow the job with node(id:).' })
  async compactLogs(@Arg('input', () => CompactLogsInput, { description: 'Overrides for this run.' }) input: CompactLogsInput, @Ctx() ctx: AppContext): Promise<JobPayload> {
    // Enqueued in a transaction, so the audit row (services/govern/audit.ts) commits with the job.
    const id = await ctx.db.transaction((tx) => ctx.services.jobs.send(COMPACTION_JOB, { graceHours: input.graceHours ?? undefined, batchSize: input.batchSize ?? undefined }, tx));
    return enqueued(ctx, id);
  }

  @Authorized('admin')
  @Mutation(() => JobPayload, { nullable: true, description: 'Enqueue a log retention run now (it also runs hourly); follow the job with node(id:).' })
  async runLogRetention(@Arg('input', () => RunLogRetentionInput, { description: 'Overrides for this run.' }) input: RunLogRetentionInput, @Ctx() ctx: AppContext): Promise<JobPayload> {
    // Enqueued in a transaction, so the audit row commits with the job.
    const id = await ctx.db.transaction((tx) => ctx.services.jobs.send(LOG_RETENTION_JOB, { batchSize: input.batchSize ?? undefined }, tx));
    return enqueued(ctx, id);
  }

  @Authorized('admin')
  @Mutation(() => JobPayload, { nullable: true, description: 'Rebuild the out-of-distribution reference profiles now (the job also runs every 10 minutes).' })
  async refreshTrafficProfiles(
    @Arg('input', () => RefreshTrafficProfilesInput, { description: 'Sampling for this run.' }) input: RefreshTrafficProfilesInput,
    @Ctx() ctx: AppContext,
  ): Promise<JobPayload> {
    const id = await ctx.db.transaction((tx) => ctx.services.jobs.send(TRAFFIC_PROFILE_JOB, { maxSamples: input.maxSamples ?? undefined, windowHours: input.windowHours ?? undefined }, tx));
    return enqueued(ctx, id);
  }

  @Authorized('admin', 'curate')
  @Query(() => JobConnection, { nullable: true, description: 'Background jobs, newest first, with state, progress, attempts and result.' })
  jobs(@Args(() => JobsArgs) args: JobsArgs, @Ctx() ctx: AppContext): Promise<PageResult<JobStatus>> {
    return ctx.services.jobs.list(args.filter ?? {}, args, ctx.services.config.maxPageSize);
  }

  @Authorized('admin', 'curate')
  @Query(() => JobView, { nullable: true, description: 'One background job by its global id; null if unknown.' })
  async job(@Arg('id', () => ID, { description: 'The job’s global id.' }) id: string, @Ctx() ctx: AppContext): Promise<JobStatus | null> {
    return ctx.services.jobs.status(keyOf(id, 'Job', 'id'));
  }
}
