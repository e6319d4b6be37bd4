import { ArgsType, Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { CorrectionSourceEnum, CorrectionStatusEnum } from './enums';
import { LogEntry, PageInfo } from './log-entry.types';

@ObjectType()
export class ReviewItem {
  @Field()
  requestId: string;

  @Field(() => Int, { description: '0 user_negative, 1 drift_window, 2 low_confidence, 3 other review tags' })
  priority: number;

  @Field({ description: 'The tag that gives the priority.' })
  reason: string;

  @Field(() => String, { nullable: true })
  claimedBy: string | null;

  @Field(() => Date, { nullable: true })
  leaseExpiresAt: Date | null;

  @Field(() => LogEntry, { nullable: true, description: 'Null while the log row has not arrived (feedback came first).' })
  entry?: LogEntry | null;
}

@ObjectType()
export class ReviewItemEdge {
  @Field()
  cursor: string;

  @Field(() => ReviewItem)
  node: ReviewItem;
}

@ObjectType()
export class ReviewItemConnection {
  @Field(() => [ReviewItemEdge])
  edges: ReviewItemEdge[];

  @Field(() => PageInfo)
  pageInfo: PageInfo;
}

@InputType()
export class ReviewQueueFilter {
  @Field(() => [String], { nullable: true, description: 'Only items whose reason is one of these tags.' })
  reasons?: string[];

  @Field({ nullable: true, description: 'Include items currently claimed (leased) by an annotator.' })
  includeClaimed?: boolean;
}

@ArgsType()
export class ReviewQueueArgs {
  @Field(() => ReviewQueueFilter, { nullable: true })
  filter?: ReviewQueueFilter;

  @Field(() => Int, { nullable: true })
  first?: number;

  @Field(() => String, { nullable: true })
  after?: string;
}

@ObjectType()
export class ReasonCount {
  @Field()
  reason: string;

  @Field(() => Int)
  count: number;
}

@ObjectType()
export class ReviewStats {
  @Field(() => Int, { description: 'Waiting and unclaimed.' })
  open: number;

  @Field(() => Int, { description: 'Held by an annotator under an unexpired lease.' })
  claimed: number;

  @Field(() => Int, { description: 'Resolved by an accepted correction.' })
  done: number;

  @Field(() => [ReasonCount], { description: 'Queue depth (open + claimed) by reason.' })
  byReason: ReasonCount[];

  @Field(() => Int)
  proposedCorrections: number;

  @Field(() => Int)
  acceptedCorrections: number;

  @Field(() => Int)
  rejectedCorrections: number;

  @Field(() => Int, { description: 'Normalised prompts with conflicting accepted corrections.' })
  labelConflicts: number;

  @Field(() => Int, { description: 'Feedback that arrived after its row had been compacted.' })
  feedbackOnCompacted: number;
}

@InputType()
export class SubmitCorrectionInput {
  @Field()
  requestId: string;

  @Field({ description: 'The completion the model should have produced; redacted like any text.' })
  completion: string;

  @Field(() => CorrectionSourceEnum)
  source: CorrectionSourceEnum;

  @Field()
  annotator: string;

  @Field(() => Float, { nullable: true, description: '0–1; required for MODEL. MODEL corrections ≥ AUTO_ACCEPT_CONFIDENCE are accepted automatically.' })
  confidence?: number;
}

@ObjectType('Correction')
export class CorrectionView {
  @Field(() => ID)
  id: string;

  @Field()
  requestId: string;

  @Field()
  completion: string;

  @Field(() => CorrectionSourceEnum)
  source: CorrectionSourceEnum;

  @Field()
  annotator: string;

  @Field(() => Float, { nullable: true })
  confidence: number | null;

  @Field(() => CorrectionStatusEnum)
  status: CorrectionStatusEnum;

  @Field(() => String, { nullable: true })
  reviewedBy: string | null;

  @Field(() => Date, { nullable: true })
  reviewedAt: Date | null;

  @Field()
  createdAt: Date;

  @Field({ description: 'Another accepted correction of the same normalised prompt says something different.' })
  conflict: boolean;
}

@ObjectType()
export class LabelConflict {
  @Field({ description: 'SHA-256 of the normalised prompt.' })
  promptKey: string;

  @Field(() => [CorrectionView])
  corrections: CorrectionView[];
}
