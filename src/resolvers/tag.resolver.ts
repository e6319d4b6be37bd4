import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../context';
import { LogEntry } from '../schema/log-entry.types';
import { toGlobalId } from '../schema/node';
import { Tag, TagCount, TagCountsArgs, TagLogEntriesInput, TagLogEntriesPayload, UntagLogEntriesInput, UntagLogEntriesPayload } from '../schema/tag.types';
import { actingIdentity, hasScope } from '../services/api-key.service';
import { tagCounts } from '../services/tag.service';

/**
 * The entries named in a tag mutation, as they are after it (for client caches). Only for keys that may
 * READ the log: for the others the payload's `entries` is refused anyway, so nothing is loaded.
 */
async function entriesAfter(ctx: AppContext, requestIds: string[]): Promise<LogEntry[] | null> {
  if (!hasScope(ctx.principal!, ['read'])) return null;
  const rows = await ctx.loaders.logEntry.loadMany([...new Set(requestIds)]);
  return rows.filter((e): e is NonNullable<typeof e> & object => e !== null && !(e instanceof Error)) as unknown as LogEntry[];
}

@Resolver(() => Tag)
export class TagFieldsResolver {
  // Stored as the feedback's or drift event's row id; clients know those objects only by global id.
  @FieldResolver(() => String, {
    description: 'Who assigned it: the key name or operator (OPERATOR, API, AUTO_FLAG check), or the global id of the Feedback (USER_FEEDBACK) or DriftEvent (DRIFT).',
  })
  actor(@Root() tag: { source: string; actor: string }): string {
    if (tag.source === 'USER_FEEDBACK') return toGlobalId('Feedback', tag.actor);
    if (tag.source === 'DRIFT') return toGlobalId('DriftEvent', tag.actor);
    return tag.actor;
  }
}

@Resolver()
export class TagResolver {
  @Authorized('annotate')
  @Mutation(() => TagLogEntriesPayload, { nullable: true, description: 'Tag many stored entries at once. Adding a tag an entry already has is a no-op.' })
  async tagLogEntries(@Arg('input', () => TagLogEntriesInput, { description: 'Entries and tags.' }) input: TagLogEntriesInput, @Ctx() ctx: AppContext): Promise<TagLogEntriesPayload> {
    const who = actingIdentity(ctx.principal!, input.onBehalfOf);
    // An ANNOTATE key (or an ADMIN acting for someone) is a human operator; an ADMIN acting as itself is an API call.
    const source = who.onBehalf || !ctx.principal!.scopes.has('admin') ? 'OPERATOR' : 'API';
    const r = await ctx.db.transaction((tx) => ctx.services.tags.addTags(tx, input.requestIds, input.tags, source, who.name));
    return { entries: await entriesAfter(ctx, input.requestIds), taggedCount: r.tagged, unchangedCount: r.unchanged, missingRequestIds: r.missingRequestIds };
  }

  @Authorized('annotate')
  @Mutation(() => UntagLogEntriesPayload, { nullable: true, description: 'Remove tags from many entries at once. The removal is recorded (who, when), not erased.' })
  async untagLogEntries(
    @Arg('input', () => UntagLogEntriesInput, { description: 'Entries and tags.' }) input: UntagLogEntriesInput,
    @Ctx() ctx: AppContext,
  ): Promise<UntagLogEntriesPayload> {
    const who = actingIdentity(ctx.principal!, input.onBehalfOf);
    const r = await ctx.db.transaction((tx) => ctx.services.tags.removeTags(tx, input.requestIds, input.tags, who.name));
    return { entries: await entriesAfter(ctx, input.requestIds), untaggedCount: r.untagged, missingRequestIds: r.missingRequestIds };
  }

  @Authorized('read')
  @Query(() => [TagCount], { nullable: true, description: 'Tagged entries per time bucket and tag (by the entries’ occurredAt, UTC): a bounded time series.' })
  tagCounts(@Args(() => TagCountsArgs) args: TagCountsArgs, @Ctx() ctx: AppContext): Promise<TagCount[]> {
    return tagCounts(ctx.readDb, args);
  }
}
