/**
 * Index building on the harness's server (models/index-sync.ts): the embedded FerretDB, which reads
 * no secondary index, keeps only the unique ones (and drops secondary indexes an older data directory
 * still has); MongoDB gets every declared index.
 */
import mongoose, { Schema, type Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncModelIndexes } from '../../models/index-sync.js';
import { isDuplicateKeyError } from '../../models/bulk.js';
import { testMongoUri } from '../helpers/services.js';

interface Row {
  _id: string;
  externalId: string;
  category: string;
  respondedAt: Date;
}

describe('syncModelIndexes', () => {
  let conn: Connection;
  let ferretdb: boolean;

  beforeAll(async () => {
    // As models/database.ts: no index is built behind the explicit sync's back.
    conn = await mongoose.createConnection(testMongoUri('index-sync'), { autoIndex: false }).asPromise();
    const info = await conn.db!.admin().command({ buildInfo: 1 });
    ferretdb = 'ferretdbVersion' in info;
    const schema = new Schema<Row>({ _id: String, externalId: String, category: String, respondedAt: Date }, { versionKey: false });
    schema.index({ externalId: 1 }, { unique: true });
    schema.index({ category: 1, respondedAt: -1 });
    schema.index({ respondedAt: -1 });
    conn.model<Row>('Row', schema);
  });

  afterAll(async () => {
    await conn?.dropDatabase().catch(() => undefined);
    await conn?.close();
  });

  it('builds the unique indexes everywhere and the secondary ones only where the server reads them', async () => {
    const rows = conn.models.Row;
    // What an older data directory holds: a secondary index built before.
    await rows.collection.createIndex({ legacy: 1 });

    const { secondaryIndexes } = await syncModelIndexes(conn);
    const names = (await rows.collection.indexes()).map((i) => i.name).sort();

    if (ferretdb) {
      expect(secondaryIndexes).toBe(false);
      expect(names).toEqual(['_id_', 'externalId_1']);
    } else {
      expect(secondaryIndexes).toBe(true);
      expect(names).toEqual(expect.arrayContaining(['_id_', 'externalId_1', 'category_1_respondedAt_-1', 'respondedAt_-1']));
    }

    // The constraint holds either way.
    await rows.create({ _id: 'a', externalId: 'x', category: 'PROMOTER', respondedAt: new Date() });
    const second = await rows.create({ _id: 'b', externalId: 'x', category: 'PROMOTER', respondedAt: new Date() }).catch((e: unknown) => e);
    expect(isDuplicateKeyError(second)).toBe(true);

    // Idempotent: a second run changes nothing.
    await syncModelIndexes(conn);
    expect((await rows.collection.indexes()).map((i) => i.name).sort()).toEqual(names);
  });
});
