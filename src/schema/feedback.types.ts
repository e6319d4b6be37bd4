import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { FeedbackKindEnum, FeedbackTargetEnum } from './enums';
import { LogEntry } from './log-entry.types';
import { Node } from './node';

@InputType({ description: 'A user’s reaction to one response, from a feedback button.' })
export class SubmitFeedbackInput {
  @Field({ description: 'The requestId the endpoint logged (it may not be logged yet).' })
  requestId: string;

  @Field(() => FeedbackKindEnum, { description: 'What the user did.' })
  kind: FeedbackKindEnum;

  @Field(() => Int, { nullable: true, description: '1–5; required for RATING.' })
  rating?: number;

  @Field({ nullable: true, description: 'Free text (at most 4000 characters), redacted like prompts before it is stored.' })
  comment?: string;

  @Field({ nullable: true, description: 'Raw user id; only its HMAC is stored.' })
  userId?: string;

  @Field({ nullable: true, description: 'Idempotency key chosen by the client: the same id never records a second feedback.' })
  clientFeedbackId?: string;
}

@ObjectType('Feedback', { implements: Node, description: 'A user’s reaction to one response.' })
export class FeedbackView extends Node {
  @Field({ description: 'The requestId it is about.' })
  requestId: string;

  @Field(() => FeedbackKindEnum, { description: 'What the user did.' })
  kind: FeedbackKindEnum;

  @Field(() => Int, { nullable: true, description: '1–5 for RATING.' })
  rating: number | null;

  @Field(() => String, { nullable: true, description: 'The comment, redacted.' })
  comment: string | null;

  @Field(() => FeedbackTargetEnum, { description: 'The log row when the feedback arrived.' })
  targetState: FeedbackTargetEnum;

  @Field({ description: 'When it was recorded.' })
  createdAt: Date;
}

@ObjectType({
  description:
    'What submitFeedback recorded. A FEEDBACK-only key sees only `feedbackId` and `created`: nothing that tells whether a requestId was logged.',
})
export class SubmitFeedbackPayload {
  @Field(() => ID, { description: 'Global id of the feedback (new, or the first one with this clientFeedbackId).' })
  feedbackId: string;

  @Field({ description: 'False when clientFeedbackId was seen before: nothing new was written.' })
  created: boolean;

  @Field(() => FeedbackView, { nullable: true, description: 'The feedback; null unless the key may READ.' })
  feedback: FeedbackView | null;

  @Field(() => LogEntry, { nullable: true, description: 'The entry it is attached to, with its tags now; null unless the key may READ, or while the entry is not stored.' })
  logEntry: LogEntry | null;
}
