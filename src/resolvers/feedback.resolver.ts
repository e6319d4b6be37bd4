import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import { SubmitFeedbackInput, SubmitFeedbackPayload } from '../schema/feedback.types';
import { LogEntry } from '../schema/log-entry.types';
import { toGlobalId } from '../schema/node';
import { hasScope } from '../services/api-key.service';
import { rateLimitsOf } from '../services/rate-limit';

@Resolver()
export class FeedbackResolver {
  @Authorized('feedback')
  @Mutation(() => SubmitFeedbackPayload, { nullable: true, description: 'For feedback buttons. A FEEDBACK-scoped key can call this and nothing else.' })
  async submitFeedback(@Arg('input', () => SubmitFeedbackInput, { description: 'The reaction.' }) input: SubmitFeedbackInput, @Ctx() ctx: AppContext): Promise<SubmitFeedbackPayload> {
    // Before the transaction: a lease must not run inside it (the embedded database has one session).
    await rateLimitsOf(ctx.services).take(ctx.db, ctx.principal!.keyId, 'FEEDBACK');
    const f = await ctx.db.transaction((tx) => ctx.services.feedback.submit(tx, ctx.principal!, input));
    // A browser-shipped key learns only that its click was recorded: whether the requestId was logged,
    // pending or compacted is for keys that may READ.
    const mayRead = hasScope(ctx.principal!, ['read']);
    return {
      feedbackId: toGlobalId('Feedback', f.id),
      created: f.created,
      feedback: mayRead ? (f as never) : null,
      logEntry: mayRead ? ((await ctx.loaders.logEntry.load(f.requestId)) as unknown as LogEntry | null) : null,
    };
  }
}
