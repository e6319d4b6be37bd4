import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { AppContext } from '../context';
import { ConnectionArgs, PageResult } from '../schema/connection';
import { keyOf } from '../schema/node';
import {
  CreateWebhookInput,
  CreateWebhookPayload,
  DeleteWebhookInput,
  UpdateWebhookInput,
  Webhook,
  WebhookConnection,
  WebhookDeliveryConnection,
  WebhookPayload,
} from '../schema/webhook.types';
import type { WebhookDeliveryRow, WebhookRow } from '../services/decide/webhook.service';

@Resolver(() => Webhook)
export class WebhookResolver {
  @Authorized('admin')
  @Mutation(() => CreateWebhookPayload, { nullable: true, description: 'Add a webhook; its signing secret is returned this once.' })
  async createWebhook(@Arg('input', () => CreateWebhookInput, { description: 'URL and events.' }) input: CreateWebhookInput, @Ctx() ctx: AppContext): Promise<CreateWebhookPayload> {
    const r = await ctx.db.transaction((tx) => ctx.services.webhooks.create(tx, input, ctx.principal!.name));
    return { webhook: r.webhook as unknown as Webhook, secret: r.secret };
  }

  @Authorized('admin')
  @Mutation(() => WebhookPayload, { nullable: true, description: 'Change, enable or disable a webhook.' })
  async updateWebhook(@Arg('input', () => UpdateWebhookInput, { description: 'What changes.' }) input: UpdateWebhookInput, @Ctx() ctx: AppContext): Promise<WebhookPayload> {
    const id = keyOf(input.webhookId, 'Webhook', 'webhookId');
    const row = await ctx.db.transaction((tx) => ctx.services.webhooks.update(tx, id, input));
    return { webhook: row as unknown as Webhook };
  }

  @Authorized('admin')
  @Mutation(() => WebhookPayload, { nullable: true, description: 'Delete a webhook; pending deliveries to it are dropped, the log stays.' })
  async deleteWebhook(@Arg('input', () => DeleteWebhookInput, { description: 'The webhook.' }) input: DeleteWebhookInput, @Ctx() ctx: AppContext): Promise<WebhookPayload> {
    const id = keyOf(input.webhookId, 'Webhook', 'webhookId');
    const row = await ctx.db.transaction((tx) => ctx.services.webhooks.remove(tx, id));
    return { webhook: row as unknown as Webhook };
  }

  @Authorized('admin')
  @Query(() => WebhookConnection, { nullable: true, description: 'Webhooks, oldest first.' })
  webhooks(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: AppContext): Promise<PageResult<WebhookRow>> {
    return ctx.services.webhooks.list(ctx.readDb, args);
  }

  @FieldResolver(() => WebhookDeliveryConnection, { description: 'Its delivery log, newest first.' })
  deliveries(@Root() w: WebhookRow, @Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: AppContext): Promise<PageResult<WebhookDeliveryRow>> {
    return ctx.services.webhooks.deliveries(ctx.readDb, w.id, args);
  }
}
