import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../context';
import { AccuracyArgs, AccuracyBucket, GroundTruth, ReportGroundTruthInput, ReportGroundTruthPayload, ReportGroundTruthsInput, ReportGroundTruthsPayload } from '../schema/ground-truth.types';
import { LogEntry } from '../schema/log-entry.types';
import type { GroundTruthRow } from '../services/decide/ground-truth.service';
import type { LogRow } from '../services/log-query.service';

@Resolver()
export class GroundTruthResolver {
  @Authorized('ingest')
  @Mutation(() => ReportGroundTruthPayload, { nullable: true, description: 'Report the true outcome of a logged request (idempotent per requestId).' })
  async reportGroundTruth(@Arg('input', () => ReportGroundTruthInput, { description: 'The report.' }) input: ReportGroundTruthInput, @Ctx() ctx: AppContext): Promise<ReportGroundTruthPayload> {
    const [r] = await ctx.db.transaction((tx) => ctx.services.groundTruth.report(tx, [input], ctx.principal!.name));
    const { created, ...row } = r;
    return { groundTruth: row as unknown as GroundTruth, created };
  }

  @Authorized('ingest')
  @Mutation(() => ReportGroundTruthsPayload, { nullable: true, description: 'Report many outcomes at once; all or nothing.' })
  async reportGroundTruths(@Arg('input', () => ReportGroundTruthsInput, { description: 'The reports.' }) input: ReportGroundTruthsInput, @Ctx() ctx: AppContext): Promise<ReportGroundTruthsPayload> {
    const rows = await ctx.db.transaction((tx) => ctx.services.groundTruth.report(tx, input.items, ctx.principal!.name));
    return { results: rows.map(({ created, ...row }) => ({ groundTruth: row as unknown as GroundTruth, created })) };
  }

  @Authorized('read', 'curate')
  @Query(() => [AccuracyBucket], { nullable: true, description: 'Live accuracy of a model version per hour, from ground truth.' })
  groundTruthAccuracy(@Args(() => AccuracyArgs) args: AccuracyArgs, @Ctx() ctx: AppContext): Promise<AccuracyBucket[]> {
    return ctx.services.groundTruth.accuracy(ctx.readDb, args.modelVersion, args.from, args.to);
  }
}

@Resolver(() => LogEntry)
export class LogEntryGroundTruthResolver {
  // READ only, like node(id:) of a GroundTruth: ANNOTATE and MODEL_LABEL keys read a review item's entry
  // with its tags, feedback and corrections (a mismatch's true label arrives there as a PROPOSED
  // correction), not the report itself.
  @Authorized('read')
  @FieldResolver(() => GroundTruth, { nullable: true, description: 'The true outcome, when reported. Needs READ (null with FORBIDDEN for other keys).' })
  async groundTruth(@Root() e: LogRow, @Ctx() ctx: AppContext): Promise<GroundTruthRow | null> {
    return ctx.loaders.groundTruth.load(e.requestId);
  }
}
