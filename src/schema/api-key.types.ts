import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { ScopeEnum } from './enums';

@ObjectType('ApiKey', { description: 'An API key. The secret is shown once, at creation.' })
export class ApiKeyView {
  @Field(() => ID)
  id: string;

  @Field()
  name: string;

  @Field({ description: 'The first characters of the key, to tell keys apart.' })
  keyPrefix: string;

  @Field(() => [ScopeEnum])
  scopes: ScopeEnum[];

  @Field()
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;
}

@ObjectType()
export class CreatedApiKey {
  @Field(() => ApiKeyView)
  apiKey: ApiKeyView;

  @Field({ description: 'Send as `Authorization: Bearer <secret>`. Not retrievable later.' })
  secret: string;
}

@InputType()
export class CreateApiKeyInput {
  @Field()
  name: string;

  @Field(() => [ScopeEnum])
  scopes: ScopeEnum[];
}
