import { ArgsType, Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { Connection, ConnectionArgs } from './connection';
import { JobStateEnum } from './enums';
import { Node } from './node';
import { JSONObject } from './scalars';

@ObjectType('Job', { implements: Node, description: 'A background job as the queue sees it.' })
export class JobView extends Node {
  @Field({ description: 'The job kind, e.g. compaction.' })
  name: string;

  @Field(() => JobStateEnum, { description: 'Where it is in its life.' })
  state: JobStateEnum;

  @Field(() => Int, { description: 'Attempts made after the first.' })
  retryCount: number;

  @Field(() => JSONObject, { nullable: true, description: 'The payload it was sent with.' })
  data: Record<string, unknown> | null;

  @Field(() => JSONObject, { nullable: true, description: 'What the handler reported while running.' })
  progress: Record<string, unknown> | null;

  @Field(() => JSONObject, { nullable: true, description: 'The result of a completed job, or the error of a failed one.' })
  output: Record<string, unknown> | null;

  @Field({ description: 'When it was enqueued.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When its current (or last) attempt started.' })
  startedAt: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it completed, failed or was cancelled.' })
  completedAt: Date | null;
}

export const JobConnection = Connection(JobView, 'Job', { totalCount: 'Jobs matching the filter.' });

@InputType({ description: 'Narrows `jobs`.' })
export class JobsFilter {
  @Field({ nullable: true, description: 'Only jobs of this kind: compaction, traffic-profile, drift-review, dataset-build.' })
  name?: string;

  @Field(() => [JobStateEnum], { nullable: true, description: 'Only jobs in these states.' })
  states?: JobStateEnum[];
}

@ArgsType()
export class JobsArgs extends ConnectionArgs {
  @Field(() => JobsFilter, { nullable: true, description: 'Conditions every returned job meets.' })
  filter?: JobsFilter;
}

@InputType({ description: 'Run compaction now.' })
export class CompactLogsInput {
  @Field(() => Float, { nullable: true, description: 'Override SAMPLING_GRACE_HOURS for this run (≥ 0).' })
  graceHours?: number;

  @Field(() => Int, { nullable: true, description: 'Rows deleted per transaction (1–100 000). Default COMPACTION_BATCH_SIZE.' })
  batchSize?: number;
}

@InputType({ description: 'Rebuild the out-of-distribution traffic profiles now.' })
export class RefreshTrafficProfilesInput {
  @Field(() => Int, { nullable: true, description: 'Healthy rows sampled per model version (10–100 000). Default 2000.' })
  maxSamples?: number;

  @Field(() => Float, { nullable: true, description: 'How far back to sample, in hours (0 < h ≤ 744). Default 24.' })
  windowHours?: number;
}

@ObjectType({ description: 'The enqueued job.' })
export class JobPayload {
  @Field(() => JobView, { description: 'The job; follow it with node(id:) or job(id:).' })
  job: JobView;
}
