import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import { FeedbackTargetEnum } from '../schema/enums';
import { SubmitFeedbackInput, SubmitFeedbackResult } from '../schema/feedback.types';

@Resolver()
export class FeedbackResolver {
  @Authorized('feedback')
  @Mutation(() => SubmitFeedbackResult, { description: 'For feedback buttons. A `feedback`-scoped key can call this and nothing else.' })
  async submitFeedback(@Arg('input', () => SubmitFeedbackInput) input: SubmitFeedbackInput, @Ctx() ctx: AppContext): Promise<SubmitFeedbackResult> {
    const f = await ctx.db.transaction((tx) => ctx.services.feedback.submit(tx, ctx.principal!, input));
    return { id: f.id, linked: f.linked, target: f.targetState as FeedbackTargetEnum, created: f.created };
  }
}
