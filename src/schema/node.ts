import { Field, ID, InterfaceType } from 'type-graphql';
import { FlywheelError } from '../errors';

/** Every type a client caches by id. Later issues add their types here and to the node fetchers. */
export const NODE_TYPES = ['LogEntry', 'Tag', 'Feedback', 'Correction', 'ReviewItem', 'LabelConflict', 'DriftEvent', 'ApiKey', 'Job', 'DatasetVersion', 'RetrainPolicy', 'RetrainDecision', 'ModelLine', 'ModelVersion', 'TrainingRun', 'EvalGate', 'Evaluation', 'Deployment', 'Webhook', 'WebhookDelivery', 'GroundTruth', 'AuditEvent'] as const;
export type NodeTypeName = (typeof NODE_TYPES)[number];

/**
 * Global ids are `base64url("<Type>:<key>")`. Opaque to clients (they must not parse them), but the
 * type travels with the id so `node(id:)` knows which table to ask and a client cache can key on it
 * across types without collisions (a ReviewItem and its LogEntry share a requestId).
 */
export function toGlobalId(type: NodeTypeName, key: string): string {
  return Buffer.from(`${type}:${key}`, 'utf8').toString('base64url');
}

export function fromGlobalId(id: string, field = 'id'): { type: NodeTypeName; key: string } {
  if (typeof id === 'string' && id.length <= 400 && /^[A-Za-z0-9_-]+$/.test(id)) {
    const text = Buffer.from(id, 'base64url').toString('utf8');
    const colon = text.indexOf(':');
    const type = text.slice(0, colon) as NodeTypeName;
    if (colon > 0 && (NODE_TYPES as readonly string[]).includes(type) && colon < text.length - 1) return { type, key: text.slice(colon + 1) };
  }
  throw new FlywheelError('BAD_USER_INPUT', `${field}: not an id issued by this API; pass the \`id\` field of an object`, {
    problems: [{ field, message: 'not an id issued by this API' }],
  });
}

/** Decodes an id that must be of one type (a mutation's `correctionId`, say). */
export function keyOf(id: string, type: NodeTypeName, field: string): string {
  const decoded = fromGlobalId(id, field);
  if (decoded.type !== type) {
    throw new FlywheelError('BAD_USER_INPUT', `${field}: expected the id of a ${type}, got the id of a ${decoded.type}`, {
      problems: [{ field, message: `expected a ${type} id` }],
    });
  }
  return decoded.key;
}

@InterfaceType('Node', {
  description: 'An object with a global id: clients cache it by `id` and refetch it with `node(id:)`.',
  // Objects handed to `node`/`nodes` carry their type name; every other field returns a concrete type.
  resolveType: (value: { __typename?: string }) => value.__typename,
})
export abstract class Node {
  @Field(() => ID, { description: 'Opaque global id, stable for the life of the object. Pass it to `node(id:)`.' })
  id: string;
}
