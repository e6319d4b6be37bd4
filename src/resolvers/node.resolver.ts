import { Arg, Authorized, ClassType, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../context';
import { ApiKeyView } from '../schema/api-key.types';
import { DatasetVersion } from '../schema/dataset.types';
import { RetrainDecision, RetrainPolicy } from '../schema/retrain.types';
import { Deployment, EvalGate, Evaluation, ModelLine, ModelVersion, TrainingRun } from '../schema/deploy.types';
import { Webhook, WebhookDelivery } from '../schema/webhook.types';
import { GroundTruth } from '../schema/ground-truth.types';
import { AuditEvent } from '../schema/govern.types';
import { DriftEvent } from '../schema/drift.types';
import { FeedbackView } from '../schema/feedback.types';
import { JobView } from '../schema/job.types';
import { LogEntry } from '../schema/log-entry.types';
import { Node, NodeTypeName, toGlobalId } from '../schema/node';
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
    return fetchNodes(ctx, ids);
  }
}

/**
 * The `id` field of one Node type, derived from its natural key when a client asks for it, so rows
 * travel through services without an API concern.
 */
function idResolver<T extends object>(type: ClassType<T>, name: NodeTypeName, key: (root: T) => string): Function {
  @Resolver(() => type)
  class IdResolver {
    @FieldResolver(() => ID, { description: ID_DESCRIPTION })
    id(@Root() root: T): string {
      return toGlobalId(name, key(root));
    }
  }
  return IdResolver;
}

type Keyed = { id: string };
export const NODE_RESOLVERS = [
  NodeResolver,
  idResolver(LogEntry, 'LogEntry', (r) => r.requestId),
  idResolver(Tag, 'Tag', (r) => String((r as unknown as Keyed).id)),
  idResolver(FeedbackView, 'Feedback', (r) => (r as unknown as Keyed).id),
  idResolver(CorrectionView, 'Correction', (r) => (r as unknown as Keyed).id),
  idResolver(ReviewItem, 'ReviewItem', (r) => r.requestId),
  idResolver(LabelConflict, 'LabelConflict', (r) => r.promptKey),
  idResolver(DriftEvent, 'DriftEvent', (r) => (r as unknown as Keyed).id),
  idResolver(ApiKeyView, 'ApiKey', (r) => (r as unknown as Keyed).id),
  idResolver(JobView, 'Job', (r) => (r as unknown as Keyed).id),
  idResolver(DatasetVersion, 'DatasetVersion', (r) => (r as unknown as Keyed).id),
  idResolver(RetrainPolicy, 'RetrainPolicy', (r) => (r as unknown as Keyed).id),
  idResolver(RetrainDecision, 'RetrainDecision', (r) => (r as unknown as Keyed).id),
  idResolver(ModelLine, 'ModelLine', (r) => r.name),
  idResolver(ModelVersion, 'ModelVersion', (r) => r.name),
  idResolver(TrainingRun, 'TrainingRun', (r) => (r as unknown as Keyed).id),
  idResolver(EvalGate, 'EvalGate', (r) => (r as unknown as Keyed).id),
  idResolver(Evaluation, 'Evaluation', (r) => (r as unknown as Keyed).id),
  idResolver(Deployment, 'Deployment', (r) => (r as unknown as Keyed).id),
  idResolver(GroundTruth, 'GroundTruth', (r) => r.requestId),
  idResolver(Webhook, 'Webhook', (r) => (r as unknown as Keyed).id),
  idResolver(WebhookDelivery, 'WebhookDelivery', (r) => (r as unknown as Keyed).id),
  idResolver(AuditEvent, 'AuditEvent', (r) => (r as unknown as Keyed).id),
];
