import { ArgsType, Field, InputType, Int, ObjectType } from 'type-graphql';
import { TagSourceEnum, TimeBucket } from './enums';

@ObjectType({ description: 'An active tag on a log entry, with its provenance.' })
export class Tag {
  @Field()
  name: string;

  @Field(() => TagSourceEnum)
  source: TagSourceEnum;

  @Field({ description: 'Key name, annotator, drift event id or feedback id.' })
  actor: string;

  @Field()
  createdAt: Date;
}

@InputType()
export class TagEntriesInput {
  @Field(() => [String])
  requestIds: string[];

  @Field(() => [String], { description: 'Built in: user_negative, drift_window, low_confidence, out_of_distribution, anomalous_output, operator_review; any 1–64 of a-z 0-9 _ . : -' })
  tags: string[];

  @Field({ nullable: true, description: 'The operator doing it (source OPERATOR); without it the source is API and the actor the key name.' })
  annotator?: string;
}

@ObjectType()
export class TagEntriesResult {
  @Field(() => Int, { description: 'New assignments.' })
  tagged: number;

  @Field(() => Int, { description: 'Assignments that already existed (a no-op).' })
  unchanged: number;

  @Field(() => [String], { description: 'Ids that are not stored (never logged, or compacted): nothing was tagged.' })
  missingRequestIds: string[];
}

@ObjectType()
export class UntagEntriesResult {
  @Field(() => Int, { description: 'Assignments removed (recorded with who and when, not erased).' })
  untagged: number;

  @Field(() => [String])
  missingRequestIds: string[];
}

@ObjectType({ description: 'Tagged entries in one time bucket (by the entries’ ts).' })
export class TagCount {
  @Field()
  bucket: Date;

  @Field()
  tag: string;

  @Field(() => Int)
  count: number;
}

@ArgsType()
export class TagCountsArgs {
  @Field()
  from: Date;

  @Field()
  to: Date;

  @Field(() => TimeBucket, { defaultValue: TimeBucket.HOUR })
  bucket: TimeBucket;

  @Field({ nullable: true })
  modelVersion?: string;

  @Field(() => [String], { nullable: true })
  tags?: string[];
}
