/**
 * Builds the indexes the models declare, on the server at hand. A server that serves no filter and
 * no sort from a secondary index (the embedded FerretDB 1.24 on SQLite: only `_id` is pushed down,
 * docs/ferretdb.md) gets only the unique ones, which enforce constraints; every other index there
 * would be updated on each write and read by nothing. Measured with `npm run bench:ingest`: the
 * responses insert (11 indexes) from 366 to 212 ms per 1,000 rows, raw `insertMany` 181 ms.
 */
import type { Connection, Model, mongo } from 'mongoose';

/** Field names the probe filters and sorts on; no document needs to hold them. */
const PROBE = { filter: { verbatimIndexProbe: 'x' }, sort: { verbatimIndexProbeAt: -1 } };

export async function syncModelIndexes(connection: Connection): Promise<{ secondaryIndexes: boolean }> {
  const models = Object.values(connection.models) as Model<unknown>[];
  // Unique indexes first: they are needed everywhere, and they create the collections the probe explains.
  for (const model of models) {
    for (const [fields, options] of model.schema.indexes()) {
      if (options?.unique) await model.collection.createIndex(fields as Record<string, 1 | -1>, options as mongo.CreateIndexesOptions);
    }
  }
  const probeCollection = models[0]?.collection.collectionName;
  const secondaryIndexes = probeCollection ? await servesFromSecondaryIndexes(connection, probeCollection) : true;
  for (const model of models) {
    if (secondaryIndexes) await model.createIndexes();
    else await dropSecondaryIndexes(model);
  }
  return { secondaryIndexes };
}

/**
 * False only for a FerretDB whose explain says a filter and a sort on an ordinary field are not
 * pushed down to its storage: then no secondary index can ever be read. MongoDB, and any FerretDB
 * that pushes them down (its PostgreSQL backends), keep every index.
 */
async function servesFromSecondaryIndexes(connection: Connection, collection: string): Promise<boolean> {
  if (!connection.db) throw new Error('syncIndexes: the database is not connected');
  const reply = await connection.db.command({ explain: { find: collection, ...PROBE }, verbosity: 'queryPlanner' });
  const ferretdb = typeof reply.serverInfo === 'object' && reply.serverInfo !== null && 'ferretdbVersion' in reply.serverInfo;
  return !(ferretdb && reply.filterPushdown === false && reply.sortPushdown === false);
}

/** A data directory made before this module was in place still holds the secondary indexes: drop them. */
async function dropSecondaryIndexes(model: Model<unknown>): Promise<void> {
  const existing = await model.collection.indexes().catch(() => []);
  for (const index of existing) {
    if (index.name && index.name !== '_id_' && !index.unique) await model.collection.dropIndex(index.name);
  }
}
