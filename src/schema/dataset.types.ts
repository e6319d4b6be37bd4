import { ArgsType, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection, ConnectionArgs } from './connection';
import { Node } from './node';
import { JSONObject } from './scalars';

export enum DatasetKindEnum {
  TRAIN = 'TRAIN',
  EVAL = 'EVAL',
}
registerEnumType(DatasetKindEnum, {
  name: 'DatasetKind',
  description: 'What a dataset version is for.',
  valuesConfig: {
    TRAIN: { description: 'Training data. Never holds a prompt of a READY EVAL version (counted as eval contamination).' },
    EVAL: { description: 'A gold set for evaluation; its prompts are kept out of every TRAIN version.' },
  },
});

export enum DatasetFormatEnum {
  SFT = 'SFT',
  PREFERENCE = 'PREFERENCE',
}
registerEnumType(DatasetFormatEnum, {
  name: 'DatasetFormat',
  description: 'File layouts a version is written in.',
  valuesConfig: {
    SFT: { description: 'Chat fine-tuning: train.jsonl (and validation.jsonl), one {"messages": [...]} per example.' },
    PREFERENCE: {
      description: 'Preference tuning (DPO): preference.jsonl, {"input": {"messages"}, "preferred_output": correction, "non_preferred_output": the model’s response}.',
    },
  },
});

export enum DatasetStatusEnum {
  PENDING = 'PENDING',
  BUILDING = 'BUILDING',
  READY = 'READY',
  FAILED = 'FAILED',
}
registerEnumType(DatasetStatusEnum, {
  name: 'DatasetStatus',
  description: 'Where a version’s build stands.',
  valuesConfig: {
    PENDING: { description: 'Recorded; its build job has not started.' },
    BUILDING: { description: 'The job is gating and writing it.' },
    READY: { description: 'Built: membership and files never change again.' },
    FAILED: { description: 'The build failed, was cancelled, or the quality gate refused it (see error and qualityReport).' },
  },
});

@ObjectType({ description: 'One file of a built version, served at /exports/<datasetVersion id>/<name>.' })
export class DatasetFile {
  @Field({ description: 'File name, e.g. train.jsonl.' })
  name: string;

  @Field({ description: 'sha256 of the file (hex); also its ETag.' })
  sha256: string;

  @Field(() => Int, { description: 'Size in bytes.' })
  bytes: number;

  @Field(() => Int, { description: 'Lines (examples).' })
  lines: number;
}

@ObjectType({ description: 'The entry filter a dataset version was built from: the filter fields of CreateDatasetVersionInput, as recorded (null: not filtered on).' })
export class DatasetVersionFilter {
  @Field(() => [String], { nullable: true, description: 'Only entries carrying any of these tags (sorted, deduplicated).' })
  tags: string[] | null;

  @Field(() => Date, { nullable: true, description: 'Only entries with occurredAt ≥ from.' })
  from: Date | null;

  @Field(() => Date, { nullable: true, description: 'Only entries with occurredAt < to.' })
  to: Date | null;

  @Field(() => [String], { nullable: true, description: 'Only entries of these model versions (sorted, deduplicated).' })
  modelVersions: string[] | null;
}

@ObjectType({ implements: Node, description: 'An immutable, numbered build of a named dataset: corrected entries that passed the quality gate.' })
export class DatasetVersion extends Node {
  @Field({ description: 'The dataset’s name.' })
  name: string;

  @Field(() => Int, { description: 'Monotonic per name, from 1.' })
  version: number;

  @Field(() => DatasetKindEnum, { description: 'TRAIN or EVAL.' })
  kind: DatasetKindEnum;

  @Field(() => DatasetStatusEnum, { description: 'Where its build stands.' })
  status: DatasetStatusEnum;

  @Field(() => [DatasetFormatEnum], { description: 'The layouts it is written in.' })
  formats: DatasetFormatEnum[];

  // `filter` is resolved by DatasetResolver (stored as jsonb with ISO strings).

