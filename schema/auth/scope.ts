/**
 * The caller's scope at the resolver boundary. Every resolver that reads responses (or
 * anything computed from them) passes its filter through `scopedFilter`, and checks single
 * documents with `visible`.
 */
import { applyScope, inScope } from '../../src/services/auth/scope.js';
import type { Attribute } from '../../models/response/response.entity.js';
import type { Context } from '../context.js';
import { forbidden } from './auth-checker.js';

export function scopeOf(ctx: Pick<Context, 'caller'>): Attribute[] {
  return ctx.caller?.scope ?? [];
}

/** The filter AND-ed with the caller's scope (a filter outside the scope matches nothing). */
export function scopedFilter<F extends { attributes?: Attribute[] | null }>(
  ctx: Pick<Context, 'caller'>,
  filter: F | null | undefined,
): F | null | undefined {
  return applyScope(filter, scopeOf(ctx));
}

/** Whether a document with these attributes is within the caller's scope. */
export function visible(ctx: Pick<Context, 'caller'>, attributes: readonly Attribute[] | null | undefined): boolean {
  return inScope(attributes, scopeOf(ctx));
}

/** For figures that span every scope (queue counts, backfill progress): scoped keys may not read them. */
export function assertUnscoped(ctx: Pick<Context, 'caller'>, what: string): void {
  if (scopeOf(ctx).length > 0) throw forbidden(`${what} spans every scope; a scoped key may not read it`);
}
