import { ArgsType, Authorized, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Connection, ConnectionArgs } from './connection';
import { CorrectionSourceEnum, CorrectionStatusEnum } from './enums';
import { LogEntry } from './log-entry.types';
import { Node } from './node';

export enum ReviewStatusEnum {
  OPEN = 'OPEN',
  DONE = 'DONE',
}
registerEnumType(ReviewStatusEnum, {
  name: 'ReviewStatus',
  description: 'Whether a review item still needs work.',
  valuesConfig: {
    OPEN: { description: 'Waiting in the queue (possibly claimed).' },
    DONE: { description: 'Resolved by an accepted correction.' },
  },
});

const ON_BEHALF_DESCRIPTION = 'ADMIN keys only: the operator this is done for. Other keys act as themselves (the key name).';

@ObjectType({ implements: Node, description: 'An entry in the review queue (one per log entry).' })
export class ReviewItem extends Node {
  @Field({ description: 'The log entry’s requestId.' })
  requestId: string;

  @Field(() => ReviewStatusEnum, { description: 'OPEN until an accepted correction makes it DONE.' })
  status: ReviewStatusEnum;

  @Field(() => Int, { description: '0 user_negative, 1 drift_window, 2 low_confidence, 3 other review tags.' })
  priority: number;

  @Field({ description: 'The tag that gives the priority.' })
  reason: string;

  @Field(() => String, { nullable: true, description: 'Who holds the claim (an expired lease still shows its last holder).' })
  claimedBy: string | null;

  @Field(() => Date, { nullable: true, description: 'When the current claim lapses and the item returns to the queue.' })
  leaseExpiresAt: Date | null;

  @Field(() => LogEntry, { nullable: true, description: 'The entry; null while its log row has not arrived (feedback came first).' })
  entry?: LogEntry | null;
}

export const ReviewItemConnection = Connection(ReviewItem, 'ReviewItem', {
  totalCount: 'Items matching the filter (a count over the queue’s own index).',
});

@InputType({ description: 'Narrows the review queue.' })
export class ReviewQueueFilter {
  @Field(() => [String], { nullable: true, description: 'Only items whose reason is one of these tags (at most 100).' })
  reasons?: string[];

  @Field({ nullable: true, description: 'Include items currently claimed (leased) by someone.' })
  includeClaimed?: boolean;
}

@ArgsType()
export class ReviewQueueArgs extends ConnectionArgs {
  @Field(() => ReviewQueueFilter, { nullable: true, description: 'Conditions every returned item meets.' })
  filter?: ReviewQueueFilter;
}

@ObjectType({ description: 'Queue depth for one reason.' })
export class ReasonCount {
  @Field({ description: 'The tag that gives the items their priority.' })
  reason: string;

  @Field(() => Int, { description: 'Open items (claimed or not) with this reason.' })
  count: number;
}

@ObjectType({ description: 'Review queue and correction totals.' })
export class ReviewStats {
  @Field(() => Int, { description: 'Waiting and unclaimed.' })
  open: number;

  @Field(() => Int, { description: 'Held by someone under an unexpired lease.' })
  claimed: number;

  @Field(() => Int, { description: 'Resolved by an accepted correction.' })
  done: number;

  @Field(() => [ReasonCount], { description: 'Queue depth (open + claimed) by reason.' })
  byReason: ReasonCount[];

  @Field(() => Int, { description: 'MODEL corrections waiting for a human.' })
  proposedCorrections: number;

  @Field(() => Int, { description: 'Accepted corrections.' })
  acceptedCorrections: number;

  @Field(() => Int, { description: 'Rejected corrections.' })
  rejectedCorrections: number;

  @Field(() => Int, { description: 'Normalised prompts with conflicting accepted corrections.' })
  labelConflicts: number;

  @Field(() => Int, { description: 'Feedback that arrived after its row had been compacted: what the sampling budget threw away.' })
  feedbackOnCompacted: number;
}

@InputType({ description: 'Claim review items under a lease (REVIEW_LEASE_MINUTES).' })
export class ClaimReviewItemsInput {
  @Field(() => Int, { nullable: true, description: 'Claim up to this many of the most urgent free items (1–100). Default 10 unless requestIds is given.' })
  count?: number;

  @Field(() => [String], { nullable: true, description: 'Claim these entries instead (those free and open; at most 100).' })
  requestIds?: string[];

  @Field({ nullable: true, description: ON_BEHALF_DESCRIPTION })
  onBehalfOf?: string;
}

@ObjectType({ description: 'The items now held by the caller.' })
export class ClaimReviewItemsPayload {
  @Field(() => [ReviewItem], { description: 'Claimed items, most urgent first; no item is handed to two claimants.' })
  items: ReviewItem[];
}

@InputType({ description: 'Give claims back to the queue.' })
export class ReleaseReviewItemsInput {
  @Field(() => [String], { description: 'Entries whose claims (held by the caller) to release (1–10 000 requestIds).' })
  requestIds: string[];

