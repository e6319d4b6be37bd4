import { Arg, Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import type { PageResult } from '../schema/connection';
import { IngestStats, IngestStatsArgs } from '../schema/ingest-stats.types';
import { LogEntriesArgs, LogEntry, LogEntryConnection } from '../schema/log-entry.types';
import type { LogRow } from '../services/log-query.service';

@Resolver(() => LogEntry)
export class LogResolver {
  @Authorized('read')
  @Query(() => LogEntry, { nullable: true, description: 'One stored entry by requestId; null if unknown or compacted.' })
  logEntry(@Arg('requestId', { description: 'The endpoint’s requestId.' }) requestId: string, @Ctx() ctx: AppContext): Promise<LogRow | null> {
    return ctx.loaders.logEntry.load(requestId);
  }

  @Authorized('read')
  @Query(() => LogEntryConnection, { nullable: true, description: 'Stored entries, newest first by default, in stable (occurredAt, requestId) order. No totalCount: it would scan the log.' })
  logEntries(@Args(() => LogEntriesArgs) args: LogEntriesArgs, @Ctx() ctx: AppContext): Promise<PageResult<LogRow>> {
    return ctx.services.logQuery.logEntries(ctx.readDb, args);
  }

  @Authorized('read')
  @Query(() => IngestStats, { nullable: true, description: 'True volume and keep rates per model version and UTC hour, compacted rows included.' })
  ingestStats(@Args(() => IngestStatsArgs) args: IngestStatsArgs, @Ctx() ctx: AppContext): Promise<IngestStats> {
    return ctx.services.ingestStats.ingestStats(ctx.readDb, args.from, args.to, args.modelVersion);
  }
}
