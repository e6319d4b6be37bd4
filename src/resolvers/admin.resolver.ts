import { Arg, Authorized, Ctx, Field, Float, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import { COMPACTION_JOB } from '../jobs/compaction.job';
import { TRAFFIC_PROFILE_JOB } from '../jobs/traffic-profile.job';
import { ApiKeyView, CreateApiKeyInput, CreatedApiKey } from '../schema/api-key.types';
import { ScopeEnum } from '../schema/enums';
import { JobView } from '../schema/job.types';

@ObjectType({ description: 'The API key making this request.' })
class Viewer {
  @Field()
  name: string;

  @Field(() => [ScopeEnum])
  scopes: ScopeEnum[];
}

@Resolver()
export class AdminResolver {
  @Authorized()
  @Query(() => Viewer)
  viewer(@Ctx() ctx: AppContext): Viewer {
    const p = ctx.principal!;
    return { name: p.name, scopes: [...p.scopes] as ScopeEnum[] };
  }

  @Authorized('admin')
  @Query(() => [ApiKeyView])
  apiKeys(@Ctx() ctx: AppContext): Promise<ApiKeyView[]> {
    return ctx.services.apiKeys.list(ctx.db) as Promise<ApiKeyView[]>;
  }

  @Authorized('admin')
  @Mutation(() => CreatedApiKey, { description: 'Create a key. A `feedback`-only key is safe to ship to browsers: it can do nothing else.' })
  async createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: AppContext): Promise<CreatedApiKey> {
    const { key, secret } = await ctx.services.apiKeys.create(ctx.db, input.name, input.scopes);
    return { apiKey: key as ApiKeyView, secret };
  }

  @Authorized('admin')
  @Mutation(() => ApiKeyView)
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: AppContext): Promise<ApiKeyView> {
    return ctx.services.apiKeys.revoke(ctx.db, id) as Promise<ApiKeyView>;
  }

  @Authorized('admin')
  @Mutation(() => ID, { description: 'Enqueue a compaction run now; returns the job id (see `job(id)`).' })
  async compactLogs(
    @Ctx() ctx: AppContext,
    @Arg('graceHours', () => Float, { nullable: true, description: 'Override SAMPLING_GRACE_HOURS for this run.' }) graceHours?: number,
    @Arg('batchSize', () => Int, { nullable: true }) batchSize?: number,
  ): Promise<string> {
    return ctx.services.jobs.send(COMPACTION_JOB, { graceHours: graceHours ?? undefined, batchSize: batchSize ?? undefined });
  }

  @Authorized('admin')
  @Mutation(() => ID, { description: 'Rebuild the out-of-distribution reference profiles now (the job also runs every 10 minutes).' })
  refreshTrafficProfiles(@Ctx() ctx: AppContext): Promise<string> {
    return ctx.services.jobs.send(TRAFFIC_PROFILE_JOB, {});
  }

  @Authorized('admin')
  @Query(() => JobView, { nullable: true })
  job(@Arg('id', () => ID) id: string, @Ctx() ctx: AppContext): Promise<JobView | null> {
    return ctx.services.jobs.status(id);
  }
}