  @Field(() => String, { nullable: true, description: 'The system message written before each conversation.' })
  systemPrompt: string | null;

  @Field(() => Float, { description: 'Share of examples in the validation split (by a hash of each example).' })
  validationFraction: number;

  @Field(() => Float, { description: 'Largest population stability index the build accepted against its reference.' })
  maxPsi: number;

  @Field(() => Int, { nullable: true, description: 'Examples in the version (both splits), once gated.' })
  exampleCount: number | null;

  @Field(() => Int, { nullable: true, description: 'Examples in the validation split.' })
  validationCount: number | null;

  @Field(() => String, { nullable: true, description: 'sha256 of train.jsonl (preference.jsonl for a preference-only version), once READY.' })
  contentHash: string | null;

  @Field(() => JSONObject, {
    nullable: true,
    description:
      'What the quality gate did, exactly as written into manifest.json: candidates, accepted, excluded (counts keyed by exclusion reason), labelConflictPromptKeys, base, members, validation, distribution (PSI, tag shares keyed by tag), preference. A JSON object because it is keyed by data (reasons, tags) and is the manifest’s own format.',
  })
  qualityReport: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'Why the build failed ("cancelled" when cancelled).' })
  error: string | null;

  @Field({ description: 'The key that asked for it.' })
  createdBy: string;

  @Field({ description: 'When it was asked for.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it became READY.' })
  builtAt: Date | null;
}

export const DatasetVersionConnection = Connection(DatasetVersion, 'DatasetVersion', { totalCount: 'Versions matching (a count over a small table).' });

@InputType({ description: 'A new dataset version: corrected entries matching the filter, through the quality gate.' })
export class CreateDatasetVersionInput {
  @Field({ description: 'The dataset’s name (1–64 of a-z 0-9 _ . -); versions are numbered per name.' })
  name: string;

  @Field(() => DatasetKindEnum, { nullable: true, description: 'Default TRAIN.' })
  kind?: DatasetKindEnum;

  @Field(() => [DatasetFormatEnum], { nullable: true, description: 'Default [SFT] (at most 32 values).' })
  formats?: DatasetFormatEnum[];

  @Field(() => [String], { nullable: true, description: 'Only entries carrying any of these tags (at most 100).' })
  tags?: string[];

  @Field({ nullable: true, description: 'Only entries with occurredAt ≥ from.' })
  from?: Date;

  @Field({ nullable: true, description: 'Only entries with occurredAt < to.' })
  to?: Date;

  @Field(() => [String], { nullable: true, description: 'Only entries of these model versions (at most 100).' })
  modelVersions?: string[];

  @Field(() => ID, { nullable: true, description: 'A READY version to extend: its examples plus the new ones (deduplicated against it).' })
  baseVersionId?: string;

  @Field(() => ID, { nullable: true, description: 'A READY version to compare the distribution with (default: the base version).' })
  referenceVersionId?: string;

  @Field({ nullable: true, description: 'A system message written before each conversation.' })
  systemPrompt?: string;

  @Field(() => Float, { nullable: true, description: 'Share of examples written to validation.jsonl instead, chosen by a hash of each example (stable across rebuilds). Default 0.' })
  validationFraction?: number;

  @Field(() => Float, { nullable: true, description: 'Fail the build when the population stability index against the reference exceeds this. Default DATASET_MAX_PSI (0.25); raise it to override.' })
  maxPsi?: number;
}

@ObjectType({ description: 'The recorded version; its build job runs next.' })
export class CreateDatasetVersionPayload {
  @Field(() => DatasetVersion, { description: 'The version, PENDING, with its job.' })
  datasetVersion: DatasetVersion;
}

@ArgsType()
export class DatasetVersionsArgs extends ConnectionArgs {
  @Field({ nullable: true, description: 'Only versions of this name.' })
  name?: string;
}

@InputType({ description: 'Stop a job.' })
export class CancelJobInput {
  @Field(() => ID, { description: 'The job’s global id.' })
  jobId: string;
}
