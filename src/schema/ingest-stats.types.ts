import { ArgsType, Field, Float, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Counters for one model version and UTC hour. They count every row received, including rows later compacted.' })
export class IngestStatsBucket {
  @Field()
  modelVersion: string;

  @Field()
  hour: Date;

  @Field(() => Float)
  received: number;

  @Field(() => Float)
  keptLowConfidence: number;

  @Field(() => Float)
  keptFlagged: number;

  @Field(() => Float)
  keptDriftOpen: number;

  @Field(() => Float)
  keptSampled: number;

  @Field(() => Float, { description: 'Rows with at least one keep reason.' })
  keptAny: number;

  @Field(() => Float)
  compacted: number;

  @Field(() => Float, { description: 'keptAny / received: the share of traffic kept past the grace window (before references).' })
  keepRate: number;
}

@ObjectType()
export class IngestStats {
  @Field(() => [IngestStatsBucket])
  buckets: IngestStatsBucket[];

  @Field(() => IngestStatsBucket, { description: 'Sum over the buckets (modelVersion "*" when several, hour = from).' })
  total: IngestStatsBucket;
}

@ArgsType()
export class IngestStatsArgs {
  @Field({ description: 'Hours starting at or after this instant (truncated to the hour).' })
  from: Date;

  @Field({ description: 'Hours starting before this instant.' })
  to: Date;

  @Field({ nullable: true })
  modelVersion?: string;
}
