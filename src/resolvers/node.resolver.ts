import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../context';
import { ApiKeyView } from '../schema/api-key.types';
import { DriftEvent } from '../schema/drift.types';
import { FeedbackView } from '../schema/feedback.types';
import { JobView } from '../schema/job.types';
import { LogEntry } from '../schema/log-entry.types';
import { Node, toGlobalId } from '../schema/node';
import { CorrectionView, LabelConflict, ReviewItem } from '../schema/review.types';
import { Tag } from '../schema/tag.types';
import { fetchNodes } from '../services/node/node.service';

const ID_DESCRIPTION = 'Opaque global id, stable for the life of the object. Pass it to `node(id:)`.';

@Resolver()
export class NodeResolver {
  // Any valid key may ask; each type is then checked against the scopes of its own query.
  @Authorized()
  @Query(() => Node, { nullable: true, description: 'Refetch any cached object by its global id; null if it no longer exists. Scopes apply as for the type’s own query.' })
  async node(@Arg('id', () => ID, { description: 'A global `id` this API returned.' }) id: string, @Ctx() ctx: AppContext): Promise<object | null> {
    return (await fetchNodes(ctx, [id]))[0];
  }

  @Authorized()
  @Query(() => [Node], { nullable: 'itemsAndList', description: 'Refetch many objects by global id, in the order given; null for each that no longer exists.' })
  nodes(@Arg('ids', () => [ID], { description: 'Global ids this API returned (at most MAX_PAGE_SIZE; more is BAD_USER_INPUT).' }) ids: string[], @Ctx() ctx: AppContext): Promise<(object | null)[]> {
    return fetchNodes(ctx, ids, ctx.services.config.maxPageSize);
  }
}

// One `id` resolver per Node type: the id is derived from the natural key when the field is asked for,
// so rows travel through services without an API concern.
@Resolver(() => LogEntry)
export class LogEntryIdResolver {
  @FieldResolver(() => ID, { description: ID_DESCRIPTION })
  id(@Root() r: { requestId: string }): string {
    return toGlobalId('LogEntry', r.requestId);
  }
}

@Resolver(() => Tag)
export class TagIdResolver {
  @FieldResolver(() => ID, { description: ID_DESCRIPTION })
  id(@Root() r: { id: string }): string {
    return toGlobalId('Tag', String(r.id));
  }
}

@Resolver(() => FeedbackView)
export class FeedbackIdResolver {
  @FieldResolver(() => ID, { description: ID_DESCRIPTION })
  id(@Root() r: { id: string }): string {
    return toGlobalId('Feedback', r.id);
  }
}

@Resolver(() => CorrectionView)
export class CorrectionIdResolver {
  @FieldResolver(() => ID, { description: ID_DESCRIPTION })
  id(@Root() r: { id: string }): string {
    return toGlobalId('Correction', r.id);
  }
}

@Resolver(() => ReviewItem)
export class ReviewItemIdResolver {
  @FieldResolver(() => ID, { description: ID_DESCRIPTION })
  id(@Root() r: { requestId: string }): string {
    return toGlobalId('ReviewItem', r.requestId);
  }
}

@Resolver(() => LabelConflict)
export class LabelConflictIdResolver {
  @FieldResolver(() => ID, { description: ID_DESCRIPTION })
  id(@Root() r: { promptKey: string }): string {
    return toGlobalId('LabelConflict', r.promptKey);
  }
}

@Resolver(() => DriftEvent)
export class DriftEventIdResolver {
  @FieldResolver(() => ID, { description: ID_DESCRIPTION })
  id(@Root() r: { id: string }): string {
    return toGlobalId('DriftEvent', r.id);
  }
}

@Resolver(() => ApiKeyView)
export class ApiKeyIdResolver {
  @FieldResolver(() => ID, { description: ID_DESCRIPTION })
  id(@Root() r: { id: string }): string {
    return toGlobalId('ApiKey', r.id);
  }
}

@Resolver(() => JobView)
export class JobIdResolver {
  @FieldResolver(() => ID, { description: ID_DESCRIPTION })
  id(@Root() r: { id: string }): string {
    return toGlobalId('Job', r.id);
  }
}

export const NODE_RESOLVERS = [
  NodeResolver,
  LogEntryIdResolver,
  TagIdResolver,
  FeedbackIdResolver,
  CorrectionIdResolver,
  ReviewItemIdResolver,
  LabelConflictIdResolver,
  DriftEventIdResolver,
  ApiKeyIdResolver,
  JobIdResolver,
] as const;
