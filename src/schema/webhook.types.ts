import { Field, InputType, Int, ObjectType, registerEnumType, ID } from 'type-graphql';
import { Connection } from './connection';
import { Node } from './node';
import { JSONObject } from './scalars';

export enum WebhookEventEnum {
  RETRAIN_DECIDED = 'RETRAIN_DECIDED',
  PROMOTED = 'PROMOTED',
  ROLLED_BACK = 'ROLLED_BACK',
}
registerEnumType(WebhookEventEnum, {
  name: 'WebhookEvent',
  description: 'What a webhook is told about.',
  valuesConfig: {
    RETRAIN_DECIDED: { description: 'A RETRAIN decision built a new dataset version (once per state of the data): start training on it.' },
    PROMOTED: { description: 'A candidate was promoted: deploy it.' },
    ROLLED_BACK: { description: 'A line was rolled back, by hand or automatically: deploy the restored version.' },
  },
});

export enum WebhookDeliveryStatusEnum {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILED = 'FAILED',
}
registerEnumType(WebhookDeliveryStatusEnum, {
  name: 'WebhookDeliveryStatus',
  description: 'How a delivery went.',
  valuesConfig: {
    PENDING: { description: 'Not delivered yet; attempts continue with exponential backoff.' },
    DELIVERED: { description: 'The receiver answered 2xx.' },
    FAILED: { description: 'Every attempt failed (or the webhook was deleted or disabled meanwhile).' },
  },
});

@ObjectType({ implements: Node, description: 'A URL that receives signed POSTs (X-Flywheel-Signature: sha256=HMAC(secret, "<X-Flywheel-Timestamp>.<body>")).' })
export class Webhook extends Node {
  @Field({ description: 'Where events are POSTed.' })
  url: string;

  @Field(() => [WebhookEventEnum], { description: 'The events it receives.' })
  events: WebhookEventEnum[];

  @Field(() => String, { nullable: true, description: 'What it is for.' })
  description: string | null;

  @Field({ description: 'Disabled webhooks receive nothing.' })
  enabled: boolean;

  @Field({ description: 'The key that created it.' })
  createdBy: string;

  @Field({ description: 'When it was created.' })
  createdAt: Date;
}

export const WebhookConnection = Connection(Webhook, 'Webhook', { totalCount: 'Webhooks.' });

@ObjectType({ implements: Node, description: 'One event for one webhook, and how its delivery went.' })
export class WebhookDelivery extends Node {
  @Field(() => WebhookEventEnum, { description: 'The event.' })
  event: WebhookEventEnum;

  @Field(() => JSONObject, { description: 'The JSON body sent (without deliveryId, which the body also carries).' })
  payload: Record<string, unknown>;

  @Field(() => WebhookDeliveryStatusEnum, { description: 'PENDING, DELIVERED or FAILED.' })
  status: WebhookDeliveryStatusEnum;

  @Field(() => Int, { description: 'Attempts so far.' })
  attempts: number;

  @Field(() => Int, { nullable: true, description: 'HTTP status of the last attempt (null: no answer).' })
  lastStatusCode: number | null;

  @Field(() => String, { nullable: true, description: 'Why the last attempt failed.' })
  lastError: string | null;

  @Field({ description: 'When the event happened.' })
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: 'When the receiver accepted it.' })
  deliveredAt: Date | null;
}

export const WebhookDeliveryConnection = Connection(WebhookDelivery, 'WebhookDelivery', { totalCount: 'Deliveries of this webhook.' });

@InputType({ description: 'A new webhook.' })
export class CreateWebhookInput {
  @Field({ description: 'An http(s) URL.' })
  url: string;

  @Field(() => [WebhookEventEnum], { description: 'The events it receives (at most 32 values).' })
  events: WebhookEventEnum[];

  @Field({ nullable: true, description: 'What it is for.' })
  description?: string;
}

@ObjectType({ description: 'The webhook and its signing secret, shown this once.' })
export class CreateWebhookPayload {
  @Field(() => Webhook, { description: 'The webhook.' })
  webhook: Webhook;

  @Field({ description: 'The HMAC key for X-Flywheel-Signature. Store it now: it is never shown again.' })
  secret: string;
}

@InputType({ description: 'Change a webhook; fields left out keep their values.' })
export class UpdateWebhookInput {
  @Field(() => ID, { description: 'The webhook.' })
  webhookId: string;

  @Field({ nullable: true, description: 'A new URL.' })
  url?: string;

  @Field(() => [WebhookEventEnum], { nullable: true, description: 'New events (at most 32 values).' })
  events?: WebhookEventEnum[];

  @Field({ nullable: true, description: 'A new description.' })
  description?: string;

  @Field({ nullable: true, description: 'Enable or disable it.' })
  enabled?: boolean;
}

@InputType({ description: 'Delete a webhook (its delivery log stays).' })
export class DeleteWebhookInput {
  @Field(() => ID, { description: 'The webhook.' })
  webhookId: string;
}

@ObjectType({ description: 'The webhook as written.' })
export class WebhookPayload {
  @Field(() => Webhook, { description: 'The webhook.' })
  webhook: Webhook;
}
