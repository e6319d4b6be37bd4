import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { FeedbackKindEnum, FeedbackTargetEnum } from './enums';

@InputType()
export class SubmitFeedbackInput {
  @Field()
  requestId: string;

  @Field(() => FeedbackKindEnum)
  kind: FeedbackKindEnum;

  @Field(() => Int, { nullable: true, description: '1–5; required for RATING.' })
  rating?: number;

  @Field({ nullable: true, description: 'Redacted like prompts before it is stored.' })
  comment?: string;

  @Field({ nullable: true, description: 'Raw user id; only its HMAC is stored.' })
  userId?: string;

  @Field({ nullable: true, description: 'Idempotency key: the same id never records a second feedback.' })
  clientFeedbackId?: string;
}

@ObjectType()
export class SubmitFeedbackResult {
  @Field(() => ID)
  id: string;

  @Field({ description: 'The log row exists: the feedback is attached to it.' })
  linked: boolean;

  @Field(() => FeedbackTargetEnum, { description: 'COMPACTED: the row was already deleted by the sampling budget (counted in reviewStats).' })
  target: FeedbackTargetEnum;

  @Field({ description: 'False when clientFeedbackId was seen before: nothing new was written.' })
  created: boolean;
}

@ObjectType('Feedback')
export class FeedbackView {
  @Field(() => ID)
  id: string;

  @Field(() => FeedbackKindEnum)
  kind: FeedbackKindEnum;

  @Field(() => Int, { nullable: true })
  rating: number | null;

  @Field(() => String, { nullable: true })
  comment: string | null;

  @Field(() => FeedbackTargetEnum)
  targetState: FeedbackTargetEnum;

  @Field()
  createdAt: Date;
}
