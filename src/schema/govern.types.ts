import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Connection, ConnectionArgs } from './connection';
import { DatasetVersion } from './dataset.types';
import { Node } from './node';
import { JSONObject } from './scalars';

@InputType({ description: 'The end user to erase.' })
export class EraseUserInput {
  @Field({ description: 'The user id exactly as the model endpoints sent it (`userId` of logInference or submitFeedback); found through its keyed hash, never stored.' })
  userId: string;
}

@ObjectType({ description: 'What one eraseUser call removed, per kind. All zeros when nothing of the user was left.' })
export class ErasureCounts {
  @Field(() => Int, { description: 'Log entries (their rows and request registrations).' })
  logEntries: number;

  @Field(() => Int, { description: 'Feedback on those entries, or sent with the user’s id.' })
  feedback: number;

  @Field(() => Int, { description: 'Corrections of those entries.' })
  corrections: number;

  @Field(() => Int, { description: 'Review items of those entries.' })
  reviewItems: number;

  @Field(() => Int, { description: 'Ground-truth outcomes of those entries.' })
  groundTruths: number;

  @Field(() => Int, { description: 'Tags on those entries, and tags the user’s feedback wrote.' })
  tags: number;

  @Field(() => Int, { description: 'Examples removed from dataset versions.' })
  datasetExamples: number;

  @Field(() => Int, { description: 'Dataset versions that held any of them (each records the erasure).' })
  datasetVersions: number;

  @Field(() => Int, { description: 'Export files rewritten without the user’s examples (READY versions).' })
  exportFiles: number;
}

@ObjectType({ description: 'One eraseUser call that removed examples from a dataset version (no user id is kept).' })
export class DatasetErasure {
  @Field({ description: 'When the erasure ran.' })
  erasedAt: Date;

  @Field(() => Int, { description: 'Examples it removed from this version.' })
  examples: number;
}

@ObjectType({ description: 'The erasure’s result.' })
export class EraseUserPayload {
  @Field(() => ErasureCounts, { description: 'What was removed.' })
  counts: ErasureCounts;

  @Field(() => [DatasetVersion], { description: 'The dataset versions that held the user’s examples, as they are now (counts, files and `erasures` updated).' })
  datasetVersions: DatasetVersion[];
}

@ObjectType({ implements: Node, description: 'One admin or reviewer action, recorded in the same transaction as the action itself. Append-only.' })
export class AuditEvent extends Node {
  @Field({ description: 'When the action’s transaction ran.' })
  occurredAt: Date;

  @Field({ description: 'The mutation, e.g. `revokeApiKey`, `eraseUser`, `acceptCorrection`.' })
  action: string;

  @Field({ description: 'The name of the key that acted.' })
  actor: string;

  @Field(() => ID, { nullable: true, description: 'Global id of the ApiKey that acted.' })
  keyId: string | null;

  @Field(() => ID, { nullable: true, description: 'Global id of the object acted on; null when there is none (eraseUser, whose user is not stored; tag mutations over many entries, see `details`).' })
  target: string | null;

  @Field({ description: 'The request’s id (`extensions.requestId`, `x-request-id`): finds its lines in the server log.' })
  requestId: string;

  @Field(() => JSONObject, { nullable: true, description: 'Small facts about the action: counts, tag names, `onBehalfOf`. Never user data.' })
  details: Record<string, unknown> | null;
}

export const AuditEventConnection = Connection(AuditEvent, 'AuditEvent', { totalCount: 'Events matching the filter.' });

@InputType({ description: 'Narrows auditLog.' })
export class AuditLogFilter {
  @Field({ nullable: true, description: 'Only this action (a mutation name).' })
  action?: string;

  @Field(() => ID, { nullable: true, description: 'Only actions of this ApiKey (its global id).' })
  keyId?: string;

  @Field({ nullable: true, description: 'at ≥ from.' })
  from?: Date;

  @Field({ nullable: true, description: 'at < to.' })
  to?: Date;
}

@ArgsType()
export class AuditLogArgs extends ConnectionArgs {
  @Field(() => AuditLogFilter, { nullable: true, description: 'Conditions every returned event meets.' })
  filter?: AuditLogFilter;
}
