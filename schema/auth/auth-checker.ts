/**
 * The one auth checker for `@Authorized(...)`, and the guard that makes every root field
 * (queries, mutations and subscriptions, the subscribe step included) refuse callers that
 * its roles do not name. Errors: UNAUTHENTICATED without a valid key, FORBIDDEN otherwise.
 */
import { GraphQLError, type GraphQLFieldConfig, type GraphQLSchema } from 'graphql';
import { getMetadataStorage, type AuthChecker } from 'type-graphql';
import type { Caller, Context } from '../context.js';

export function unauthenticated(message = 'A valid API key is required: send Authorization: Bearer <key>'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

/** Throws unless the caller holds one of the roles (ADMIN always passes). */
export function assertRole(caller: Caller | null | undefined, roles: readonly string[], what: string): Caller {
  if (!caller) throw unauthenticated();
  if (caller.role !== 'ADMIN' && !roles.includes(caller.role)) throw forbidden(`A ${caller.role} key may not use ${what}`);
  return caller;
}

/** The caller of a field guarded by `@Authorized`: the guard has already refused anonymous calls, this says so to the types. */
export function authenticatedCaller(ctx: Pick<Context, 'caller'>): Caller {
  if (!ctx.caller) throw unauthenticated();
  return ctx.caller;
}

export const authChecker: AuthChecker<Context, string> = ({ context, info }, roles) => {
  assertRole(context.caller, roles, `${info.parentType.name}.${info.fieldName}`);
  return true;
};

/**
 * Default deny: root fields without `@Authorized` become ADMIN-only, and subscriptions check
 * the roles when subscribing (type-graphql checks only when each event resolves).
 */
export function enforceRootAccess(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage();
  const rolesOf = new Map<string, readonly string[]>();
  const record = (type: string, handlers: { schemaName: string; roles?: unknown[] }[]) => {
    for (const h of handlers) if (h.roles) rolesOf.set(`${type}.${h.schemaName}`, h.roles.map(String));
  };
  record('Query', storage.queries);
  record('Mutation', storage.mutations);
  record('Subscription', storage.subscriptions);

  for (const type of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    // (No isObjectType: type-graphql may load the other build of graphql, and instanceof checks fail across them.)
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      const name = `${type.name}.${field.name}`;
      const roles = rolesOf.get(name) ?? [];
      const config = field as unknown as GraphQLFieldConfig<unknown, Context>;
      const guard = <F extends (...a: never[]) => unknown>(fn: F | undefined): F | undefined =>
        fn &&
        (((source: unknown, args: unknown, ctx: Context, info: unknown) => {
          assertRole(ctx?.caller, roles, name);
          return (fn as unknown as (...a: unknown[]) => unknown)(source, args, ctx, info);
        }) as unknown as F);
      if (type === schema.getSubscriptionType()) config.subscribe = guard(config.subscribe);
      else config.resolve = guard(config.resolve);
    }
  }
  return schema;
}
