/**
 * Rollup rows: counts and score sums of responses that share a touchpoint, category, (theme and
 * its sentiment) and (attribute value). Every insight is computed from rows, whether they come
 * from cached day/month sums, from ledger entries, or from a scan of responses — one piece of
 * arithmetic for all three.
 */
import type { NpsCategory } from '../../../domain/nps.js';
import { attributeValue, type Entry, type SentimentCode } from './entry.js';

export interface Row {
  tp: string | null;
  cat: NpsCategory;
  /** 1 when the responses have an analysis (theme rows always do). */
  an: 0 | 1;
  /** Theme key; null on a base row (one per response). */
  th: string | null;
  se: SentimentCode | null;
  /** Value of the kind's attribute; null when the kind has none. */
  av: string | null;
  n: number;
  /** Sum of scores, for average scores. */
  ss: number;
}

/**
 * What a cache holds: `base` rows (one per response) or `themes` rows (one per theme mention),
 * either without an attribute dimension or per value of one attribute (responses without it are
 * left out). Kept apart so a trend never reads theme rows, and core queries never attribute rows.
 */
export interface Kind {
  family: 'base' | 'themes';
  attribute: string | null;
}

export const kindId = (k: Kind): string => (k.attribute ? `${k.family}@${k.attribute}` : k.family);

/** The kinds a query reads: base rows, plus theme rows when it needs themes. */
export function kindsFor(attribute: string | null, withThemes: boolean): Kind[] {
  return withThemes
    ? [
        { family: 'base', attribute },
        { family: 'themes', attribute },
      ]
    : [{ family: 'base', attribute }];
}

const rowKey = (r: Row) => JSON.stringify([r.tp, r.cat, r.an, r.th, r.se, r.av]);

/** Rows summed by their dimensions. */
export class RowSet {
  private readonly rows = new Map<string, Row>();

  add(row: Row): void {
    const key = rowKey(row);
    const have = this.rows.get(key);
    if (!have) {
      this.rows.set(key, { ...row });
      return;
    }
    have.n += row.n;
    have.ss += row.ss;
  }

  addAll(rows: Iterable<Row>): void {
    for (const row of rows) this.add(row);
  }

  /** Adds one response's rows of the given kinds. */
  addEntry(entry: Entry, kinds: readonly Kind[]): void {
    for (const kind of kinds) {
      const av = kind.attribute === null ? null : attributeValue(entry, kind.attribute);
      if (kind.attribute !== null && av === null) continue;
      const base = { tp: entry.touchpoint, cat: entry.category, av, n: 1, ss: entry.score };
      if (kind.family === 'base') this.add({ ...base, an: entry.themes ? 1 : 0, th: null, se: null });
      else for (const theme of entry.themes ?? []) this.add({ ...base, an: 1, th: theme.key, se: theme.sentiment });
    }
  }

  get size(): number {
    return this.rows.size;
  }

  list(): Row[] {
    return [...this.rows.values()];
  }
}

type RowTuple = [string | null, NpsCategory, 0 | 1, string | null, SentimentCode | null, string | null, number, number];

export function serializeRows(rows: readonly Row[]): string {
  return JSON.stringify(rows.map((r): RowTuple => [r.tp, r.cat, r.an, r.th, r.se, r.av, r.n, r.ss]));
}

export function parseRows(text: string): Row[] {
  return (JSON.parse(text) as RowTuple[]).map(([tp, cat, an, th, se, av, n, ss]) => ({ tp, cat, an, th, se, av, n, ss }));
}

/** Conditions rows can be filtered on (the rest of a filter is applied before rows are made). */
export interface RowFilter {
  touchpoints?: readonly string[] | null;
  categories?: readonly NpsCategory[] | null;
  /** Allowed values of the kind's attribute. */
  attributeValues?: readonly string[] | null;
}

export function filterRows(rows: readonly Row[], filter: RowFilter): Row[] {
  const tps = filter.touchpoints?.length ? new Set(filter.touchpoints) : null;
  const cats = filter.categories?.length ? new Set(filter.categories) : null;
  const values = filter.attributeValues?.length ? new Set(filter.attributeValues) : null;
  if (!tps && !cats && !values) return [...rows];
  return rows.filter(
    (r) => (!tps || (r.tp !== null && tps.has(r.tp))) && (!cats || cats.has(r.cat)) && (!values || (r.av !== null && values.has(r.av))),
  );
}
