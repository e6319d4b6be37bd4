import { ArgsType, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection, ConnectionArgs } from './connection';
import { Node } from './node';
import { GroundTruthMatchEnum } from './ground-truth.types';

export enum TrainingRunStatusEnum {
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}
registerEnumType(TrainingRunStatusEnum, {
  name: 'TrainingRunStatus',
  description: 'Where a training run stands.',
  valuesConfig: {
    RUNNING: { description: 'Registered and training (the initial status).' },
    SUCCEEDED: { description: 'Finished; its candidate can be evaluated and promoted.' },
    FAILED: { description: 'Finished without a usable candidate.' },
  },
});

export enum GateDirectionEnum {
  HIGHER_IS_BETTER = 'HIGHER_IS_BETTER',
  LOWER_IS_BETTER = 'LOWER_IS_BETTER',
}
registerEnumType(GateDirectionEnum, {
  name: 'GateDirection',
  description: 'Which way a metric improves.',
  valuesConfig: {
    HIGHER_IS_BETTER: { description: 'Pass at or above the threshold (accuracy, pass rate).' },
    LOWER_IS_BETTER: { description: 'Pass at or below the threshold (toxicity, latency, error rate).' },
  },
});

export enum DeploymentKindEnum {
  ADOPTED = 'ADOPTED',
  PROMOTED = 'PROMOTED',
  ROLLED_BACK = 'ROLLED_BACK',
}
registerEnumType(DeploymentKindEnum, {
  name: 'DeploymentKind',
  description: 'How a version came to be deployed.',
  valuesConfig: {
    ADOPTED: { description: 'In production before Flywheel (no training run).' },
    PROMOTED: { description: 'A training run’s candidate whose promotion decision was PROMOTE.' },
    ROLLED_BACK: { description: 'Restored by a rollback (by hand, or automatically during probation).' },
  },
});

export enum PromotionOutcomeEnum {
  PROMOTE = 'PROMOTE',
  REJECT = 'REJECT',
}
registerEnumType(PromotionOutcomeEnum, {
  name: 'PromotionOutcome',
  description: 'Whether a candidate may ship.',
  valuesConfig: {
    PROMOTE: { description: 'Every required and inherited gate passes, and no gate regresses beyond its tolerance.' },
    REJECT: { description: 'At least one reason blocks it (see reasons, gate by gate).' },
  },
});

@ObjectType({ implements: Node, description: 'A model line (e.g. qwen-pii): its versions are what endpoints log as modelVersion; one is deployed at a time.' })
export class ModelLine extends Node {
  @Field({ description: 'The line’s name.' })
  name: string;

  @Field(() => Float, { nullable: true, description: 'Hours a promoted version stays on probation (automatic rollback); null → PROBATION_HOURS.' })
  probationHours: number | null;

  @Field(() => GroundTruthMatchEnum, { description: 'How ground truth is compared with its versions’ responses.' })
  groundTruthMatch: GroundTruthMatchEnum;

  @Field(() => Float, { description: 'NUMERIC: the largest difference that still matches.' })
  groundTruthTolerance: number;

  @Field(() => Int, { nullable: true, description: 'Days raw log rows of its versions are kept before the retention job deletes them (dataset members, referenced rows and open drift evidence excepted); 0 = forever; null → RETENTION_DAYS.' })
  rawLogRetentionDays: number | null;

  @Field({ description: 'The key that created it.' })
  createdBy: string;

  @Field({ description: 'When it was created.' })
  createdAt: Date;
}

export const ModelLineConnection = Connection(ModelLine, 'ModelLine', { totalCount: 'Lines.' });

@ObjectType({ implements: Node, description: 'A model version (as endpoints log it) in its line.' })
export class ModelVersion extends Node {
  @Field({ description: 'The version’s name, e.g. qwen-pii-v7.' })
  name: string;

  @Field({ description: 'Its model line’s name.' })
  modelLine: string;

  @Field({ description: 'When Flywheel first recorded it.' })
  createdAt: Date;
}

@ObjectType({ implements: Node, description: 'A training run: a dataset version and a base model version produce a candidate model version.' })
export class TrainingRun extends Node {
  @Field({ description: 'The version it started from.' })
  baseModelVersion: string;

