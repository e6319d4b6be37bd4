import { ArgsType, Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { FeedbackKindEnum, KeepReasonEnum, SortOrder } from './enums';

@ObjectType({ description: 'A stored inference: prompt, response and metadata are already redacted.' })
export class LogEntry {
  @Field()
  requestId: string;

  @Field()
  ts: Date;

  @Field()
  modelVersion: string;

  @Field()
  prompt: string;

  @Field()
  response: string;

  @Field(() => Int)
  latencyMs: number;

  @Field(() => String, { nullable: true, description: 'HMAC-SHA-256 (hex) of the user id under USER_ID_HMAC_KEY.' })
  userIdHash: string | null;

  @Field(() => Float, { nullable: true })
  responseLogprob: number | null;

  @Field()
  flagged: boolean;

  @Field(() => GraphQLJSONObject, { nullable: true })
  metadata: Record<string, unknown> | null;

  @Field(() => [KeepReasonEnum])
  keepReasons: KeepReasonEnum[];

  @Field({ description: 'When Flywheel stored the row.' })
  receivedAt: Date;
}

@ObjectType()
export class LogEntryEdge {
  @Field()
  cursor: string;

  @Field(() => LogEntry)
  node: LogEntry;
}

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field(() => String, { nullable: true })
  endCursor: string | null;
}

@ObjectType()
export class LogEntryConnection {
  @Field(() => [LogEntryEdge])
  edges: LogEntryEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}

@InputType()
export class LogEntryFilter {
  @Field({ nullable: true, description: 'ts ≥ from' })
  from?: Date;

  @Field({ nullable: true, description: 'ts < to' })
  to?: Date;

  @Field({ nullable: true })
  modelVersion?: string;

  @Field(() => KeepReasonEnum, { nullable: true, description: 'Only rows kept for this reason.' })
  keepReason?: KeepReasonEnum;

  @Field(() => Float, { nullable: true, description: 'Only rows with responseLogprob below this value.' })
  logprobBelow?: number;

  @Field({ nullable: true, description: 'Only rows carrying this tag.' })
  hasTag?: string;

  @Field(() => [String], { nullable: true, description: 'Only rows carrying any of these tags.' })
  anyTags?: string[];

  @Field({ nullable: true, description: 'true: only rows with an accepted correction; false: only rows without one.' })
  hasAcceptedCorrection?: boolean;

  @Field(() => FeedbackKindEnum, { nullable: true, description: 'Only rows with feedback of this kind.' })
  hasFeedbackKind?: FeedbackKindEnum;
}

@ArgsType()
export class LogEntriesArgs {
  @Field(() => LogEntryFilter, { nullable: true })
  filter?: LogEntryFilter;

  @Field(() => Int, { nullable: true, description: 'Page size, default 50, capped at MAX_PAGE_SIZE (default 500).' })
  first?: number;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' })
  after?: string;

  @Field(() => SortOrder, { nullable: true, description: 'By ts, then requestId. Default DESC (newest first).' })
  order?: SortOrder;
}
