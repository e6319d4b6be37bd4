import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../context';
import { ConnectionArgs, PageResult } from '../schema/connection';
import { LogEntry } from '../schema/log-entry.types';
import { keyOf } from '../schema/node';
import {
  AcceptCorrectionInput,
  ClaimReviewItemsInput,
  ClaimReviewItemsPayload,
  CorrectionView,
  LabelConflictConnection,
  RejectCorrectionInput,
  ReleaseReviewItemsInput,
  ReleaseReviewItemsPayload,
  ReviewCorrectionPayload,
  ReviewItem,
  ReviewItemConnection,
  ReviewQueueArgs,
  ReviewStats,
  SubmitCorrectionInput,
  SubmitCorrectionPayload,
} from '../schema/review.types';
import { actingIdentity, hasScope } from '../services/api-key.service';
import type { CorrectionRow } from '../services/correction.service';
import { rateLimitsOf } from '../services/rate-limit';

/** Claims, releases and corrections share one budget per key (RATE_LIMIT_REVIEW_PER_SECOND), spent before the transaction. */
const spendReview = (ctx: AppContext) => rateLimitsOf(ctx.services).take(ctx.db, ctx.principal!.keyId, 'REVIEW');

async function reviewItems(ctx: AppContext, requestIds: string[]): Promise<ReviewItem[]> {
  const rows = await ctx.loaders.reviewItem.loadMany(requestIds);
  return rows.filter((r) => r !== null && !(r instanceof Error)) as unknown as ReviewItem[];
}

/** The correction, its entry's review item and the entry as they are after a mutation (for client caches). */
async function afterCorrection(ctx: AppContext, c: CorrectionRow) {
  // The entry only for keys that may READ the log (the payload's `logEntry` is refused to the others).
  const [reviewItem, logEntry] = await Promise.all([
    ctx.loaders.reviewItem.load(c.requestId),
    hasScope(ctx.principal!, ['read']) ? ctx.loaders.logEntry.load(c.requestId) : null,
  ]);
  return { correction: c as unknown as CorrectionView, reviewItem: reviewItem as unknown as ReviewItem | null, logEntry: logEntry as unknown as LogEntry | null };
}

@Resolver(() => ReviewItem)
export class ReviewResolver {
  @Authorized('read', 'annotate', 'model_label')
  @Query(() => ReviewItemConnection, { nullable: true, description: 'Entries that need review, most urgent first: user_negative, drift_window, low_confidence, others; recent first.' })
  reviewQueue(@Args(() => ReviewQueueArgs) args: ReviewQueueArgs, @Ctx() ctx: AppContext): Promise<PageResult<unknown>> {
    return ctx.services.review.queue(ctx.readDb, { ...args.filter, first: args.first, after: args.after, last: args.last, before: args.before });
  }

  @FieldResolver(() => LogEntry, { nullable: true, description: 'The entry; null while its log row has not arrived (feedback came first).' })
  entry(@Root() item: ReviewItem, @Ctx() ctx: AppContext): Promise<unknown> {
    return ctx.loaders.logEntry.load(item.requestId);
  }

  @Authorized('annotate', 'model_label')
  @Mutation(() => ClaimReviewItemsPayload, { nullable: true, description: 'Take items under a lease (REVIEW_LEASE_MINUTES) as the calling key; no item goes to two claimants.' })
  async claimReviewItems(@Arg('input', () => ClaimReviewItemsInput, { description: 'How many, or which.' }) input: ClaimReviewItemsInput, @Ctx() ctx: AppContext): Promise<ClaimReviewItemsPayload> {
    const who = actingIdentity(ctx.principal!, input.onBehalfOf);
    await spendReview(ctx);
    const ids = await ctx.db.transaction((tx) => ctx.services.review.claim(tx, input, who.name));
    return { items: await reviewItems(ctx, ids) };
  }

