/** Typed GraphQL documents: gql.tada checks every query against schema/schema.graphql at typecheck time. */
import { initGraphQLTada } from 'gql.tada';
import type { introspection } from './graphql-env.d.ts';

export const graphql = initGraphQLTada<{
  introspection: introspection;
  scalars: { DateTime: string };
}>();

export type { ResultOf } from 'gql.tada';
