/**
 * Scopes: a key with a scope only sees responses whose attributes include every scope pair.
 * The scope is AND-ed into a response filter here, the one place every query path goes through.
 */
import { createHash } from 'node:crypto';
import { attributeTag, type Attribute } from '../../../models/response/response.entity.js';

/** A key's scope: attribute pairs a response must all carry to be seen (empty or absent: everything). */
export type Scope = readonly Attribute[] | null | undefined;

/**
 * A value no stored attribute can have (stored values are trimmed, this one starts with a
 * space): a filter that asks for another value of a scoped key matches nothing.
 */
const OUT_OF_SCOPE_VALUE = ' (outside scope)';

/**
 * The filter narrowed to the scope. Filter semantics: the same key twice means either value,
 * so the scope cannot simply be appended; for each scoped key the filter's own values are
 * intersected with the scope's (empty intersection → matches nothing, not an error).
 */
export function applyScope<F extends { attributes?: Attribute[] | null }>(
  filter: F | null | undefined,
  scope: readonly Attribute[],
): F | null | undefined {
  if (scope.length === 0) return filter;
  const asked = filter?.attributes ?? [];
  const attributes = asked.filter((a) => !scope.some((s) => s.key === a.key));
  for (const s of scope) {
    const values = asked.filter((a) => a.key === s.key).map((a) => a.value);
    const allowed = values.length === 0 || values.includes(s.value);
    attributes.push({ key: s.key, value: allowed ? s.value : OUT_OF_SCOPE_VALUE });
  }
  return { ...(filter ?? ({} as F)), attributes };
}

/** True when the attributes include every scope pair (always true for an empty scope): the one scope check in memory. */
export function inScope(attributes: readonly Attribute[] | null | undefined, scope: Scope): boolean {
  return (scope ?? []).every((s) => (attributes ?? []).some((a) => a.key === s.key && a.value === s.value));
}

/** The same check in a query: documents whose `attributeTags` hold all of these (`$all`) are in scope. */
export function scopeTags(scope: Scope): string[] {
  return (scope ?? []).map((s) => attributeTag(s.key, s.value));
}

/** A short stable id of a scope (the same pairs in any order, the same id): names what is derived per scope. */
export function scopeId(scope: readonly Attribute[]): string {
  const pairs = scopeTags(scope).sort().join('\n');
  return createHash('sha256').update(pairs).digest('hex').slice(0, 16);
}
