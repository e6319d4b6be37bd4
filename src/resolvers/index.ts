import { CONNECTION_RESOLVERS } from '../schema/connection';
import { AdminResolver, JobFieldsResolver } from './admin.resolver';
import { DatasetResolver } from './dataset.resolver';
import { DriftResolver } from './drift.resolver';
import { FeedbackResolver } from './feedback.resolver';
import { IngestResolver } from './ingest.resolver';
import { LogEntryFieldsResolver } from './log-entry-fields.resolver';
import { LogResolver } from './log.resolver';
import { NODE_RESOLVERS } from './node.resolver';
import { RETRAIN_RESOLVERS } from './retrain.resolver';
import { DEPLOY_RESOLVERS } from './deploy.resolver';
import { WebhookResolver } from './webhook.resolver';
import { GroundTruthResolver, LogEntryGroundTruthResolver } from './ground-truth.resolver';
import { CorrectionResolver, ReviewResolver } from './review.resolver';
import { TagFieldsResolver, TagResolver } from './tag.resolver';
import { DatasetErasuresResolver, GovernResolver } from './govern.resolver';

// Resolver modules import every schema type first, so the connection resolvers are registered by now.
export const RESOLVERS = [
  AdminResolver,
  JobFieldsResolver,
  CorrectionResolver,
  DatasetResolver,
  DriftResolver,
  FeedbackResolver,
  IngestResolver,
  LogEntryFieldsResolver,
  LogResolver,
  ReviewResolver,
  TagResolver,
  TagFieldsResolver,
  ...RETRAIN_RESOLVERS,
  ...DEPLOY_RESOLVERS,
  WebhookResolver,
  GroundTruthResolver,
  LogEntryGroundTruthResolver,
  GovernResolver,
  DatasetErasuresResolver,
  ...NODE_RESOLVERS,
  ...CONNECTION_RESOLVERS,
] as [Function, ...Function[]];
