import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { Connection } from './connection';
import { ScopeEnum } from './enums';
import { Node } from './node';

@ObjectType('ApiKey', { implements: Node, description: 'An API key. The secret is shown once, at creation; only its hash is stored.' })
export class ApiKeyView extends Node {
  @Field({ description: 'Who or what holds it. This name is the acting identity: the annotator, reviewer or tag actor.' })
  name: string;

  @Field({ description: 'The first characters of the key, to tell keys apart.' })
  keyPrefix: string;

  @Field(() => [ScopeEnum], { description: 'What the key may do.' })
  scopes: ScopeEnum[];

  @Field({ description: 'When it was created.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When it was revoked; null while valid.' })
  revokedAt: Date | null;
}

export const ApiKeyConnection = Connection(ApiKeyView, 'ApiKey', { totalCount: 'All keys, revoked ones included.' });

@InputType({ description: 'A new key.' })
export class CreateApiKeyInput {
  @Field({ description: 'Who or what will hold it (1–100 characters); it becomes the acting identity of everything done with the key.' })
  name: string;

  @Field(() => [ScopeEnum], { description: 'What it may do (at least one; at most 32 values).' })
  scopes: ScopeEnum[];
}

@ObjectType({ description: 'The new key and its secret.' })
export class CreateApiKeyPayload {
  @Field(() => ApiKeyView, { description: 'The key.' })
  apiKey: ApiKeyView;

  @Field({ description: 'Send as `Authorization: Bearer <secret>`. Not retrievable later.' })
  secret: string;
}

@InputType({ description: 'Revoke a key.' })
export class RevokeApiKeyInput {
  @Field(() => ID, { description: 'The key’s global id.' })
  apiKeyId: string;
}

@ObjectType({ description: 'The revoked key.' })
export class RevokeApiKeyPayload {
  @Field(() => ApiKeyView, { description: 'The key, with revokedAt set.' })
  apiKey: ApiKeyView;
}
