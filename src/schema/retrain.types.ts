import { ArgsType, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection, ConnectionArgs } from './connection';
import { DatasetFormatEnum } from './dataset.types';
import { Node } from './node';
import { SafeInt } from './scalars';

export enum RetrainPolicyKindEnum {
  DRIFT = 'DRIFT',
  SCHEDULE = 'SCHEDULE',
  CLUSTER = 'CLUSTER',
  VOLUME = 'VOLUME',
  ACCURACY = 'ACCURACY',
}
registerEnumType(RetrainPolicyKindEnum, {
  name: 'RetrainPolicyKind',
  description: 'What makes a policy fire. Every count is of the model version’s traffic since the last training run started from it.',
  valuesConfig: {
    DRIFT: { description: 'An open drift event for the model version and ≥ minCorrected (default 100) accepted corrections on rows in its window.' },
    SCHEDULE: { description: 'Every intervalHours, still requiring ≥ minExamples (default 1) new accepted corrections.' },
    CLUSTER: { description: 'A failure cluster: ≥ threshold open (uncorrected) entries tagged `tag` within the last periodHours.' },
    VOLUME: { description: '≥ minNewCorrections new accepted corrections, or ≥ minCorrectedShare of the flagged (queued) entries corrected.' },
    ACCURACY: { description: 'Ground-truth accuracy over the last windowHours below accuracyBelow, judged on ≥ minLabelled (default 50) labelled rows.' },
  },
});

export enum RetrainOutcomeEnum {
  RETRAIN = 'RETRAIN',
  WAIT = 'WAIT',
}
registerEnumType(RetrainOutcomeEnum, {
  name: 'RetrainOutcome',
  description: 'What the policies say.',
  valuesConfig: {
    RETRAIN: { description: 'A policy fired: retrain on the dataset version built for it.' },
    WAIT: { description: 'No policy fired (the reasons say how far each is).' },
  },
});

@ObjectType({ description: 'What a RETRAIN of this policy builds; the model version’s traffic with accepted corrections, extending the dataset it was trained on.' })
export class RetrainDatasetTemplate {
  @Field(() => String, { nullable: true, description: 'Dataset name (default `<model version>-retrain`).' })
  name: string | null;

  @Field(() => [String], { nullable: true, description: 'Only entries carrying any of these tags.' })
  tags: string[] | null;

  @Field(() => String, { nullable: true, description: 'System message written before each conversation.' })
  systemPrompt: string | null;

  @Field(() => [DatasetFormatEnum], { nullable: true, description: 'Layouts (default [SFT]).' })
  formats: DatasetFormatEnum[] | null;

  @Field(() => Float, { nullable: true, description: 'Validation share (default 0).' })
  validationFraction: number | null;
}

@ObjectType({ implements: Node, description: 'When to retrain one model version.' })
export class RetrainPolicy extends Node {
  @Field({ description: 'The model version (as endpoints log it) whose traffic the policy watches.' })
  modelVersion: string;

  @Field(() => RetrainPolicyKindEnum, { description: 'What makes it fire.' })
  kind: RetrainPolicyKindEnum;

  @Field({ description: 'Disabled policies are kept but never checked.' })
  enabled: boolean;

  @Field(() => Int, { nullable: true, description: 'DRIFT: corrected rows needed in the drift window (default 100).' })
  minCorrected: number | null;

  @Field(() => Float, { nullable: true, description: 'SCHEDULE: hours between retrains.' })
  intervalHours: number | null;

  @Field(() => Int, { nullable: true, description: 'SCHEDULE, CLUSTER, VOLUME: fewest new accepted corrections worth retraining on (default 1).' })
  minExamples: number | null;

  @Field(() => String, { nullable: true, description: 'CLUSTER: the failure cluster’s tag.' })
  tag: string | null;

  @Field(() => Int, { nullable: true, description: 'CLUSTER: open tagged entries that make a cluster.' })
  threshold: number | null;

