import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';

@InputType()
export class ReportDriftEventInput {
  @Field()
  modelVersion: string;

  @Field({ nullable: true, description: 'Default: now.' })
  detectedAt?: Date;

  @Field({ description: 'e.g. gold_pass_rate' })
  metric: string;

  @Field(() => Float)
  value: number;

  @Field(() => Float)
  threshold: number;

  @Field(() => Float, { nullable: true, description: 'Hours before detectedAt whose rows are tagged drift_window. Default 12.' })
  windowHours?: number;
}

@ObjectType()
export class DriftEvent {
  @Field(() => ID)
  id: string;

  @Field()
  modelVersion: string;

  @Field()
  detectedAt: Date;

  @Field()
  metric: string;

  @Field(() => Float)
  value: number;

  @Field(() => Float)
  threshold: number;

  @Field(() => Float)
  windowHours: number;

  @Field(() => Int, { description: 'Rows this event tagged drift_window (rows an earlier, overlapping event had tagged are not counted again).' })
  taggedCount: number;

  @Field(() => Int, { nullable: true, description: 'Stored rows in the window; all now carry drift_window. Only on reportDriftEvent.' })
  windowRows?: number;

  @Field(() => Date, { nullable: true })
  resolvedAt: Date | null;

  @Field(() => String, { nullable: true })
  resolvedBy: string | null;

  @Field({ description: 'While open, new rows of this model version are kept (DRIFT_OPEN).' })
  open: boolean;
}

@InputType()
export class DriftEventFilter {
  @Field({ nullable: true })
  modelVersion?: string;

  @Field({ nullable: true })
  open?: boolean;

  @Field({ nullable: true })
  from?: Date;

  @Field({ nullable: true })
  to?: Date;
}
