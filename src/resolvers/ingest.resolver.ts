import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import { KeepReasonEnum, PiiTypeEnum } from '../schema/enums';
import { LogInferenceInput, LogInferencePayload, LogInferencesInput, LogInferencesPayload } from '../schema/log-inference.types';
import type { StoredResult } from '../services/ingest/group-commit';
import { rateLimitsOf } from '../services/rate-limit';

function toPayload(r: StoredResult): LogInferencePayload {
  return {
    requestId: r.requestId,
    keepReasons: r.keepReasons as KeepReasonEnum[],
    redactions: Object.entries(r.redactions)
      .map(([type, count]) => ({ type: type as PiiTypeEnum, count: count ?? 0 }))
      .sort((a, b) => a.type.localeCompare(b.type)),
    created: r.created,
  };
}

@Resolver()
export class IngestResolver {
  @Authorized('ingest')
  @Mutation(() => LogInferencePayload, { nullable: true, description: 'Log one request/response. Returns after the row is committed.' })
  async logInference(@Arg('input', () => LogInferenceInput, { description: 'The inference.' }) input: LogInferenceInput, @Ctx() ctx: AppContext): Promise<LogInferencePayload> {
    // Rows per second per key; the tokens are usually at hand (no promise, no statement).
    const wait = rateLimitsOf(ctx.services).take(ctx.db, ctx.principal!.keyId, 'INGEST', 1);
    if (wait) await wait;
    return toPayload(await ctx.services.ingest.logInference(input));
  }

  @Authorized('ingest')
  @Mutation(() => LogInferencesPayload, {
    nullable: true,
    description: 'Log a batch (at most MAX_BATCH_SIZE, default 1000). All-or-nothing: one invalid item rejects the batch, listing every invalid item by index.',
  })
  async logInferences(@Arg('input', () => LogInferencesInput, { description: 'The batch.' }) input: LogInferencesInput, @Ctx() ctx: AppContext): Promise<LogInferencesPayload> {
    // A batch costs its rows. One over MAX_BATCH_SIZE is refused by the service without costing any.
    if (input.items.length <= ctx.services.config.maxBatchSize) {
      const wait = rateLimitsOf(ctx.services).take(ctx.db, ctx.principal!.keyId, 'INGEST', Math.max(1, input.items.length));
      if (wait) await wait;
    }
    return { results: (await ctx.services.ingest.logInferences(input.items)).map(toPayload) };
  }
}
