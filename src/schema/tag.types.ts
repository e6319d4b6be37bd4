import { ArgsType, Authorized, Field, InputType, Int, ObjectType } from 'type-graphql';
import { TagSourceEnum, TimeBucket } from './enums';
import { LogEntry } from './log-entry.types';
import { Node } from './node';

@ObjectType({ implements: Node, description: 'An active tag on a log entry, with its provenance.' })
export class Tag extends Node {
  @Field({ description: 'The tag: 1–64 of a-z 0-9 _ . : -' })
  name: string;

  @Field(() => TagSourceEnum, { description: 'What kind of actor assigned it.' })
  source: TagSourceEnum;

  // Resolved by TagFieldsResolver (feedback and drift actors become global ids).
  actor: string;

  @Field({ description: 'When it was assigned.' })
  createdAt: Date;
}

const TAGS_DESCRIPTION =
  'Built in: user_negative, drift_window, low_confidence, out_of_distribution, anomalous_output, operator_review; any 1–64 of a-z 0-9 _ . : - (1–20 tags).';
const ON_BEHALF_DESCRIPTION = 'ADMIN keys only: the operator this is done for (recorded as the actor). Other keys act as themselves.';

@InputType({ description: 'Tags to add to stored entries.' })
export class TagLogEntriesInput {
  @Field(() => [String], { description: 'The entries (1–10 000 requestIds).' })
  requestIds: string[];

  @Field(() => [String], { description: TAGS_DESCRIPTION })
  tags: string[];

  @Field({ nullable: true, description: ON_BEHALF_DESCRIPTION })
  onBehalfOf?: string;
}

// Its own name so each mutation has its `<mutation>Input` (the lint's input-name rule), same fields.
@InputType({ description: 'Tags to remove from entries (recorded, not erased).' })
export class UntagLogEntriesInput extends TagLogEntriesInput {}

@ObjectType({ description: 'What tagLogEntries changed.' })
export class TagLogEntriesPayload {
  // A payload shows no more than the key may read: an ANNOTATE-only key tags entries it may not list
  // (logEntry needs READ), so without READ this field is null with a FORBIDDEN error, and only it.
  @Authorized('read')
  @Field(() => [LogEntry], {
    nullable: true,
    description: 'The stored entries named in the input, with their tags as they are now. Needs READ, like logEntry: null (with FORBIDDEN) for other keys.',
  })
  entries: LogEntry[] | null;

  @Field(() => Int, { description: 'New assignments.' })
  taggedCount: number;

  @Field(() => Int, { description: 'Assignments that already existed (a no-op).' })
  unchangedCount: number;

  @Field(() => [String], { description: 'Ids that are not stored (never logged, or compacted): nothing was tagged.' })
  missingRequestIds: string[];
}

@ObjectType({ description: 'What untagLogEntries changed.' })
export class UntagLogEntriesPayload {
  // A payload shows no more than the key may read: an ANNOTATE-only key tags entries it may not list
  // (logEntry needs READ), so without READ this field is null with a FORBIDDEN error, and only it.
  @Authorized('read')
  @Field(() => [LogEntry], {
    nullable: true,
    description: 'The stored entries named in the input, with their tags as they are now. Needs READ, like logEntry: null (with FORBIDDEN) for other keys.',
  })
  entries: LogEntry[] | null;

  @Field(() => Int, { description: 'Assignments removed (recorded with who and when, not erased).' })
  untaggedCount: number;

  @Field(() => [String], { description: 'Ids that were never logged: nothing was removed.' })
  missingRequestIds: string[];
}

@ObjectType({ description: 'Tagged entries in one time bucket (by the entries’ occurredAt).' })
export class TagCount {
  @Field({ name: 'startsAt', description: 'Start of the bucket (UTC).' })
  bucket: Date;

  @Field({ description: 'The tag.' })
  tag: string;

  @Field(() => Int, { description: 'Entries carrying the tag whose occurredAt falls in the bucket.' })
  count: number;
}

@ArgsType()
export class TagCountsArgs {
  @Field({ description: 'Entries with occurredAt ≥ from.' })
  from: Date;

  @Field({ description: 'Entries with occurredAt < to (at most 400 days after from).' })
  to: Date;

  @Field(() => TimeBucket, { defaultValue: TimeBucket.HOUR, description: 'Bucket width.' })
  bucket: TimeBucket;

  @Field({ nullable: true, description: 'Only this model version.' })
  modelVersion?: string;

  @Field(() => [String], { nullable: true, description: 'Only these tags (default: all; at most 100).' })
  tags?: string[];
}