  @Field(() => Float, { nullable: true, description: 'CLUSTER: the window, in hours, the tags are counted in.' })
  periodHours: number | null;

  @Field(() => Int, { nullable: true, description: 'VOLUME: new accepted corrections.' })
  minNewCorrections: number | null;

  @Field(() => Float, { nullable: true, description: 'VOLUME: share (0–1] of flagged entries corrected.' })
  minCorrectedShare: number | null;

  @Field(() => Float, { nullable: true, description: 'ACCURACY: fire below this accuracy (0–1].' })
  accuracyBelow: number | null;

  @Field(() => Float, { nullable: true, description: 'ACCURACY: the window, in hours of the entries’ time.' })
  windowHours: number | null;

  @Field(() => Int, { nullable: true, description: 'ACCURACY: fewest labelled rows to judge on (default 50).' })
  minLabelled: number | null;

  @Field(() => RetrainDatasetTemplate, { description: 'What a RETRAIN builds.' })
  dataset: RetrainDatasetTemplate;

  @Field({ description: 'The key that created it.' })
  createdBy: string;

  @Field({ description: 'When it was created.' })
  createdAt: Date;

  @Field({ description: 'When it was last changed.' })
  updatedAt: Date;
}

export const RetrainPolicyConnection = Connection(RetrainPolicy, 'RetrainPolicy', { totalCount: 'Policies matching.' });

@ObjectType({ description: 'The numbers a retrain decision (or a readiness answer) was made on.' })
export class RetrainCounts {
  @Field(() => SafeInt, { description: 'Accepted corrections of the version’s traffic since the last training run started from it (since the beginning when there is none).' })
  newAcceptedCorrections: number;

  @Field(() => Date, { nullable: true, description: 'When the last training run started from this version was registered; null: none yet.' })
  lastTrainingRunAt: Date | null;

  @Field(() => Int, { description: 'Enabled policies checked.' })
  policies: number;
}

@ObjectType({ description: 'The numbers one policy was judged on. Each kind fills its own fields; the others are null.' })
export class RetrainPolicyCounts {
  @Field(() => SafeInt, { nullable: true, description: 'SCHEDULE, CLUSTER, VOLUME, ACCURACY: accepted corrections since the last training run from the version.' })
  newAcceptedCorrections: number | null;

  @Field(() => Int, { nullable: true, description: 'SCHEDULE, CLUSTER, VOLUME, ACCURACY: the fewest new accepted corrections the policy retrains on.' })
  minExamples: number | null;

  @Field(() => Int, { nullable: true, description: 'DRIFT: open drift events of the version.' })
  openDriftEvents: number | null;

  @Field(() => ID, { nullable: true, description: 'DRIFT: the global id of the open drift event with the most corrected rows in its window.' })
  driftEventId: string | null;

  @Field(() => SafeInt, { nullable: true, description: 'DRIFT: rows in that event’s window with an accepted correction.' })
  correctedInWindow: number | null;

  @Field(() => Int, { nullable: true, description: 'DRIFT: corrected rows needed in the window.' })
  minCorrected: number | null;

  @Field(() => Date, { nullable: true, description: 'SCHEDULE: when the next retrain is (or was) due.' })
  dueAt: Date | null;

  @Field(() => SafeInt, { nullable: true, description: 'CLUSTER: open (uncorrected) entries carrying the tag within the period.' })
  openTagged: number | null;

  @Field(() => Int, { nullable: true, description: 'CLUSTER: open tagged entries that make a cluster.' })
  threshold: number | null;

  @Field(() => SafeInt, { nullable: true, description: 'VOLUME: entries that entered the review queue since the last training run.' })
  flagged: number | null;

  @Field(() => SafeInt, { nullable: true, description: 'VOLUME: of those, entries corrected (their review item DONE).' })
  flaggedCorrected: number | null;

  @Field(() => SafeInt, { nullable: true, description: 'ACCURACY: compared ground-truth reports in the window.' })
  labelled: number | null;

