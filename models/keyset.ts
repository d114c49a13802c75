/**
 * Keyset paging in the database: a sort over fields that ends with a unique one, and the filter
 * "strictly after this sort key", so a page is an indexed seek + limit, stable while rows are added.
 */

export interface SortField {
  field: string;
  direction: 1 | -1;
  /** Stored as a Date, carried in cursors as epoch milliseconds. */
  date?: boolean;
}

/** The `sort` document of a keyset order. */
export function sortDocument(order: readonly SortField[]): Record<string, 1 | -1> {
  return Object.fromEntries(order.map((f) => [f.field, f.direction]));
}

/** The sort key of a row (dates as milliseconds): what a cursor carries. */
export function keyOf(order: readonly SortField[], row: object): (string | number)[] {
  return order.map((f) => {
    // Dotted fields ('churnRisk.score') walk into subdocuments.
    const value = f.field.split('.').reduce<unknown>((v, part) => (v as Record<string, unknown> | null | undefined)?.[part], row);
    if (f.date) return (value as Date).getTime();
    return value as string | number;
  });
}

/**
 * Rows after `key` in `order`: `(a > k0) or (a = k0 and b > k1) or …`, with `>` meaning "later in
 * this field's direction". Written as `$or` of equalities and one range each, which MongoDB serves
 * from the index of the same order and FerretDB 1.24 evaluates.
 */
export function afterKey(order: readonly SortField[], key: readonly (string | number)[]): Record<string, unknown> {
  const value = (i: number) => (order[i].date ? new Date(key[i]) : key[i]);
  const branches = order.map((f, i) => {
    const branch: Record<string, unknown> = {};
    for (let j = 0; j < i; j++) branch[order[j].field] = value(j);
    branch[f.field] = { [f.direction === 1 ? '$gt' : '$lt']: value(i) };
    return branch;
  });
  return { $or: branches };
}