  @Field({ description: 'The version it produces.' })
  candidateModelVersion: string;

  @Field({ description: 'The line both belong to.' })
  modelLine: string;

  @Field(() => TrainingRunStatusEnum, { description: 'RUNNING, SUCCEEDED or FAILED.' })
  status: TrainingRunStatusEnum;

  @Field(() => String, { nullable: true, description: 'Where the run lives in your training system.' })
  externalUrl: string | null;

  @Field({ description: 'The key that registered it.' })
  createdBy: string;

  @Field({ description: 'When it was registered.' })
  createdAt: Date;

  @Field({ description: 'When its status last changed.' })
  updatedAt: Date;
}

export const TrainingRunConnection = Connection(TrainingRun, 'TrainingRun', { totalCount: 'Runs in this list (all pages).' });

@ObjectType({ implements: Node, description: 'A named metric candidates of a model line are judged on.' })
export class EvalGate extends Node {
  @Field({ description: 'The model line.' })
  modelLine: string;

  @Field({ description: 'The metric’s name, e.g. gold_pass_rate.' })
  name: string;

  @Field(() => GateDirectionEnum, { description: 'Which way it improves.' })
  direction: GateDirectionEnum;

  @Field(() => Float, { description: 'The score a candidate must reach.' })
  threshold: number;

  @Field(() => Float, { description: 'How far a candidate may fall behind the deployed version’s score.' })
  tolerance: number;

  @Field({ description: 'Required gates bind every candidate; the others bind once a deployed version has passed them.' })
  required: boolean;

  @Field({ description: 'When it was last changed.' })
  updatedAt: Date;
}

export const EvalGateConnection = Connection(EvalGate, 'EvalGate', { totalCount: 'Gates of the line.' });

@ObjectType({ implements: Node, description: 'One recorded score of a model version on a gate.' })
export class Evaluation extends Node {
  @Field({ description: 'The version scored.' })
  modelVersion: string;

  @Field({ description: 'The gate.' })
  gate: string;

  @Field(() => Float, { description: 'The score.' })
  value: number;

  @Field({ description: 'The key that recorded it.' })
  recordedBy: string;

  @Field({ description: 'When.' })
  recordedAt: Date;
}

export const EvaluationConnection = Connection(Evaluation, 'Evaluation', { totalCount: 'Scores in this list (all pages).' });

@ObjectType({ implements: Node, description: 'A model version in production for its line, from deployedAt until endedAt.' })
export class Deployment extends Node {
  @Field({ description: 'The line.' })
  modelLine: string;

  @Field({ description: 'The deployed version.' })
  modelVersion: string;

  @Field(() => DeploymentKindEnum, { description: 'ADOPTED, PROMOTED or ROLLED_BACK.' })
  kind: DeploymentKindEnum;

  @Field({ description: 'Why: the promotion, or the rollback’s reason (automatic ones say what triggered them).' })
  reason: string;

  @Field({ description: 'The key (or "flywheel" for an automatic rollback) that deployed it.' })
  deployedBy: string;

  @Field({ description: 'When it went live.' })
  deployedAt: Date;

  // Stored as probation_until; the API names every instant `…At`.
  @Field(() => Date, { name: 'probationEndsAt', nullable: true, description: 'When its probation ends: until then a drift event or a worse gold-set result rolls it back automatically (null: no probation, e.g. adopted or restored).' })
  probationUntil: Date | null;

  @Field(() => Date, { nullable: true, description: 'When it stopped being deployed (null: deployed now).' })
  endedAt: Date | null;

  @Field(() => String, { nullable: true, description: 'Why it stopped: replaced by a promotion, or rolled back (and why).' })
  endReason: string | null;
}

export const DeploymentConnection = Connection(Deployment, 'Deployment', { totalCount: 'Deployments in this list (all pages).' });

@ObjectType({ description: 'One gate’s verdict on a candidate.' })
export class GateVerdict {
  @Field({ description: 'The gate.' })
  gate: string;

  @Field({ description: 'A required gate.' })
  required: boolean;

