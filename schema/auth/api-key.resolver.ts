/** Key management (ADMIN only) and `viewer` (any key: who am I). */
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { ApiKeyEntity } from '../../models/apikey/apikey.entity.js';
import type { Context } from '../context.js';
import { ApiKey, ApiKeyCreated, CreateApiKeyInput, Viewer } from './api-key.types.js';
import { authenticatedCaller } from './auth-checker.js';
import { ANY_ROLE } from './roles.js';

function toApiKey(entity: ApiKeyEntity): ApiKey {
  return {
    id: entity._id,
    name: entity.name,
    role: entity.role,
    scope: (entity.scope ?? []).map(({ key, value }) => ({ key, value })),
    prefix: entity.prefix,
    createdAt: entity.createdAt,
    lastUsedAt: entity.lastUsedAt ?? null,
    revokedAt: entity.revokedAt ?? null,
  };
}

@Resolver()
export class ApiKeyResolver {
  @Authorized()
  @Mutation(() => ApiKeyCreated, { description: 'Creates an API key (ADMIN). The secret is in the answer and never shown again.' })
  async createApiKey(
    @Arg('input', () => CreateApiKeyInput, { description: 'Name, role and attribute scope (required for MANAGER) of the new key.' })
    input: CreateApiKeyInput,
    @Ctx() ctx: Context,
  ): Promise<ApiKeyCreated> {
    const { key, secret } = await ctx.services.apiKeys.create({ name: input.name, role: input.role, scope: input.scope });
    return { key: secret, apiKey: toApiKey(key) };
  }

  @Authorized()
  @Mutation(() => ApiKey, {
    description: 'Revokes an API key (ADMIN); it stops working on every API instance within VERBATIM_API_KEY_CACHE_SECONDS.',
  })
  async revokeApiKey(
    @Arg('id', () => ID, { description: 'Id of the API key to revoke (not the secret).' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<ApiKey> {
    return toApiKey(await ctx.services.apiKeys.revoke(id));
  }

  @Authorized()
  @Query(() => [ApiKey], { description: 'Every API key, newest first, without secrets (ADMIN).' })
  async apiKeys(@Ctx() ctx: Context): Promise<ApiKey[]> {
    return (await ctx.services.apiKeys.list()).map(toApiKey);
  }

  @Authorized(ANY_ROLE)
  @Query(() => Viewer, { description: 'The role and scope of the calling key.' })
  viewer(@Ctx() ctx: Context): Viewer {
    const caller = authenticatedCaller(ctx);
    return { role: caller.role, scope: caller.scope };
  }
}
