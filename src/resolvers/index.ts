import { AdminResolver } from './admin.resolver';
import { DriftResolver } from './drift.resolver';
import { FeedbackResolver } from './feedback.resolver';
import { IngestResolver } from './ingest.resolver';
import { LogEntryFieldsResolver } from './log-entry-fields.resolver';
import { LogResolver } from './log.resolver';
import { CorrectionResolver, ReviewResolver } from './review.resolver';
import { TagResolver } from './tag.resolver';

export const RESOLVERS = [
  AdminResolver,
  CorrectionResolver,
  DriftResolver,
  FeedbackResolver,
  IngestResolver,
  LogEntryFieldsResolver,
  LogResolver,
  ReviewResolver,
  TagResolver,
] as const;