  @Field(() => SafeInt, { nullable: true, description: 'ACCURACY: of those, the model was right.' })
  correct: number | null;

  @Field(() => Float, { nullable: true, description: 'ACCURACY: correct / labelled (null with no labelled rows).' })
  accuracy: number | null;

  @Field(() => Int, { nullable: true, description: 'ACCURACY: the fewest labelled rows the policy judges on.' })
  minLabelled: number | null;
}

@ObjectType({ description: 'One policy’s verdict, with the numbers behind it.' })
export class RetrainPolicyCheck {
  @Field(() => ID, { description: 'The policy’s global id.' })
  policyId: string;

  @Field(() => RetrainPolicyKindEnum, { description: 'Its kind.' })
  kind: RetrainPolicyKindEnum;

  @Field({ description: 'Whether it fired.' })
  fired: boolean;

  @Field({ description: 'Why, with the numbers ("84 of 100 corrected rows in its 12 h window").' })
  reason: string;

  @Field(() => RetrainPolicyCounts, { description: 'The numbers it was decided on.' })
  counts: RetrainPolicyCounts;
}

@ObjectType({ implements: Node, description: 'A recorded evaluation of a model version’s retrain policies.' })
export class RetrainDecision extends Node {
  @Field({ description: 'The model version decided on.' })
  modelVersion: string;

  @Field(() => RetrainOutcomeEnum, { description: 'RETRAIN or WAIT.' })
  outcome: RetrainOutcomeEnum;

  @Field(() => [String], { description: 'One line per policy checked, with its numbers.' })
  reasons: string[];

  // `counts` is resolved by RetrainDecisionResolver (the stored object also holds the checks).

  @Field({ description: 'Who decided: the key’s name, or "schedule".' })
  decidedBy: string;

  @Field({ description: 'When.' })
  decidedAt: Date;
}

export const RetrainDecisionConnection = Connection(RetrainDecision, 'RetrainDecision', { totalCount: 'Decisions matching.' });

@ObjectType({ description: 'Whether to retrain now, computed on the spot (nothing written): what CI polls.' })
export class RetrainReadiness {
  @Field({ description: 'The model version asked about.' })
  modelVersion: string;

  @Field({ description: 'True when a policy fires: evaluateRetrain would decide RETRAIN.' })
  ready: boolean;

  @Field(() => RetrainOutcomeEnum, { description: 'The decision evaluateRetrain would record now.' })
  outcome: RetrainOutcomeEnum;

  @Field(() => [String], { description: 'One line per policy, with its numbers.' })
  reasons: string[];

  @Field(() => [RetrainPolicyCheck], { description: 'Each enabled policy’s verdict.' })
  checks: RetrainPolicyCheck[];

  @Field(() => RetrainCounts, { description: 'The numbers it was decided on.' })
  counts: RetrainCounts;

  @Field(() => RetrainDecision, { nullable: true, description: 'The last recorded decision for this model version.' })
  lastDecision: RetrainDecision | null;
}

@InputType({ description: 'What a RETRAIN builds.' })
export class RetrainDatasetTemplateInput {
  @Field({ nullable: true, description: 'Dataset name (1–64 of a-z 0-9 _ . -); default `<model version>-retrain`.' })
  name?: string;

  @Field(() => [String], { nullable: true, description: 'Only entries carrying any of these tags (at most 100).' })
  tags?: string[];

  @Field({ nullable: true, description: 'System message written before each conversation.' })
  systemPrompt?: string;

  @Field(() => [DatasetFormatEnum], { nullable: true, description: 'Layouts (default [SFT]; at most 32 values).' })
  formats?: DatasetFormatEnum[];

  @Field(() => Float, { nullable: true, description: 'Validation share in [0, 1) (default 0).' })
  validationFraction?: number;
}

/** The thresholds, shared by create and update (unreferenced, so not emitted as a type of its own). */
@InputType('RetrainPolicyThresholdsInput', { description: 'Thresholds; each kind takes its own (others are refused).' })
export class RetrainPolicyThresholdsInput {
  @Field(() => Int, { nullable: true, description: 'DRIFT: corrected rows needed in the drift window (default 100).' })
  minCorrected?: number;

