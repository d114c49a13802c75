import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { AppError } from '../../src/errors.js';
import { EVENT_TYPES } from '../../src/services/events.js';
import { WEBHOOK_ROLES } from '../auth/roles.js';
import type { Context } from '../context.js';
import { CreateWebhookInput, UpdateWebhookInput } from './webhook.inputs.js';
import { toWebhook, toWebhookDelivery } from './webhook.mapper.js';
import { Webhook, WebhookDeliveryConnection } from './webhook.types.js';

@Resolver(() => Webhook)
export class WebhookResolver {
  @Authorized(WEBHOOK_ROLES)
  @Mutation(() => Webhook, { description: 'Registers an endpoint. The response carries its signing `secret`, which is never shown again.' })
  async createWebhook(@Arg('input', () => CreateWebhookInput) input: CreateWebhookInput, @Ctx() ctx: Context): Promise<Webhook> {
    const { endpoint, secret } = await ctx.services.webhooks.create(input, ctx.caller?.scope ?? []);
    return toWebhook(endpoint, secret);
  }

  @Authorized(WEBHOOK_ROLES)
  @Query(() => [Webhook], { description: 'Every registered endpoint, oldest first (secrets are not shown).' })
  async webhooks(@Ctx() ctx: Context): Promise<Webhook[]> {
    return (await ctx.services.webhooks.list(ctx.caller?.scope ?? [])).map((e) => toWebhook(e));
  }

  @Authorized(WEBHOOK_ROLES)
  @Query(() => Webhook, { nullable: true, description: 'One endpoint by id; null if there is none.' })
  async webhook(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Webhook | null> {
    const endpoint = await ctx.services.webhooks.get(id, ctx.caller?.scope ?? []);
    return endpoint ? toWebhook(endpoint) : null;
  }

  @Authorized(WEBHOOK_ROLES)
  @Query(() => [String], { description: 'The event types an endpoint may subscribe to.' })
  webhookEventTypes(): string[] {
    return [...EVENT_TYPES];
  }

  @Authorized(WEBHOOK_ROLES)
  @Query(() => WebhookDeliveryConnection, { description: 'The delivery log of one endpoint, newest first.' })
  async webhookDeliveries(
    @Arg('webhookId', () => ID) webhookId: string,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 20).' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: '`endCursor` of the previous page.' }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<WebhookDeliveryConnection> {
    await visible(ctx, webhookId);
    const page = await ctx.services.webhooks.deliveries(webhookId, first, after);
    return { nodes: page.deliveries.map(toWebhookDelivery), pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
  }

  @Authorized(WEBHOOK_ROLES)
  @Mutation(() => Webhook, { description: 'Changes an endpoint’s URL, events or description; the secret stays.' })
  async updateWebhook(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateWebhookInput) input: UpdateWebhookInput,
    @Ctx() ctx: Context,
  ): Promise<Webhook> {
    await visible(ctx, id);
    return toWebhook(await ctx.services.webhooks.update(id, input));
  }

  @Authorized(WEBHOOK_ROLES)
  @Mutation(() => Boolean, { description: 'Deletes an endpoint and its delivery log; true if it existed. Pending deliveries stop.' })
  async deleteWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    if (!(await ctx.services.webhooks.get(id, ctx.caller?.scope ?? []))) return false;
    return ctx.services.webhooks.delete(id);
  }

  @Authorized(WEBHOOK_ROLES)
  @Mutation(() => Webhook, {
    description: 'Re-enables an endpoint (after it was disabled for sustained failure) and resets its failure streak. New events are delivered again; deliveries cancelled while it was disabled are not replayed.',
  })
  async enableWebhook(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Webhook> {
    await visible(ctx, id);
    return toWebhook(await ctx.services.webhooks.enable(id));
  }

  @Authorized(WEBHOOK_ROLES)
  @Mutation(() => Webhook, { description: 'Replaces the signing secret; the response carries the new one (shown only here). Takes effect at the next attempt.' })
  async rotateWebhookSecret(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Webhook> {
    await visible(ctx, id);
    const { endpoint, secret } = await ctx.services.webhooks.rotateSecret(id);
    return toWebhook(endpoint, secret);
  }
}

/** A scoped key acts only on endpoints created within its scope; others look like missing ones. */
async function visible(ctx: Context, id: string): Promise<void> {
  if (!(ctx.caller?.scope.length ?? 0)) return;
  if (!(await ctx.services.webhooks.get(id, ctx.caller!.scope))) throw new AppError('NOT_FOUND', `webhook ${id} not found`, { id });
}
