import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { KeepReasonEnum } from './enums';

@InputType({ description: 'One request/response served by a model endpoint. Text is redacted before it is stored.' })
export class LogInferenceInput {
  @Field({ nullable: true, description: 'Idempotency key: the same requestId never creates a second row. Generated if absent.' })
  requestId?: string;

  @Field({ nullable: true, description: 'When the request was served (ISO 8601). Default: now.' })
  ts?: Date;

  @Field()
  modelVersion: string;

  @Field()
  prompt: string;

  @Field()
  response: string;

  @Field(() => Int)
  latencyMs: number;

  @Field({ nullable: true, description: 'The raw user id. Never stored: only its HMAC-SHA-256 under USER_ID_HMAC_KEY.' })
  userId?: string;

  @Field(() => Float, { nullable: true, description: 'Log-probability of the response (≤ 0). Below LOW_CONFIDENCE_LOGPROB keeps the row.' })
  responseLogprob?: number;

  @Field({ nullable: true, description: 'The endpoint flagged this response itself; flagged rows are always kept.' })
  flagged?: boolean;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Free-form JSON object (size-limited); its string values are redacted.' })
  metadata?: Record<string, unknown>;
}

@ObjectType()
export class RedactionCount {
  @Field({ description: 'PII type, e.g. EMAIL, PHONE, SSN, CREDIT_CARD, IP, IBAN' })
  type: string;

  @Field(() => Int)
  count: number;
}

@ObjectType()
export class LogInferenceResult {
  @Field()
  requestId: string;

  @Field(() => [KeepReasonEnum], { description: 'Empty: the row will be compacted after the grace window unless referenced.' })
  keepReasons: KeepReasonEnum[];

  @Field(() => [RedactionCount])
  redactions: RedactionCount[];

  @Field({ description: 'False when this requestId was already stored: nothing was written and the first result is returned.' })
  created: boolean;
}
