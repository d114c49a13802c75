/**
 * Collections of the insight rollups. Reads and writes address documents by `_id`, and reads of
 * several documents use one `_id $in` query: on MongoDB an index walk; on FerretDB 1.24 (the
 * development and test database, whose SQLite backend uses no index at all, `_id` included) one
 * pass over a collection that is kept small, instead of one pass per document.
 */
import { Schema, type Connection, type Model } from 'mongoose';
import type { ClockDoc, ExamplesDoc, JournalDoc, MetaDoc } from './rollup.entity.js';

const loose = { versionKey: false, strict: false, _id: false } as const;

/** Entries live in one collection per month, `rollup_entries_YYYYMM`, one document per response. */
export const ENTRY_COLLECTION_PREFIX = 'rollup_entries_';

/** The former ledger (8 shard documents per day, `rollup_ledger_YYYYMM`): read once by the migration, then dropped. */
export const LEGACY_LEDGER_COLLECTION_PREFIX = 'rollup_ledger_';

/** Caches live in `rollup_cache_base`, `rollup_cache_themes`, and `…__<attribute key>` per attribute: each stays small. */
export const CACHE_COLLECTION_PREFIX = 'rollup_cache_';

export interface RollupModels {
  connection: Connection;
  clocks: Model<ClockDoc>;
  examples: Model<ExamplesDoc>;
  journal: Model<JournalDoc>;
  meta: Model<MetaDoc>;
}

function model<T>(connection: Connection, name: string, definition: Record<string, unknown>, collection: string): Model<T> {
  return (
    (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, new Schema<T>(definition, { ...loose, collection }))
  );
}

export function rollupModels(connection: Connection): RollupModels {
  return {
    connection,
    clocks: model(connection, 'RollupClock', { _id: String, d: Schema.Types.Mixed }, 'rollup_clocks'),
    examples: model(connection, 'RollupExamples', { _id: String, ex: String, rev: Number }, 'rollup_examples'),
    journal: model(connection, 'RollupJournal', { _id: String, days: [String], at: Date }, 'rollup_journal'),
    meta: model(connection, 'RollupMeta', { _id: String, labels: Schema.Types.Mixed, attrKeys: [String] }, 'rollup_meta'),
  };
}
