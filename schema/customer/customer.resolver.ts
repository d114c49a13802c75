import { Arg, Authorized, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { CustomerEntity } from '../../models/customer/customer.entity.js';
import type { Context } from '../context.js';
import { PII_ROLES, READ_ROLES } from '../auth/roles.js';
import { scopeOf } from '../auth/scope.js';
import { Customer } from './customer.types.js';

export function toCustomer(entity: CustomerEntity): Customer {
  return {
    externalId: entity.externalId,
    name: entity.name,
    email: entity.email,
    accountValue: entity.accountValue,
    attributes: entity.attributes,
    responseCount: entity.responseCount,
    latestScore: entity.latestScore,
    latestSentiment: entity.latestSentiment,
    scoreHistory: [...entity.scoreHistory]
      .sort((a, b) => a.respondedAt.getTime() - b.respondedAt.getTime())
      .map((p) => ({ responseId: p.responseId.toHexString(), score: p.score, respondedAt: p.respondedAt })),
  };
}

@Resolver(() => Customer)
export class CustomerResolver {
  @Authorized(READ_ROLES)
  @Query(() => Customer, {
    nullable: true,
    description:
      "A customer by their externalId, with their score history. A scoped key sees only the customer's responses within its scope (null when there are none).",
  })
  async customer(
    @Arg('externalId', () => String, { description: 'Customer id in the source system (`customer.externalId` of its responses).' })
    externalId: string,
    @Ctx() ctx: Context,
  ): Promise<Customer | null> {
    const entity = await ctx.services.customers.get(externalId, scopeOf(ctx));
    return entity ? toCustomer(entity) : null;
  }

  // Personal data: null for roles that do not need it, rather than failing the whole query.
  @FieldResolver(() => String, { nullable: true, description: 'Personal data: visible only to ADMIN and MANAGER keys (null for others).' })
  name(@Root() customer: Customer, @Ctx() ctx: Context): string | null {
    return mayReadPii(ctx) ? customer.name : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Personal data: visible only to ADMIN and MANAGER keys (null for others).' })
  email(@Root() customer: Customer, @Ctx() ctx: Context): string | null {
    return mayReadPii(ctx) ? customer.email : null;
  }
}

/** Whether the caller may see customers' names and e-mail addresses. */
export function mayReadPii(ctx: Pick<Context, 'caller'>): boolean {
  return !!ctx.caller && PII_ROLES.includes(ctx.caller.role);
}