  @Field({ description: 'The deployed version passed it, so the candidate must too.' })
  inherited: boolean;

  @Field(() => GateDirectionEnum, { description: 'Which way it improves.' })
  direction: GateDirectionEnum;

  @Field(() => Float, { description: 'The threshold applied (the stricter of today’s and the deployment’s).' })
  threshold: number;

  @Field(() => Float, { description: 'Allowed shortfall against the deployed score.' })
  tolerance: number;

  @Field(() => Float, { nullable: true, description: 'The candidate’s latest score.' })
  candidateValue: number | null;

  @Field(() => Float, { nullable: true, description: 'The deployed version’s latest score.' })
  deployedValue: number | null;

  @Field({ description: 'Whether this gate lets it through.' })
  passed: boolean;

  @Field({ description: 'Why, with the numbers.' })
  reason: string;
}

@ObjectType({ description: 'Whether a training run’s candidate may be promoted, computed on the spot (nothing written).' })
export class PromotionDecision {
  @Field(() => PromotionOutcomeEnum, { description: 'PROMOTE or REJECT.' })
  outcome: PromotionOutcomeEnum;

  @Field({ description: 'The candidate model version.' })
  candidateModelVersion: string;

  @Field(() => String, { nullable: true, description: 'The version deployed now on the line (null: none yet).' })
  deployedModelVersion: string | null;

  @Field({ description: 'The model line.' })
  modelLine: string;

  @Field(() => [String], { description: 'One line per gate (and per blocking condition), with the numbers.' })
  reasons: string[];

  @Field(() => [GateVerdict], { description: 'Gate by gate.' })
  gates: GateVerdict[];
}

@InputType({ description: 'Create a model line, or change it (fields left out keep their values).' })
export class SaveModelLineInput {
  @Field({ description: 'The line’s name.' })
  name: string;

  @Field(() => Float, { nullable: true, description: 'Probation hours for promoted versions (0–2160); null → PROBATION_HOURS.' })
  probationHours?: number;

  @Field(() => GroundTruthMatchEnum, { nullable: true, description: 'How ground truth is compared (default EXACT).' })
  groundTruthMatch?: GroundTruthMatchEnum;

  @Field(() => Float, { nullable: true, description: 'NUMERIC: the largest difference that still matches (default 0).' })
  groundTruthTolerance?: number;

  @Field(() => Int, { nullable: true, description: 'Raw-log retention of the line’s versions in days (0–36500; 0 = keep forever). Left out: unchanged (a new line: RETENTION_DAYS).' })
  rawLogRetentionDays?: number;
}

@ObjectType({ description: 'The line as saved.' })
export class ModelLinePayload {
  @Field(() => ModelLine, { description: 'The line.' })
  modelLine: ModelLine;
}

@InputType({ description: 'Record the version already in production when Flywheel is adopted (no training run).' })
export class AdoptDeploymentInput {
  @Field({ description: 'The model line (created if new).' })
  modelLine: string;

  @Field({ description: 'The version in production.' })
  modelVersion: string;

  @Field({ nullable: true, description: 'Why (default "in production before Flywheel").' })
  reason?: string;
}

@ObjectType({ description: 'Every object a deployment change touched, as it is now, so a normalising client cache updates without a refetch.' })
export class DeploymentPayload {
  @Field(() => Deployment, { description: 'The new current deployment of the line.' })
  deployment: Deployment;

  @Field(() => Deployment, {
    nullable: true,
    description: 'The deployment this change ended, now with its endedAt and endReason: the one a promotion replaced, or the one a rollback rolled back; null for adoptDeployment (nothing was live).',
  })
  endedDeployment: Deployment | null;

  @Field(() => ModelLine, { description: 'The model line, whose `deployed` is now `deployment`.' })
  modelLine: ModelLine;
}

@InputType({ description: 'A training run your pipeline started.' })
export class RegisterTrainingRunInput {
  @Field(() => ID, { description: 'The READY dataset version it trains on.' })
  datasetVersionId: string;

  @Field({ description: 'The model version it starts from (must be in a model line).' })
  baseModelVersion: string;

  @Field({ description: 'The new model version it produces (joins the base’s line).' })
  candidateModelVersion: string;

