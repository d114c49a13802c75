/**
 * Stored shapes of the insight rollups (see docs/insights.md).
 *
 * - entry: the compact contribution of one response, its own document addressed by
 *   `${day}|${responseId}`, one collection per month. Entries are SET (never incremented) and only
 *   by a newer or equal version, so writing the same response again — a retry, a duplicate job —
 *   cannot count it twice, and no document grows with a day's volume.
 * - clock: per month, a counter per day that is bumped after every ledger change of that day.
 *   A cache is valid only while the counters it was built from are unchanged.
 * - cache: precomputed sums (rows) of one day or one month, for one kind of breakdown; one
 *   collection per family (base, themes, and both per attribute value) so each stays small.
 * - examples: per month, the best example verbatims of each theme (text and evidence).
 * - journal: marks a ledger write in flight; a crash between the ledger write and the clock bump
 *   leaves it behind, and the sweeper bumps the clocks it names.
 * - meta: theme labels and attribute keys seen, for display and warming.
 */

/** One response's contribution, stored as a JSON string (FerretDB decodes one string far faster than a sub-document). */
export type EncodedEntry = string;

export interface EntryDoc {
  /** `${day}|${responseId}`: a day's entries are one `_id` range. */
  _id: string;
  /** The entry's version: a write only replaces an entry of an older or equal version. */
  v: string;
  e: EncodedEntry;
}

/** The layout before entries had documents of their own (8 shards per day); migrated on start, see RollupStore.migrate(). */
export interface LegacyLedgerShardDoc {
  /** `${day}~${shard}` */
  _id: string;
  day: string;
  /** Response id (hex) → encoded entry. */
  e: Record<string, EncodedEntry>;
  /** Bumped on every write: the compare-and-set token. */
  rev: number;
}

export interface ClockDoc {
  /** Month key, e.g. 2026-03. */
  _id: string;
  /** Day key → change counter. */
  d: Record<string, number>;
}

export interface CacheDoc {
  /** `d|2026-03-04|base`, `m|2026-03|themes@region` */
  _id: string;
  /** Row format version: caches of another format are rebuilt. */
  f: number;
  /** Day caches: the day's counter; month caches: day → counter of every day included. */
  clock: number | Record<string, number>;
  /** JSON of the rows, or null when there were too many rows to store (queries then read the ledger). */
  rows: string | null;
  builtAt: Date;
}

export interface ExamplesDoc {
  /** Month key. */
  _id: string;
  /** JSON of theme key → examples. */
  ex: string;
  rev: number;
}

export interface JournalDoc {
  _id: string;
  days: string[];
  at: Date;
}

export interface MetaDoc {
  _id: 'meta';
  labels?: Record<string, string>;
  attrKeys?: string[];
}
