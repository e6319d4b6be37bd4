import { ArgsType, Field, Float, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection, ConnectionArgs } from './connection';
import { JobStateEnum } from './enums';
import { Node } from './node';
import { JSONObject, SafeInt } from './scalars';

/**
 * The job kinds: GraphQL values in SCREAMING_SNAKE_CASE, internal values the pg-boss queue names the
 * handlers in src/jobs are defined under (a test checks the two lists agree).
 */
export enum JobKindEnum {
  COMPACTION = 'compaction',
  TRAFFIC_PROFILE = 'traffic-profile',
  DRIFT_REVIEW = 'drift-review',
  DATASET_BUILD = 'dataset-build',
  RETRAIN_EVALUATION = 'retrain-evaluation',
  GROUND_TRUTH_MATCH = 'ground-truth-match',
  FEEDBACK_MATCH = 'feedback-match',
  WEBHOOK_DELIVERY = 'webhook-delivery',
  AUDIT_RETENTION = 'audit-retention',
  LOG_RETENTION = 'log-retention',
  LOG_PARTITIONS = 'log-partitions',
}
registerEnumType(JobKindEnum, {
  name: 'JobKind',
  description: 'What a background job does.',
  valuesConfig: {
    COMPACTION: { description: 'Deletes unkept log rows past the grace window (every COMPACTION_INTERVAL_MINUTES, or compactLogs).' },
    TRAFFIC_PROFILE: { description: 'Rebuilds the out-of-distribution traffic profiles (every 10 minutes, or refreshTrafficProfiles).' },
    DRIFT_REVIEW: { description: 'Puts a large drift window into the review queue after reportDriftEvent.' },
    DATASET_BUILD: { description: 'Builds a dataset version: quality gate, membership, files.' },
    RETRAIN_EVALUATION: { description: 'Evaluates the retrain policies of every model version that has one (every RETRAIN_EVALUATION_MINUTES).' },
    GROUND_TRUTH_MATCH: { description: 'Compares ground truth that arrived before its log row (every minute).' },
    FEEDBACK_MATCH: { description: 'Links feedback that arrived before its log row once the row exists, and deletes pending feedback past FEEDBACK_PENDING_HOURS (every minute).' },
    WEBHOOK_DELIVERY: { description: 'POSTs one webhook delivery, retried with backoff.' },
    AUDIT_RETENTION: { description: 'Deletes audit events older than AUDIT_RETENTION_DAYS (hourly).' },
    LOG_RETENTION: { description: 'Deletes raw log rows past their model line’s retention (rawLogRetentionDays, else RETENTION_DAYS), keeping dataset members, references and open drift evidence (hourly, or runLogRetention).' },
    LOG_PARTITIONS: { description: 'Creates the daily log partitions LOG_PARTITIONS_AHEAD_DAYS ahead (daily, and at start).' },
  },
});

export enum JobPhaseEnum {
  RUNNING = 'RUNNING',
  GATE = 'GATE',
  EXPORT = 'EXPORT',
  DELETE = 'DELETE',
  EVALUATE = 'EVALUATE',
  DONE = 'DONE',
}
registerEnumType(JobPhaseEnum, {
  name: 'JobPhase',
  description: 'What a running job is doing, as its handler last reported.',
  valuesConfig: {
    RUNNING: { description: 'Working; the handler reports no finer phase.' },
    GATE: { description: 'DATASET_BUILD: applying the quality gate and recording membership (total not known yet).' },
    EXPORT: { description: 'DATASET_BUILD: writing the files, done of total examples.' },
    DELETE: { description: 'COMPACTION: deleting unkept rows in batches (the total is not known in advance).' },
    EVALUATE: { description: 'RETRAIN_EVALUATION: evaluating model versions one by one.' },
    DONE: { description: 'The handler finished its work; the job completes right after.' },
  },
});

@ObjectType({ description: 'How far a job got, as its handler last reported (every handler reports these fields).' })
export class JobProgress {
  @Field(() => JobPhaseEnum, { description: 'What it is doing now.' })
  phase: JobPhaseEnum;

  @Field(() => SafeInt, {
    description:
      'Units of work done. DATASET_BUILD: examples written; COMPACTION: rows deleted; RETRAIN_EVALUATION: model versions evaluated; DRIFT_REVIEW: entries queued; TRAFFIC_PROFILE: profiles rebuilt.',
  })
  done: number;

  @Field(() => SafeInt, { nullable: true, description: 'Units in all; null while not known (the GATE phase, COMPACTION until done).' })
  total: number | null;

  @Field(() => Int, { nullable: true, description: 'done / total as 0–100; null while total is not known.' })
  percent: number | null;

  @Field(() => JSONObject, {
    nullable: true,
    description: 'What one job kind reports beyond the common fields, free-form per kind (COMPACTION: batches, cutoff); null when nothing more.',
  })
  details: Record<string, unknown> | null;
}

@ObjectType('Job', { implements: Node, description: 'A background job as the queue sees it.' })
export class JobView extends Node {
  @Field(() => JobKindEnum, { description: 'What the job does.' })
  name: JobKindEnum;

  @Field(() => JobStateEnum, { description: 'Where it is in its life.' })
  state: JobStateEnum;

  @Field(() => Int, { description: 'Attempts made after the first.' })
  retryCount: number;

  @Field(() => JSONObject, {
    nullable: true,
    description: 'The payload it was sent with: free-form per job kind (e.g. DATASET_BUILD: datasetVersionId; COMPACTION: graceHours, batchSize), so a JSON object.',
  })
  data: Record<string, unknown> | null;

  // `progress` is resolved by JobFieldsResolver (the stored report, in the common JobProgress shape).

  @Field(() => JSONObject, {
    nullable: true,
    description: 'The result of a completed job, or the error of a failed one (see `error`): free-form per job kind (e.g. COMPACTION: deleted, batches), so a JSON object.',
  })
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
  @Field(() => JobKindEnum, { nullable: true, description: 'Only jobs of this kind.' })
  name?: JobKindEnum;

  @Field(() => [JobStateEnum], { nullable: true, description: 'Only jobs in these states (at most 32 values).' })
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

@InputType({ description: 'Run log retention now.' })
export class RunLogRetentionInput {
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
