import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import { KeepReasonEnum } from '../schema/enums';
import { LogInferenceInput, LogInferenceResult } from '../schema/log-inference.types';
import type { StoredResult } from '../services/ingest/group-commit';

function toResult(r: StoredResult): LogInferenceResult {
  return {
    requestId: r.requestId,
    keepReasons: r.keepReasons as KeepReasonEnum[],
    redactions: Object.entries(r.redactions)
      .map(([type, count]) => ({ type, count }))
      .sort((a, b) => a.type.localeCompare(b.type)),
    created: r.created,
  };
}

@Resolver()
export class IngestResolver {
  @Authorized('ingest')
  @Mutation(() => LogInferenceResult, { description: 'Log one request/response. Returns after the row is committed.' })
  async logInference(@Arg('input', () => LogInferenceInput) input: LogInferenceInput, @Ctx() ctx: AppContext): Promise<LogInferenceResult> {
    return toResult(await ctx.services.ingest.logInference(input));
  }

  @Authorized('ingest')
  @Mutation(() => [LogInferenceResult], {
    description: 'Log a batch (at most MAX_BATCH_SIZE, default 1000). All-or-nothing: one invalid item rejects the batch, listing every invalid item by index.',
  })
  async logInferences(@Arg('inputs', () => [LogInferenceInput]) inputs: LogInferenceInput[], @Ctx() ctx: AppContext): Promise<LogInferenceResult[]> {
    return (await ctx.services.ingest.logInferences(inputs)).map(toResult);
  }
}
