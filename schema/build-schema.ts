/** Builds the executable schema from the resolvers; the single list of resolvers lives here. */
import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema, type NonEmptyArray } from 'type-graphql';
import type { PubSub } from '../src/pubsub.js';
import { CustomerResolver } from './customer/customer.resolver.js';
import { InsightsResolver } from './insights/insights.resolver.js';
import { ImportProgressResolver, ResponseAnalyzedResolver } from './pipeline/pipeline.resolver.js';
import { ResponseConnectionResolver, ResponseResolver } from './response/response.resolver.js';
import { TaxonomyResolver } from './taxonomy/taxonomy.resolver.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const RESOLVERS: NonEmptyArray<Function> = [ResponseResolver, ResponseConnectionResolver, CustomerResolver, InsightsResolver,
  TaxonomyResolver, ImportProgressResolver, ResponseAnalyzedResolver];

export async function buildVerbatimSchema(pubSub: PubSub): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: RESOLVERS,
    pubSub,
    // Input rules live in the services (shared with the CLI), not in class-validator decorators.
    validate: false,
  });
}
