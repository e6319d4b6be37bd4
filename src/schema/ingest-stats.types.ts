import { ArgsType, Field, Float, ObjectType } from 'type-graphql';
import { SafeInt } from './scalars';

@ObjectType({ description: 'Counters for one model version and UTC hour. They count every row received, including rows later compacted or deleted by retention.' })
export class IngestStatsBucket {
  @Field({ description: 'The model version ("*" in a total over several).' })
  modelVersion: string;

  @Field({ name: 'startsAt', description: 'Start of the hour (UTC).' })
  hour: Date;

  @Field(() => SafeInt, { description: 'Rows received.' })
  received: number;

  @Field(() => SafeInt, { description: 'Rows kept as LOW_CONFIDENCE.' })
  keptLowConfidence: number;

  @Field(() => SafeInt, { description: 'Rows kept as FLAGGED.' })
  keptFlagged: number;

  @Field(() => SafeInt, { description: 'Rows kept as DRIFT_OPEN.' })
  keptDriftOpen: number;

  @Field(() => SafeInt, { description: 'Rows kept as SAMPLED.' })
  keptSampled: number;

  @Field(() => SafeInt, { description: 'Rows with at least one keep reason.' })
  keptAny: number;

  @Field(() => SafeInt, { description: 'Rows deleted by compaction.' })
  compacted: number;

  @Field(() => SafeInt, { description: 'Rows deleted by log retention (past their model line’s rawLogRetentionDays or RETENTION_DAYS); still counted in received.' })
  retentionDeleted: number;

  @Field(() => Float, { description: 'keptAny / received: the share of traffic kept past the grace window (before references).' })
  keepRate: number;
}

@ObjectType({ description: 'Hourly ingest counters and their total.' })
export class IngestStats {
  @Field(() => [IngestStatsBucket], { description: 'One bucket per model version and hour that received rows, by hour.' })
  buckets: IngestStatsBucket[];

  @Field(() => IngestStatsBucket, { description: 'Sum over the buckets (modelVersion "*" when several; startsAt = from).' })
  total: IngestStatsBucket;
}

@ArgsType()
export class IngestStatsArgs {
  @Field({ description: 'Hours starting at or after this instant (truncated to the hour).' })
  from: Date;

  @Field({ description: 'Hours starting before this instant (at most 400 days after from).' })
  to: Date;

  @Field({ nullable: true, description: 'Only this model version.' })
  modelVersion?: string;
}
