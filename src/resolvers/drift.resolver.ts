import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import { DriftEvent, DriftEventFilter, ReportDriftEventInput } from '../schema/drift.types';
import type { DriftEventRow } from '../services/drift.service';

const view = (e: DriftEventRow & { windowRows?: number }): DriftEvent => ({ ...e, open: e.resolvedAt === null });

@Resolver()
export class DriftResolver {
  @Authorized('annotate')
  @Mutation(() => DriftEvent, { description: 'Record a drift event and tag its window (rows of that model version in [detectedAt − windowHours, detectedAt]) drift_window.' })
  async reportDriftEvent(@Arg('input', () => ReportDriftEventInput) input: ReportDriftEventInput, @Ctx() ctx: AppContext): Promise<DriftEvent> {
    return view(await ctx.db.transaction((tx) => ctx.services.drift.report(tx, input)));
  }

  @Authorized('annotate')
  @Mutation(() => DriftEvent, { description: 'Close the event: new rows of its model version stop being kept as DRIFT_OPEN.' })
  async resolveDriftEvent(@Arg('id', () => ID) id: string, @Ctx() ctx: AppContext): Promise<DriftEvent> {
    return view(await ctx.db.transaction((tx) => ctx.services.drift.resolve(tx, id, ctx.principal!.name)));
  }

  @Authorized('read')
  @Query(() => [DriftEvent], { description: 'Newest first.' })
  async driftEvents(
    @Ctx() ctx: AppContext,
    @Arg('filter', () => DriftEventFilter, { nullable: true }) filter?: DriftEventFilter,
    @Arg('first', () => Int, { nullable: true }) first?: number,
  ): Promise<DriftEvent[]> {
    return (await ctx.services.drift.list(ctx.db, filter ?? {}, first ?? 100)).map(view);
  }
}
