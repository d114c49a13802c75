import { Arg, Authorized, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { EVENT_TYPES } from '../../src/services/events.js';
import type { WebhookActor } from '../../src/services/webhooks/webhook.service.js';
import { authenticatedCaller } from '../auth/auth-checker.js';
import { WEBHOOK_ROLES } from '../auth/roles.js';
import { toConnection } from '../common/page-info.js';
import type { Context } from '../context.js';
import { CreateWebhookInput, UpdateWebhookInput } from './webhook.inputs.js';
import { toWebhook, toWebhookDelivery } from './webhook.mapper.js';
import { Webhook, WebhookDeliveryConnection } from './webhook.types.js';

@Resolver(() => Webhook)
export class WebhookResolver {
  @Authorized(WEBHOOK_ROLES)
  @Mutation(() => Webhook, { description: 'Registers an endpoint. The response carries its signing `secret`, which is never shown again.' })
  async createWebhook(
    @Arg('input', () => CreateWebhookInput, { description: 'Endpoint URL and the events to deliver to it.' }) input: CreateWebhookInput,
    @Ctx() ctx: Context,
  ): Promise<Webhook> {
    const { endpoint, secret } = await ctx.services.webhooks.create(input, actor(ctx));
    return toWebhook(endpoint, secret);
  }

  @Authorized(WEBHOOK_ROLES)
  @Query(() => [Webhook], {
    description: 'The endpoints the calling key owns (an ADMIN: every endpoint), oldest first; secrets are not shown.',
  })
  async webhooks(@Ctx() ctx: Context): Promise<Webhook[]> {
    return (await ctx.services.webhooks.list(actor(ctx))).map((e) => toWebhook(e));
  }

  @Authorized(WEBHOOK_ROLES)
  @Query(() => Webhook, {
    nullable: true,
    description: 'One endpoint by id; null if there is none or another key owns it (ADMIN keys see every one).',
  })
  async webhook(
    @Arg('id', () => ID, { description: 'Id of the webhook endpoint.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Webhook | null> {
    const endpoint = await ctx.services.webhooks.get(id, actor(ctx));
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
    @Arg('webhookId', () => ID, { description: 'Id of the webhook endpoint whose deliveries are listed.' }) webhookId: string,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 20).' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: '`endCursor` of the previous page.' }) after: string | null,
    @Ctx() ctx: Context,
  ): Promise<WebhookDeliveryConnection> {
    const page = await ctx.services.webhooks.deliveries(webhookId, first, after, actor(ctx));
    // The delivery log's GraphQL shape lists nodes without edges.
    const { edges, pageInfo } = toConnection(page);
    return { nodes: edges.map((e) => toWebhookDelivery(e.node)), pageInfo };
  }

  @Authorized(WEBHOOK_ROLES)
  @Mutation(() => Webhook, { description: 'Changes an endpoint’s URL, events or description; the secret stays.' })
  async updateWebhook(
    @Arg('id', () => ID, { description: 'Id of the webhook endpoint to change.' }) id: string,
    @Arg('input', () => UpdateWebhookInput, { description: 'Fields to change; omitted fields keep their value.' })
    input: UpdateWebhookInput,
    @Ctx() ctx: Context,
  ): Promise<Webhook> {
    return toWebhook(await ctx.services.webhooks.update(id, input, actor(ctx)));
  }

  @Authorized(WEBHOOK_ROLES)
  @Mutation(() => Boolean, { description: 'Deletes an endpoint and its delivery log; true if it existed. Pending deliveries stop.' })
  async deleteWebhook(
    @Arg('id', () => ID, { description: 'Id of the webhook endpoint to delete.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.services.webhooks.delete(id, actor(ctx));
  }

  @Authorized(WEBHOOK_ROLES)
  @Mutation(() => Webhook, {
    description:
      'Re-enables an endpoint (after it was disabled for sustained failure) and resets its failure streak. New events are delivered again; deliveries cancelled while it was disabled are not replayed.',
  })
  async enableWebhook(
    @Arg('id', () => ID, { description: 'Id of the (disabled) webhook endpoint to enable again.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Webhook> {
    return toWebhook(await ctx.services.webhooks.enable(id, actor(ctx)));
  }

  @Authorized(WEBHOOK_ROLES)
  @Mutation(() => Webhook, {
    description: 'Replaces the signing secret; the response carries the new one (shown only here). Takes effect at the next attempt.',
  })
  async rotateWebhookSecret(
    @Arg('id', () => ID, { description: 'Id of the webhook endpoint that gets a new signing secret.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<Webhook> {
    const { endpoint, secret } = await ctx.services.webhooks.rotateSecret(id, actor(ctx));
    return toWebhook(endpoint, secret);
  }
}

/** Endpoints belong to the key that created them; an ADMIN manages every one. */
function actor(ctx: Context): WebhookActor {
  const caller = authenticatedCaller(ctx);
  return { keyId: caller.keyId, admin: caller.role === 'ADMIN', scope: caller.scope ?? [] };
}