  @Field(() => Float, { nullable: true, description: 'SCHEDULE (required): hours between retrains.' })
  intervalHours?: number;

  @Field(() => Int, { nullable: true, description: 'SCHEDULE, CLUSTER, VOLUME: fewest new accepted corrections worth retraining on (default 1).' })
  minExamples?: number;

  @Field({ nullable: true, description: 'CLUSTER (required): the failure cluster’s tag.' })
  tag?: string;

  @Field(() => Int, { nullable: true, description: 'CLUSTER (required): open tagged entries that make a cluster.' })
  threshold?: number;

  @Field(() => Float, { nullable: true, description: 'CLUSTER (required): window in hours.' })
  periodHours?: number;

  @Field(() => Int, { nullable: true, description: 'VOLUME: new accepted corrections.' })
  minNewCorrections?: number;

  @Field(() => Float, { nullable: true, description: 'VOLUME: share (0–1] of flagged entries corrected.' })
  minCorrectedShare?: number;

  @Field(() => Float, { nullable: true, description: 'ACCURACY (required): fire below this ground-truth accuracy (0–1].' })
  accuracyBelow?: number;

  @Field(() => Float, { nullable: true, description: 'ACCURACY (required): the window in hours.' })
  windowHours?: number;

  @Field(() => Int, { nullable: true, description: 'ACCURACY: fewest labelled rows to judge on (default 50).' })
  minLabelled?: number;
}

@InputType({ description: 'A new retrain policy.' })
export class CreateRetrainPolicyInput extends RetrainPolicyThresholdsInput {
  @Field({ description: 'The model version (as endpoints log it).' })
  modelVersion: string;

  @Field(() => RetrainPolicyKindEnum, { description: 'What makes it fire.' })
  kind: RetrainPolicyKindEnum;

  @Field({ nullable: true, description: 'Default true.' })
  enabled?: boolean;

  @Field(() => RetrainDatasetTemplateInput, { nullable: true, description: 'What a RETRAIN builds.' })
  dataset?: RetrainDatasetTemplateInput;
}

@InputType({ description: 'Change a policy: fields left out keep their values; a threshold set to null returns to its default.' })
export class UpdateRetrainPolicyInput extends RetrainPolicyThresholdsInput {
  @Field(() => ID, { description: 'The policy.' })
  policyId: string;

  @Field({ nullable: true, description: 'Enable or disable it.' })
  enabled?: boolean;

  @Field(() => RetrainDatasetTemplateInput, { nullable: true, description: 'Replaces what a RETRAIN builds.' })
  dataset?: RetrainDatasetTemplateInput;
}

@InputType({ description: 'Delete a policy (its decisions stay).' })
export class DeleteRetrainPolicyInput {
  @Field(() => ID, { description: 'The policy.' })
  policyId: string;
}

@ObjectType({ description: 'The policy as written.' })
export class RetrainPolicyPayload {
  @Field(() => RetrainPolicy, { description: 'The policy.' })
  retrainPolicy: RetrainPolicy;
}

@InputType({ description: 'Evaluate a model version’s policies now and record the decision.' })
export class EvaluateRetrainInput {
  @Field({ description: 'The model version.' })
  modelVersion: string;
}

@ObjectType({ description: 'The recorded decision.' })
export class EvaluateRetrainPayload {
  @Field(() => RetrainDecision, { description: 'RETRAIN (with its dataset version) or WAIT.' })
  retrainDecision: RetrainDecision;
}

@ArgsType()
export class RetrainPoliciesArgs extends ConnectionArgs {
  @Field({ nullable: true, description: 'Only this model version’s policies.' })
  modelVersion?: string;
}

@ArgsType()
export class RetrainDecisionsArgs extends ConnectionArgs {
  @Field({ nullable: true, description: 'Only this model version’s decisions.' })
  modelVersion?: string;
}
