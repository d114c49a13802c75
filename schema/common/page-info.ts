import { Field, ObjectType } from 'type-graphql';
import type { Edge, Page } from '../../src/services/paging.js';

@ObjectType({ description: 'Relay-style page information.' })
export class PageInfo {
  @Field(() => Boolean, { description: 'True when another page follows `endCursor`.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Pass as `after` to get the next page.' })
  endCursor!: string | null;
}

/** A service page (src/services/paging.ts) as the GraphQL connection's `edges` and `pageInfo`. */
export function toConnection<T>(page: Page<T>): { edges: Edge<T>[]; pageInfo: PageInfo } {
  return { edges: page.edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor } };
}
