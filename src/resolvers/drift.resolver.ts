import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import type { PageResult } from '../schema/connection';
import { DriftEvent, DriftEventConnection, DriftEventsArgs, ReportDriftEventInput, ReportDriftEventPayload, ResolveDriftEventInput, ResolveDriftEventPayload } from '../schema/drift.types';
import { keyOf } from '../schema/node';
import type { DriftEventRow } from '../services/drift.service';
import { Deployment } from '../schema/deploy.types';

@Resolver()
export class DriftResolver {
  @Authorized('annotate')
  @Mutation(() => ReportDriftEventPayload, { nullable: true, description: 'Record a drift event and tag its window (rows of that model version in [detectedAt − windowHours, detectedAt]) drift_window.' })
  async reportDriftEvent(@Arg('input', () => ReportDriftEventInput, { description: 'The signal.' }) input: ReportDriftEventInput, @Ctx() ctx: AppContext): Promise<ReportDriftEventPayload> {
    // One transaction: the event, its window's tags, and the rollback it causes for a version on probation.
    const { windowRows, rolledBack, ...event } = await ctx.db.transaction(async (tx) => {
      const reported = await ctx.services.drift.report(tx, input);
      return { ...reported, rolledBack: await ctx.services.promotion.rollBackOnDrift(tx, reported) };
    });
    return { driftEvent: event as unknown as DriftEvent, windowRows, rolledBack: rolledBack as unknown as Deployment };
  }

  @Authorized('annotate')
  @Mutation(() => ResolveDriftEventPayload, { nullable: true, description: 'Close the event: new rows of its model version stop being kept as DRIFT_OPEN.' })
  async resolveDriftEvent(@Arg('input', () => ResolveDriftEventInput, { description: 'The event.' }) input: ResolveDriftEventInput, @Ctx() ctx: AppContext): Promise<ResolveDriftEventPayload> {
    const id = keyOf(input.driftEventId, 'DriftEvent', 'driftEventId');
    const event = await ctx.db.transaction((tx) => ctx.services.drift.resolve(tx, id, ctx.principal!.name));
    return { driftEvent: event as unknown as DriftEvent };
  }

  @Authorized('read')
  @Query(() => DriftEventConnection, { nullable: true, description: 'Drift events, newest detectedAt first.' })
  driftEvents(@Args(() => DriftEventsArgs) args: DriftEventsArgs, @Ctx() ctx: AppContext): Promise<PageResult<DriftEventRow>> {
    return ctx.services.drift.list(ctx.readDb, args.filter ?? {}, args);
  }
}
