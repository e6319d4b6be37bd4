import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../context';
import { LogEntry } from '../schema/log-entry.types';
import { CorrectionView, LabelConflict, ReviewItem, ReviewItemConnection, ReviewQueueArgs, ReviewStats, SubmitCorrectionInput } from '../schema/review.types';

@Resolver(() => ReviewItem)
export class ReviewResolver {
  @Authorized('read', 'annotate')
  @Query(() => ReviewItemConnection, { description: 'Entries that need review, most urgent first: user_negative, drift_window, low_confidence, others; recent first.' })
  reviewQueue(@Args(() => ReviewQueueArgs) args: ReviewQueueArgs, @Ctx() ctx: AppContext): Promise<ReviewItemConnection> {
    return ctx.services.review.queue(ctx.db, { ...args.filter, first: args.first, after: args.after });
  }

  @FieldResolver(() => LogEntry, { nullable: true })
  entry(@Root() item: ReviewItem, @Ctx() ctx: AppContext): Promise<LogEntry | null> {
    return ctx.loaders.logEntry.load(item.requestId) as Promise<LogEntry | null>;
  }

  @Authorized('annotate')
  @Mutation(() => [LogEntry], { description: 'Hand up to `count` items to this annotator under a lease (REVIEW_LEASE_MINUTES); no item goes to two annotators.' })
  async claimReviewItems(@Arg('count', () => Int) count: number, @Arg('annotator') annotator: string, @Ctx() ctx: AppContext): Promise<LogEntry[]> {
    const ids = await ctx.db.transaction((tx) => ctx.services.review.claim(tx, count, annotator));
    return (await ctx.loaders.logEntry.loadMany(ids)).filter((e): e is LogEntry => e !== null && !(e instanceof Error));
  }

  @Authorized('annotate')
  @Mutation(() => Int, { description: 'Return this annotator’s claims on these entries to the queue; returns how many were released.' })
  releaseReviewItems(@Arg('requestIds', () => [String]) requestIds: string[], @Arg('annotator') annotator: string, @Ctx() ctx: AppContext): Promise<number> {
    return ctx.db.transaction((tx) => ctx.services.review.release(tx, requestIds, annotator));
  }

  @Authorized('read', 'annotate')
  @Query(() => ReviewStats)
  reviewStats(@Ctx() ctx: AppContext): Promise<ReviewStats> {
    return ctx.services.review.stats(ctx.db);
  }
}

@Resolver()
export class CorrectionResolver {
  @Authorized('annotate')
  @Mutation(() => CorrectionView, { description: 'OPERATOR → ACCEPTED; MODEL with confidence ≥ AUTO_ACCEPT_CONFIDENCE → ACCEPTED; other MODEL → PROPOSED.' })
  submitCorrection(@Arg('input', () => SubmitCorrectionInput) input: SubmitCorrectionInput, @Ctx() ctx: AppContext): Promise<CorrectionView> {
    return ctx.db.transaction((tx) => ctx.services.corrections.submit(tx, input)) as Promise<CorrectionView>;
  }

  @Authorized('annotate')
  @Mutation(() => CorrectionView)
  acceptCorrection(@Arg('id', () => ID) id: string, @Ctx() ctx: AppContext, @Arg('reviewer', { nullable: true }) reviewer?: string): Promise<CorrectionView> {
    return ctx.db.transaction((tx) => ctx.services.corrections.review(tx, id, 'ACCEPTED', reviewer ?? ctx.principal!.name)) as Promise<CorrectionView>;
  }

  @Authorized('annotate')
  @Mutation(() => CorrectionView)
  rejectCorrection(@Arg('id', () => ID) id: string, @Ctx() ctx: AppContext, @Arg('reviewer', { nullable: true }) reviewer?: string): Promise<CorrectionView> {
    return ctx.db.transaction((tx) => ctx.services.corrections.review(tx, id, 'REJECTED', reviewer ?? ctx.principal!.name)) as Promise<CorrectionView>;
  }

  @Authorized('read', 'annotate')
  @Query(() => [LabelConflict], { description: 'Normalised prompts whose accepted corrections disagree.' })
  labelConflicts(@Ctx() ctx: AppContext, @Arg('first', () => Int, { nullable: true }) first?: number): Promise<LabelConflict[]> {
    return ctx.services.corrections.labelConflicts(ctx.db, first ?? 50) as Promise<LabelConflict[]>;
  }
}
