/**
 * Paging for every connection: one page shape, one page-size rule (bounded by
 * VERBATIM_MAX_PAGE_SIZE) and one cursor codec. Lists page by keyset: the cursor is the sort key of
 * the last row, so the database seeks on an index and returns one page, however deep the page.
 */
import { InputError } from '../errors.js';

/** Rows per page when a query gives no `first` (never more than VERBATIM_MAX_PAGE_SIZE). */
export const DEFAULT_PAGE_SIZE = 20;

/** A sort key: the values of the sort fields, the last one unique (usually `_id`). */
export type CursorKey = (string | number)[];

export interface Edge<T> {
  cursor: string;
  node: T;
}

export interface Page<T> {
  edges: Edge<T>[];
  hasNextPage: boolean;
  endCursor: string | null;
}

/** The page size `first` asks for: an integer from 0 (count only) to `maxPageSize`; absent, the default. */
export function pageSize(first: number | null | undefined, maxPageSize: number): number {
  const size = first ?? Math.min(DEFAULT_PAGE_SIZE, maxPageSize);
  if (!Number.isInteger(size) || size < 0 || size > maxPageSize) {
    throw new InputError([{ field: 'first', message: `must be an integer from 0 to ${maxPageSize}` }]);
  }
  return size;
}

export function encodeCursor(key: CursorKey): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * The sort key in `after` (null without one). `shape` names the type of each value, so a cursor
 * of another query, or a forged one, is refused with a BAD_USER_INPUT on `after` before any read.
 */
export function decodeCursor(after: string | null | undefined, shape: readonly ('string' | 'number')[]): CursorKey | null {
  if (after == null || after === '') return null;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    key = null;
  }
  const fits =
    Array.isArray(key) &&
    key.length === shape.length &&
    key.every((v, i) => typeof v === shape[i] && (typeof v !== 'number' || Number.isFinite(v)));
  if (!fits) throw new InputError([{ field: 'after', message: 'is not a cursor of this query' }]);
  return key as CursorKey;
}

/** The page of `rows`, read with a limit of `size + 1`: the extra row only tells that a next page exists. */
export function toPage<T>(rows: readonly T[], size: number, keyOf: (row: T) => CursorKey): Page<T> {
  const edges = rows.slice(0, size).map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return { edges, hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null };
}

/** A page with its nodes mapped (entity → GraphQL type), cursors and paging unchanged. */
export function mapPage<T, U>(page: Page<T>, map: (node: T) => U): Page<U> {
  return { ...page, edges: page.edges.map(({ cursor, node }) => ({ cursor, node: map(node) })) };
}
