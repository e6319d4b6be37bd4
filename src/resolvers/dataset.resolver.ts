import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../context';
import type { PageResult } from '../schema/connection';
import {
  CancelJobInput,
  CreateDatasetVersionInput,
  CreateDatasetVersionPayload,
  DatasetFile,
  DatasetVersion,
  DatasetVersionConnection,
  DatasetVersionFilter,
  DatasetVersionsArgs,
} from '../schema/dataset.types';
import { JobPayload, JobView } from '../schema/job.types';
import { keyOf } from '../schema/node';
import { FlywheelError } from '../errors';
import { actingIdentity } from '../services/api-key.service';
import { DATASET_BUILD_JOB, DatasetVersionRow } from '../services/curate/dataset.service';

const optionalKey = (id: string | undefined | null, field: string) => (id == null ? null : keyOf(id, 'DatasetVersion', field));

@Resolver(() => DatasetVersion)
export class DatasetResolver {
  @Authorized('curate')
  @Mutation(() => CreateDatasetVersionPayload, { nullable: true, description: 'Record a dataset version and enqueue its build; follow `datasetVersion.job`.' })
  async createDatasetVersion(
    @Arg('input', () => CreateDatasetVersionInput, { description: 'Name, filter and options.' }) input: CreateDatasetVersionInput,
    @Ctx() ctx: AppContext,
  ): Promise<CreateDatasetVersionPayload> {
    const row = await ctx.db.transaction((tx) =>
      ctx.services.datasets.create(
        tx,
        { ...input, baseVersionId: optionalKey(input.baseVersionId, 'baseVersionId'), referenceVersionId: optionalKey(input.referenceVersionId, 'referenceVersionId') },
        actingIdentity(ctx.principal!, null).name,
      ),
    );
    return { datasetVersion: row as unknown as DatasetVersion };
  }

  @Authorized('read', 'curate')
  @Query(() => DatasetVersion, { nullable: true, description: 'One dataset version by global id; null if unknown.' })
  async datasetVersion(@Arg('id', () => ID, { description: 'The version’s global id.' }) id: string, @Ctx() ctx: AppContext): Promise<DatasetVersionRow | null> {
    return (await ctx.services.datasets.byIds(ctx.db, [keyOf(id, 'DatasetVersion', 'id')]))[0] ?? null;
  }

  @Authorized('read', 'curate')
  @Query(() => DatasetVersionConnection, { nullable: true, description: 'Dataset versions, newest first.' })
  datasetVersions(@Args(() => DatasetVersionsArgs) args: DatasetVersionsArgs, @Ctx() ctx: AppContext): Promise<PageResult<DatasetVersionRow>> {
    return ctx.services.datasets.list(ctx.readDb, args.name, args);
  }

  @FieldResolver(() => DatasetVersion, { nullable: true, description: 'The version it extends.' })
  async parent(@Root() v: DatasetVersionRow, @Ctx() ctx: AppContext): Promise<DatasetVersionRow | null> {
    return v.baseVersionId ? ctx.loaders.datasetVersion.load(v.baseVersionId) : null;
  }

  @FieldResolver(() => DatasetVersionFilter, { description: 'The entry filter it was built from.' })
  filter(@Root() v: DatasetVersionRow): DatasetVersionFilter {
    const f = v.filter ?? {};
    const date = (d: string | null | undefined) => (d ? new Date(d) : null);
    return { tags: f.tags ?? null, from: date(f.from), to: date(f.to), modelVersions: f.modelVersions ?? null };
  }

  // A READ key reads versions but not jobs (job, jobs and node(id:) refuse it): the hop checks the
  // scopes of the type it leads to, like every nested field.
  @Authorized('curate')
  @FieldResolver(() => JobView, {
    nullable: true,
    description: 'The build job (progress: phase, done, total, percent). CURATE, like job (null with FORBIDDEN for other keys).',
  })
  job(@Root() v: DatasetVersionRow, @Ctx() ctx: AppContext): Promise<unknown> {
    return v.jobId ? ctx.services.jobs.status(v.jobId) : Promise.resolve(null);
  }

  @FieldResolver(() => [DatasetFile], { description: 'The files written, once READY (download at /exports/<id>/<name> with a READ or CURATE key).' })
  files(@Root() v: DatasetVersionRow): DatasetFile[] {
    return Object.entries(v.files ?? {}).map(([name, f]) => ({ name, sha256: f.sha256, bytes: f.bytes, lines: f.lines }));
  }

  @Authorized('curate')
  @Mutation(() => JobPayload, { nullable: true, description: 'Cancel a job. A running dataset build stops at its next batch and leaves no files and no membership (its version becomes FAILED, "cancelled").' })
  async cancelJob(@Arg('input', () => CancelJobInput, { description: 'The job.' }) input: CancelJobInput, @Ctx() ctx: AppContext): Promise<JobPayload> {
    const id = keyOf(input.jobId, 'Job', 'jobId');
    const job = await ctx.services.jobs.status(id);
    if (!job) throw new FlywheelError('NOT_FOUND', 'No job with this id');
    // A dataset build that already published its version has nothing left to stop.
    const built = job.name === DATASET_BUILD_JOB && (await ctx.services.datasets.requestCancel(ctx.db, id)) === 'built';
    if (!built) await ctx.services.jobs.cancel(job.name, id);
    return { job: ((await ctx.services.jobs.status(id)) ?? job) as unknown as JobView };
  }
}