  @Authorized('annotate', 'model_label')
  @Mutation(() => ReleaseReviewItemsPayload, { nullable: true, description: 'Return the caller’s own claims on these entries to the queue.' })
  async releaseReviewItems(
    @Arg('input', () => ReleaseReviewItemsInput, { description: 'Which claims.' }) input: ReleaseReviewItemsInput,
    @Ctx() ctx: AppContext,
  ): Promise<ReleaseReviewItemsPayload> {
    const who = actingIdentity(ctx.principal!, input.onBehalfOf);
    await spendReview(ctx);
    const ids = await ctx.db.transaction((tx) => ctx.services.review.release(tx, input.requestIds, who.name));
    return { items: await reviewItems(ctx, ids), releasedCount: ids.length };
  }

  @Authorized('read', 'annotate', 'model_label')
  @Query(() => ReviewStats, { nullable: true, description: 'Queue depth, claims and correction totals.' })
  reviewStats(@Ctx() ctx: AppContext): Promise<ReviewStats> {
    return ctx.services.review.stats(ctx.readDb);
  }
}

@Resolver()
export class CorrectionResolver {
  @Authorized('annotate', 'model_label')
  @Mutation(() => SubmitCorrectionPayload, {
    nullable: true,
    description: 'ANNOTATE keys write OPERATOR corrections (ACCEPTED); MODEL_LABEL keys write MODEL corrections, ACCEPTED at confidence ≥ AUTO_ACCEPT_CONFIDENCE, else PROPOSED.',
  })
  async submitCorrection(@Arg('input', () => SubmitCorrectionInput, { description: 'The correction.' }) input: SubmitCorrectionInput, @Ctx() ctx: AppContext): Promise<SubmitCorrectionPayload> {
    const who = actingIdentity(ctx.principal!, input.onBehalfOf);
    // The key decides the source: a labelling model's key cannot pass its output off as a human's.
    const source = ctx.principal!.scopes.has('annotate') || ctx.principal!.scopes.has('admin') ? 'OPERATOR' : 'MODEL';
    await spendReview(ctx);
    const c = await ctx.db.transaction((tx) => ctx.services.corrections.submit(tx, { ...input, source, annotator: who.name }));
    return afterCorrection(ctx, c);
  }

  @Authorized('annotate')
  @Mutation(() => ReviewCorrectionPayload, { nullable: true, description: 'Accept a PROPOSED (or REJECTED) correction; the reviewer is the calling key. Nobody accepts their own.' })
  async acceptCorrection(@Arg('input', () => AcceptCorrectionInput, { description: 'The correction.' }) input: AcceptCorrectionInput, @Ctx() ctx: AppContext): Promise<ReviewCorrectionPayload> {
    const who = actingIdentity(ctx.principal!, input.onBehalfOf);
    const id = keyOf(input.correctionId, 'Correction', 'correctionId');
    await spendReview(ctx);
    return afterCorrection(ctx, await ctx.db.transaction((tx) => ctx.services.corrections.review(tx, id, 'ACCEPTED', who.name)));
  }

  @Authorized('annotate')
  @Mutation(() => ReviewCorrectionPayload, { nullable: true, description: 'Reject a PROPOSED (or ACCEPTED) correction; the reviewer is the calling key.' })
  async rejectCorrection(@Arg('input', () => RejectCorrectionInput, { description: 'The correction.' }) input: RejectCorrectionInput, @Ctx() ctx: AppContext): Promise<ReviewCorrectionPayload> {
    const who = actingIdentity(ctx.principal!, input.onBehalfOf);
    const id = keyOf(input.correctionId, 'Correction', 'correctionId');
    await spendReview(ctx);
    return afterCorrection(ctx, await ctx.db.transaction((tx) => ctx.services.corrections.review(tx, id, 'REJECTED', who.name)));
  }

  @Authorized('read', 'annotate')
  @Query(() => LabelConflictConnection, { nullable: true, description: 'Normalised prompts whose accepted corrections disagree, most recently corrected first.' })
  labelConflicts(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: AppContext): Promise<PageResult<unknown>> {
    return ctx.services.corrections.labelConflicts(ctx.readDb, args, ctx.services.config.maxPageSize);
  }
}