  @Field({ nullable: true, description: ON_BEHALF_DESCRIPTION })
  onBehalfOf?: string;
}

@ObjectType({ description: 'What releaseReviewItems changed.' })
export class ReleaseReviewItemsPayload {
  @Field(() => [ReviewItem], { description: 'The items released, as they are now.' })
  items: ReviewItem[];

  @Field(() => Int, { description: 'How many claims were released.' })
  releasedCount: number;
}

@InputType({
  description:
    'The completion the model should have produced. An ANNOTATE key writes an OPERATOR correction (accepted); a MODEL_LABEL key a MODEL one (routed by confidence). An entry waiting in the review queue needs the caller’s claim.',
})
export class SubmitCorrectionInput {
  @Field({ description: 'The corrected entry.' })
  requestId: string;

  @Field({ description: 'The completion the model should have produced (at most MAX_TEXT_CHARS); redacted like any text.' })
  completion: string;

  @Field(() => Float, { nullable: true, description: '0–1; required from MODEL_LABEL keys. MODEL corrections ≥ AUTO_ACCEPT_CONFIDENCE are accepted automatically.' })
  confidence?: number;

  @Field({ nullable: true, description: ON_BEHALF_DESCRIPTION })
  onBehalfOf?: string;
}

@ObjectType('Correction', { implements: Node, description: 'A correction of one entry, with its annotation metadata.' })
export class CorrectionView extends Node {
  @Field({ description: 'The corrected entry.' })
  requestId: string;

  @Field({ description: 'The completion the model should have produced, redacted.' })
  completion: string;

  @Field(() => CorrectionSourceEnum, { description: 'OPERATOR (a human) or MODEL (a labelling model).' })
  source: CorrectionSourceEnum;

  @Field({ description: 'Who wrote it: the submitting key’s name, or the operator an ADMIN acted for.' })
  annotator: string;

  @Field(() => Float, { nullable: true, description: 'The labeller’s confidence, 0–1.' })
  confidence: number | null;

  @Field(() => CorrectionStatusEnum, { description: 'Where it stands.' })
  status: CorrectionStatusEnum;

  @Field(() => String, { nullable: true, description: 'Who accepted or rejected it.' })
  reviewedBy: string | null;

  @Field(() => Date, { nullable: true, description: 'When it was accepted or rejected.' })
  reviewedAt: Date | null;

  @Field({ description: 'When it was submitted.' })
  createdAt: Date;

  @Field({ description: 'Another accepted correction of the same normalised prompt says something different.' })
  conflict: boolean;
}

@ObjectType({ description: 'What submitCorrection changed.' })
export class SubmitCorrectionPayload {
  @Field(() => CorrectionView, { description: 'The new correction.' })
  correction: CorrectionView;

  @Field(() => ReviewItem, { nullable: true, description: 'The entry’s review item as it is now (DONE when the correction was accepted); null if it was never queued.' })
  reviewItem: ReviewItem | null;

  // Any stored entry may be corrected, not only one the key reached through its review item: like the
  // tag payloads, the entry itself needs READ.
  @Authorized('read')
  @Field(() => LogEntry, {
    nullable: true,
    description: 'The corrected entry with its corrections now. Needs READ, like logEntry: null (with FORBIDDEN) for other keys; the review item’s `entry` stays readable to its claimant.',
  })
  logEntry: LogEntry | null;
}

@InputType({ description: 'Accept a correction. Nobody accepts their own.' })
export class AcceptCorrectionInput {
  @Field(() => ID, { description: 'The correction’s global id.' })
  correctionId: string;

  @Field({ nullable: true, description: ON_BEHALF_DESCRIPTION })
  onBehalfOf?: string;
}

@InputType({ description: 'Reject a correction.' })
export class RejectCorrectionInput extends AcceptCorrectionInput {}

@ObjectType({ description: 'The reviewed correction and the review item it moved.' })
export class ReviewCorrectionPayload {
  @Field(() => CorrectionView, { description: 'The correction as it is now.' })
  correction: CorrectionView;

  @Field(() => ReviewItem, { nullable: true, description: 'The entry’s review item as it is now; null if it was never queued.' })
  reviewItem: ReviewItem | null;
}

@ObjectType({ implements: Node, description: 'Accepted corrections of one normalised prompt that disagree.' })
export class LabelConflict extends Node {
  @Field({ description: 'SHA-256 of the normalised prompt (NFKC, case, whitespace, trailing punctuation).' })
  promptKey: string;

  @Field(() => [CorrectionView], { description: 'The accepted corrections of that prompt, oldest first.' })
  corrections: CorrectionView[];
}

export const LabelConflictConnection = Connection(LabelConflict, 'LabelConflict', {
  totalCount: 'Normalised prompts in conflict (a grouped count over accepted corrections).',
});
