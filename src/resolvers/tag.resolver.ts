import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { AppContext } from '../context';
import { TagCount, TagCountsArgs, TagEntriesInput, TagEntriesResult, UntagEntriesResult } from '../schema/tag.types';
import { tagCounts } from '../services/tag.service';

@Resolver()
export class TagResolver {
  @Authorized('annotate')
  @Mutation(() => TagEntriesResult, { description: 'Tag many stored entries at once. Adding a tag an entry already has is a no-op.' })
  tagEntries(@Arg('input', () => TagEntriesInput) input: TagEntriesInput, @Ctx() ctx: AppContext): Promise<TagEntriesResult> {
    const source = input.annotator ? 'OPERATOR' : 'API';
    return ctx.db.transaction((tx) => ctx.services.tags.addTags(tx, input.requestIds, input.tags, source, input.annotator ?? ctx.principal!.name));
  }

  @Authorized('annotate')
  @Mutation(() => UntagEntriesResult, { description: 'Remove tags from many entries at once. The removal is recorded (who, when), not erased.' })
  untagEntries(@Arg('input', () => TagEntriesInput) input: TagEntriesInput, @Ctx() ctx: AppContext): Promise<UntagEntriesResult> {
    return ctx.db.transaction((tx) => ctx.services.tags.removeTags(tx, input.requestIds, input.tags, input.annotator ?? ctx.principal!.name));
  }

  @Authorized('read')
  @Query(() => [TagCount], { description: 'Tagged entries per time bucket and tag (by the entries’ ts, UTC).' })
  tagCounts(@Args(() => TagCountsArgs) args: TagCountsArgs, @Ctx() ctx: AppContext): Promise<TagCount[]> {
    return tagCounts(ctx.db, args);
  }
}
