/**
 * graphql-js loaded with require: the one CommonJS instance that type-graphql (which builds the
 * schema), Apollo and graphql-ws use. An `import` from a file that a bundling loader (vitest)
 * transforms may get graphql's ESM build instead, a second instance whose errors and schema
 * fail those libraries' `instanceof` checks.
 */
import { createRequire } from 'node:module';
import type * as GraphQL from 'graphql';

export const graphql = createRequire(import.meta.url)('graphql') as typeof GraphQL;
