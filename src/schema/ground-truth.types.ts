import { Field, Float, InputType, Int, ObjectType, registerEnumType, ArgsType } from 'type-graphql';
import { Node } from './node';

export enum GroundTruthStatusEnum {
  PENDING = 'PENDING',
  MATCH = 'MATCH',
  MISMATCH = 'MISMATCH',
}
registerEnumType(GroundTruthStatusEnum, {
  name: 'GroundTruthStatus',
  description: 'How a report compares with the logged response.',
  valuesConfig: {
    PENDING: { description: 'The log row has not arrived yet; it is compared when it does (within a minute).' },
    MATCH: { description: 'The model was right.' },
    MISMATCH: { description: 'The model was wrong: the entry is tagged prediction_error and the true label is proposed as a correction.' },
  },
});

export enum GroundTruthMatchEnum {
  EXACT = 'EXACT',
  NUMERIC = 'NUMERIC',
}
registerEnumType(GroundTruthMatchEnum, {
  name: 'GroundTruthMatch',
  description: 'How a model line compares ground truth with the logged response.',
  valuesConfig: {
    EXACT: { description: 'Equal after normalisation (NFKC, case, whitespace, trailing punctuation).' },
    NUMERIC: { description: 'The first number of each within the line’s groundTruthTolerance (thousands separators ignored).' },
  },
});

@ObjectType({ implements: Node, description: 'The true outcome of a logged request, reported later.' })
export class GroundTruth extends Node {
  @Field({ description: 'The request it is about.' })
  requestId: string;

  @Field({ description: 'The true outcome, redacted like any text.' })
  expected: string;

  @Field({ description: 'When the outcome was observed.' })
  observedAt: Date;

  @Field({ description: 'When Flywheel received it.' })
  receivedAt: Date;

  @Field({ description: 'The key that reported it.' })
  reportedBy: string;

  @Field(() => GroundTruthStatusEnum, { description: 'PENDING, MATCH or MISMATCH.' })
  status: GroundTruthStatusEnum;

  @Field(() => Date, { nullable: true, description: 'When it was compared.' })
  comparedAt: Date | null;
}

@InputType({ description: 'The true outcome of one logged request.' })
export class ReportGroundTruthInput {
  @Field({ description: 'The request, as logged (it may not be logged yet: the report waits for it).' })
  requestId: string;

  @Field({ description: 'The true outcome (at most MAX_TEXT_CHARS); redacted before it is stored.' })
  expected: string;

  @Field({ nullable: true, description: 'When it was observed. Default: now.' })
  observedAt?: Date;
}

@InputType({ description: 'Up to MAX_BATCH_SIZE reports, all or nothing.' })
export class ReportGroundTruthsInput {
  @Field(() => [ReportGroundTruthInput], { description: 'The reports (each requestId once; at most MAX_BATCH_SIZE, default 1000).' })
  items: ReportGroundTruthInput[];
}

@ObjectType({ description: 'One report as stored.' })
export class GroundTruthResult {
  @Field(() => GroundTruth, { description: 'The report and how it compared.' })
  groundTruth: GroundTruth;

  @Field({ description: 'False when it had been reported before with the same value (a safe retry).' })
  created: boolean;
}

@ObjectType({ description: 'The report as stored.' })
export class ReportGroundTruthPayload {
  @Field(() => GroundTruth, { description: 'The report and how it compared.' })
  groundTruth: GroundTruth;

  @Field({ description: 'False when it had been reported before with the same value (a safe retry).' })
  created: boolean;
}

@ObjectType({ description: 'The reports as stored, in the order sent.' })
export class ReportGroundTruthsPayload {
  @Field(() => [GroundTruthResult], { description: 'One per item.' })
  results: GroundTruthResult[];
}

@ObjectType({ description: 'Live accuracy of one model version in one hour (by the entries’ time).' })
export class AccuracyBucket {
  // The service returns `hour`; the API names every instant `…At` (like IngestStatsBucket and TagCount).
  @Field({ name: 'startsAt', description: 'Start of the hour (UTC).' })
  hour: Date;

  @Field(() => Int, { description: 'Compared ground-truth reports.' })
  labelled: number;

  @Field(() => Int, { description: 'Of which the model was right.' })
  correct: number;

  @Field(() => Float, { description: 'correct / labelled.' })
  accuracy: number;
}

@ArgsType()
export class AccuracyArgs {
  @Field({ description: 'The model version.' })
  modelVersion: string;

  @Field({ description: 'From this instant (inclusive).' })
  from: Date;

  @Field({ description: 'To this instant (exclusive); at most 93 days after from.' })
  to: Date;
}
