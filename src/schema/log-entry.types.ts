import { ArgsType, Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { Connection, ConnectionArgs } from './connection';
import { FeedbackKindEnum, KeepReasonEnum, SortOrder } from './enums';
import { Node } from './node';
import { JSONObject } from './scalars';

@ObjectType({ implements: Node, description: 'A stored inference: prompt, response and metadata are already redacted.' })
export class LogEntry extends Node {
  @Field({ description: 'The endpoint’s idempotency key for this request (the natural key; `id` is the global one).' })
  requestId: string;

  // Stored as `ts`; the API names every instant `…At`.
  @Field({ name: 'occurredAt', description: 'When the model served the request (as the endpoint reported it).' })
  ts: Date;

  @Field({ description: 'The model version that answered.' })
  modelVersion: string;

  @Field({ description: 'The prompt, redacted.' })
  prompt: string;

  @Field({ description: 'The response, redacted.' })
  response: string;

  @Field(() => Int, { description: 'Time to answer, in milliseconds.' })
  latencyMs: number;

  @Field(() => String, { nullable: true, description: 'HMAC-SHA-256 (hex) of the user id under USER_ID_HMAC_KEY; the raw id is never stored.' })
  userIdHash: string | null;

  @Field(() => Float, { nullable: true, description: 'Log-probability of the response (≤ 0), when the endpoint sent it.' })
  responseLogprob: number | null;

  @Field({ description: 'The endpoint flagged this response itself.' })
  flagged: boolean;

  @Field(() => JSONObject, { nullable: true, description: 'Free-form metadata the endpoint sent; string values redacted.' })
  metadata: Record<string, unknown> | null;

  @Field(() => [KeepReasonEnum], { description: 'Why the sampling budget keeps this row; empty: compacted after the grace window unless referenced.' })
  keepReasons: KeepReasonEnum[];

  @Field({ description: 'When Flywheel stored the row.' })
  receivedAt: Date;
}

export const LogEntryConnection = Connection(LogEntry, 'LogEntry');

@InputType({ description: 'Narrows `logEntries`; all given conditions must hold.' })
export class LogEntryFilter {
  @Field({ nullable: true, description: 'occurredAt ≥ from.' })
  from?: Date;

  @Field({ nullable: true, description: 'occurredAt < to.' })
  to?: Date;

  @Field({ nullable: true, description: 'Only this model version.' })
  modelVersion?: string;

  @Field(() => KeepReasonEnum, { nullable: true, description: 'Only rows kept for this reason.' })
  keepReason?: KeepReasonEnum;

  @Field(() => Float, { nullable: true, description: 'Only rows with responseLogprob below this value.' })
  logprobBelow?: number;

  @Field({ nullable: true, description: 'Only rows carrying this tag.' })
  hasTag?: string;

  @Field(() => [String], { nullable: true, description: 'Only rows carrying any of these tags (at most 100).' })
  anyTags?: string[];

  @Field({ nullable: true, description: 'true: only rows with an accepted correction; false: only rows without one.' })
  hasAcceptedCorrection?: boolean;

  @Field(() => FeedbackKindEnum, { nullable: true, description: 'Only rows with feedback of this kind.' })
  hasFeedbackKind?: FeedbackKindEnum;
}

@ArgsType()
export class LogEntriesArgs extends ConnectionArgs {
  @Field(() => LogEntryFilter, { nullable: true, description: 'Conditions every returned entry meets.' })
  filter?: LogEntryFilter;

  @Field(() => SortOrder, { nullable: true, description: 'By occurredAt, then requestId. Default DESC (newest first).' })
  order?: SortOrder;
}
