import { Field, Float, ID, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';

@ObjectType({ description: 'A background job as the queue sees it.' })
export class JobView {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field({ description: 'created | retry | active | completed | cancelled | failed' })
  state: string;

  @Field(() => Float)
  retryCount: number;

  @Field(() => GraphQLJSONObject, { nullable: true })
  data: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'What the handler reported while running.' })
  progress: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The result of a completed job, or the error of a failed one.' })
  output: Record<string, unknown> | null;

  @Field()
  createdOn: Date;

  @Field(() => Date, { nullable: true })
  completedOn: Date | null;
}
