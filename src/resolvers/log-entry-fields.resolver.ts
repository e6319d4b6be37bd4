import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../context';
import { FeedbackView } from '../schema/feedback.types';
import { LogEntry } from '../schema/log-entry.types';
import { CorrectionView } from '../schema/review.types';
import { Tag } from '../schema/tag.types';

/**
 * Nested reads for dashboards: each field is one batched statement per page, through per-request
 * loaders. They are plain lists, not connections: they hang off one entry and stay small (a tag is
 * assigned once, corrections and feedback come a few per entry).
 */
@Resolver(() => LogEntry)
export class LogEntryFieldsResolver {
  @FieldResolver(() => [Tag], { description: 'Active tags, oldest first.' })
  tags(@Root() entry: LogEntry, @Ctx() ctx: AppContext): Promise<Tag[]> {
    return ctx.loaders.tags.load(entry.requestId) as Promise<Tag[]>;
  }

  @FieldResolver(() => [FeedbackView], { description: 'Feedback on this entry, oldest first.' })
  feedback(@Root() entry: LogEntry, @Ctx() ctx: AppContext): Promise<FeedbackView[]> {
    return ctx.loaders.feedback.load(entry.requestId) as Promise<FeedbackView[]>;
  }

  @FieldResolver(() => [CorrectionView], { description: 'Corrections of this entry, oldest first.' })
  corrections(@Root() entry: LogEntry, @Ctx() ctx: AppContext): Promise<CorrectionView[]> {
    return ctx.loaders.corrections.load(entry.requestId) as Promise<CorrectionView[]>;
  }
}
