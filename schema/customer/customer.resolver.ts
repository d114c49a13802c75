import { Arg, Ctx, Query, Resolver } from 'type-graphql';
import type { CustomerEntity } from '../../models/customer/customer.entity.js';
import type { Context } from '../context.js';
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
  @Query(() => Customer, { nullable: true, description: 'A customer by their externalId, with their score history.' })
  async customer(@Arg('externalId', () => String) externalId: string, @Ctx() ctx: Context): Promise<Customer | null> {
    const entity = await ctx.services.customers.get(externalId);
    return entity ? toCustomer(entity) : null;
  }
}
