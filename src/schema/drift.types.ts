import { Deployment } from './deploy.types';
import { ArgsType, Authorized, Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { Connection, ConnectionArgs } from './connection';
import { Node } from './node';

@InputType({ description: 'A drift monitor’s signal for one model version.' })
export class ReportDriftEventInput {
  @Field({ description: 'The drifting model version.' })
  modelVersion: string;

  @Field({ nullable: true, description: 'When the drift was detected. Default: now.' })
  detectedAt?: Date;

  @Field({ description: 'What was measured, e.g. gold_pass_rate.' })
  metric: string;

  @Field(() => Float, { description: 'The measured value.' })
  value: number;

  @Field(() => Float, { description: 'The threshold it crossed.' })
  threshold: number;

  @Field(() => Float, { nullable: true, description: 'Hours before detectedAt whose rows are tagged drift_window. Default 12, at most 744.' })
  windowHours?: number;
}

@InputType({ description: 'Close a drift event.' })
export class ResolveDriftEventInput {
  @Field(() => ID, { description: 'The drift event’s global id.' })
  driftEventId: string;
}

@ObjectType({ implements: Node, description: 'A drift signal for one model version, and the window of rows it tagged.' })
export class DriftEvent extends Node {
  @Field({ description: 'The drifting model version.' })
  modelVersion: string;

  @Field({ description: 'When the drift was detected; the window ends here.' })
  detectedAt: Date;

  @Field({ description: 'What was measured.' })
  metric: string;

  @Field(() => Float, { description: 'The measured value.' })
  value: number;

  @Field(() => Float, { description: 'The threshold it crossed.' })
  threshold: number;

  @Field(() => Float, { description: 'Hours before detectedAt that were tagged drift_window.' })
  windowHours: number;

  @Field(() => Int, { description: 'Rows this event tagged drift_window (rows an earlier, overlapping event had tagged are not counted again).' })
  taggedCount: number;

  @Field(() => Date, { nullable: true, description: 'When it was resolved; null while open.' })
  resolvedAt: Date | null;

  @Field(() => String, { nullable: true, description: 'The key (or operator) that resolved it.' })
  resolvedBy: string | null;

  @Field({ description: 'While open, new rows of this model version are kept (DRIFT_OPEN).' })
  open: boolean;

  @Field({ description: 'When it was reported.' })
  createdAt: Date;
}

export const DriftEventConnection = Connection(DriftEvent, 'DriftEvent', { totalCount: 'Events matching the filter (a count over a small table).' });

@ObjectType({ description: 'The reported event and the window it tagged.' })
export class ReportDriftEventPayload {
  @Field(() => DriftEvent, { description: 'The new event.' })
  driftEvent: DriftEvent;

  @Field(() => Int, { description: 'Stored rows in the window; all now carry drift_window.' })
  windowRows: number;

  // An ANNOTATE key reports drift but does not read deployments (or the lineage behind them).
  @Authorized('read', 'curate', 'deploy')
  @Field(() => Deployment, {
    nullable: true,
    description:
      'Set when the model version was on probation after a promotion: its line was rolled back automatically (this is the restored deployment). Needs READ, CURATE or DEPLOY, like deployments (null with FORBIDDEN for other keys).',
  })
  rolledBack: Deployment | null;
}

@ObjectType({ description: 'The resolved event.' })
export class ResolveDriftEventPayload {
  @Field(() => DriftEvent, { description: 'The event, now closed.' })
  driftEvent: DriftEvent;
}

@InputType({ description: 'Narrows driftEvents.' })
export class DriftEventFilter {
  @Field({ nullable: true, description: 'Only this model version.' })
  modelVersion?: string;

  @Field({ nullable: true, description: 'true: only open events; false: only resolved ones.' })
  open?: boolean;

  @Field({ nullable: true, description: 'detectedAt ≥ from.' })
  from?: Date;

  @Field({ nullable: true, description: 'detectedAt < to.' })
  to?: Date;
}

@ArgsType()
export class DriftEventsArgs extends ConnectionArgs {
  @Field(() => DriftEventFilter, { nullable: true, description: 'Conditions every returned event meets.' })
  filter?: DriftEventFilter;
}
