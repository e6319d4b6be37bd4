import { Arg, Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import { IngestStats, IngestStatsArgs } from '../schema/ingest-stats.types';
import { LogEntriesArgs, LogEntry, LogEntryConnection } from '../schema/log-entry.types';
import type { LogRow } from '../services/log-query.service';

@Resolver(() => LogEntry)
export class LogResolver {
  @Authorized('read')
  @Query(() => LogEntry, { nullable: true, description: 'One stored entry; null if unknown or compacted.' })
  async logEntry(@Arg('requestId') requestId: string, @Ctx() ctx: AppContext): Promise<LogRow | null> {
    return ctx.services.logQuery.logEntry(ctx.db, requestId);
  }

  @Authorized('read')
  @Query(() => LogEntryConnection, { description: 'Stored entries, newest first by default, in stable (ts, requestId) order.' })
  async logEntries(@Args(() => LogEntriesArgs) args: LogEntriesArgs, @Ctx() ctx: AppContext): Promise<LogEntryConnection> {
    return ctx.services.logQuery.logEntries(ctx.db, args) as Promise<LogEntryConnection>;
  }

  @Authorized('read')
  @Query(() => IngestStats, { description: 'True volume and keep rates per model version and UTC hour, compacted rows included.' })
  async ingestStats(@Args(() => IngestStatsArgs) args: IngestStatsArgs, @Ctx() ctx: AppContext): Promise<IngestStats> {
    return ctx.services.ingestStats.ingestStats(ctx.db, args.from, args.to, args.modelVersion);
  }
}