  @Field({ nullable: true, description: 'Where the run lives in your training system (http or https).' })
  externalUrl?: string;
}

@InputType({ description: 'Report a training run’s progress.' })
export class UpdateTrainingRunInput {
  @Field(() => ID, { description: 'The run.' })
  runId: string;

  @Field(() => TrainingRunStatusEnum, { description: 'SUCCEEDED or FAILED (RUNNING again is a no-op).' })
  status: TrainingRunStatusEnum;

  @Field({ nullable: true, description: 'Set or change the link to the run.' })
  externalUrl?: string;
}

@ObjectType({ description: 'The run as written.' })
export class TrainingRunPayload {
  @Field(() => TrainingRun, { description: 'The run.' })
  trainingRun: TrainingRun;
}

@InputType({ description: 'Create or change an eval gate of a model line.' })
export class SaveEvalGateInput {
  @Field({ description: 'The model line.' })
  modelLine: string;

  @Field({ description: 'The metric’s name (1–64 of a-z 0-9 _ . : -).' })
  name: string;

  @Field(() => GateDirectionEnum, { description: 'Which way it improves.' })
  direction: GateDirectionEnum;

  @Field(() => Float, { description: 'The score a candidate must reach.' })
  threshold: number;

  @Field(() => Float, { nullable: true, description: 'Allowed shortfall against the deployed version’s score (default 0).' })
  tolerance?: number;

  @Field({ nullable: true, description: 'Default true.' })
  required?: boolean;
}

@ObjectType({ description: 'The gate as saved.' })
export class EvalGatePayload {
  @Field(() => EvalGate, { description: 'The gate.' })
  evalGate: EvalGate;
}

@InputType({ description: 'Delete an eval gate (deployments that passed it keep binding their successors to it).' })
export class DeleteEvalGateInput {
  @Field(() => ID, { description: 'The gate.' })
  evalGateId: string;
}

@InputType({ description: 'One score.' })
export class EvaluationResultInput {
  @Field({ description: 'A gate of the version’s model line.' })
  gate: string;

  @Field(() => Float, { description: 'The score.' })
  value: number;
}

@InputType({ description: 'Scores for a training run’s candidate, or for a model version directly (e.g. a gold-set run on the deployed version).' })
export class RecordEvaluationInput {
  @Field(() => ID, { nullable: true, description: 'The training run whose candidate was scored.' })
  runId?: string;

  @Field({ nullable: true, description: 'Or: the model version scored.' })
  modelVersion?: string;

  @Field(() => [EvaluationResultInput], { description: '1–100 scores.' })
  results: EvaluationResultInput[];
}

@ObjectType({ description: 'The scores recorded, and the rollback they caused, if any.' })
export class RecordEvaluationPayload {
  @Field(() => [Evaluation], { description: 'The recorded scores.' })
  evaluations: Evaluation[];

  @Field(() => Deployment, { nullable: true, description: 'Set when a result for a version on probation rolled its line back.' })
  rolledBack: Deployment | null;
}

@InputType({ description: 'Deploy a training run’s candidate (only when its promotion decision is PROMOTE).' })
export class PromoteInput {
  @Field(() => ID, { description: 'The training run.' })
  runId: string;

  @Field({ nullable: true, description: 'A note for the deployment history.' })
  reason?: string;
}

@InputType({ description: 'Restore the deployment the current one replaced.' })
export class RollbackInput {
  @Field({ description: 'The model line.' })
  modelLine: string;

  @Field({ description: 'Why (kept in the deployment history).' })
  reason: string;
}

@ArgsType()
export class TrainingRunsArgs extends ConnectionArgs {
  @Field({ nullable: true, description: 'Only runs of this model line.' })
  modelLine?: string;

  @Field(() => ID, { nullable: true, description: 'Only runs on this dataset version.' })
  datasetVersionId?: string;
}

@ArgsType()
export class DeploymentsArgs extends ConnectionArgs {
  @Field({ description: 'The model line.' })
  modelLine: string;
}

@ArgsType()
export class EvalGatesArgs extends ConnectionArgs {
  @Field({ description: 'The model line.' })
  modelLine: string;
}
