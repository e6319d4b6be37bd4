import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';
import { KeepReasonEnum, PiiTypeEnum } from './enums';
import { JSONObject } from './scalars';

@InputType({ description: 'One request/response served by a model endpoint. Text is redacted before it is stored.' })
export class LogInferenceInput {
  @Field({ nullable: true, description: 'Idempotency key: the same requestId never creates a second row. Generated if absent.' })
  requestId?: string;

  @Field({ nullable: true, description: 'When the request was served. Default: now.' })
  occurredAt?: Date;

  @Field({ description: 'The model version that answered (1–200 characters).' })
  modelVersion: string;

  @Field({ description: 'The prompt (at most MAX_TEXT_CHARS); redacted before storage.' })
  prompt: string;

  @Field({ description: 'The response (at most MAX_TEXT_CHARS); redacted before storage.' })
  response: string;

  @Field(() => Int, { description: 'Time to answer, in milliseconds (0–86 400 000).' })
  latencyMs: number;

  @Field({ nullable: true, description: 'The raw user id. Never stored: only its HMAC-SHA-256 under USER_ID_HMAC_KEY.' })
  userId?: string;

  @Field(() => Float, { nullable: true, description: 'Log-probability of the response (≤ 0). Below LOW_CONFIDENCE_LOGPROB keeps the row.' })
  responseLogprob?: number;

  @Field({ nullable: true, description: 'The endpoint flagged this response itself; flagged rows are always kept.' })
  flagged?: boolean;

  @Field(() => JSONObject, { nullable: true, description: 'Free-form JSON object (at most MAX_METADATA_BYTES); its string values are redacted.' })
  metadata?: Record<string, unknown>;
}

@InputType({ description: 'A batch of inferences, stored all-or-nothing.' })
export class LogInferencesInput {
  @Field(() => [LogInferenceInput], { description: 'At most MAX_BATCH_SIZE (default 1000) items.' })
  items: LogInferenceInput[];
}

@ObjectType({ description: 'How many placeholders of one PII type the redactor wrote.' })
export class RedactionCount {
  @Field(() => PiiTypeEnum, { description: 'The kind of data replaced.' })
  type: PiiTypeEnum;

  @Field(() => Int, { description: 'How many occurrences were replaced.' })
  count: number;
}

@ObjectType({ description: 'The outcome of logging one inference.' })
export class LogInferencePayload {
  @Field({ description: 'The stored (or generated) requestId.' })
  requestId: string;

  @Field(() => [KeepReasonEnum], { description: 'Empty: the row will be compacted after the grace window unless referenced.' })
  keepReasons: KeepReasonEnum[];

  @Field(() => [RedactionCount], { description: 'What the redactor replaced before storage (empty on a replay after compaction).' })
  redactions: RedactionCount[];

  @Field({ description: 'False when this requestId was already stored: nothing was written and the first result is returned.' })
  created: boolean;
}

@ObjectType({ description: 'The outcome of logging a batch.' })
export class LogInferencesPayload {
  @Field(() => [LogInferencePayload], { description: 'One result per input item, in input order.' })
  results: LogInferencePayload[];
}
