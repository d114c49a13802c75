/**
 * Two API instances (or two requests) that find the same rollup cache stale rebuild it at the same
 * moment: both upsert the same cache ids. The loser of the insert race must not fail its query.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase, type Database } from '../../models/database.js';
import type { CacheDoc } from '../../models/rollup/rollup.entity.js';
import { testMongoUri } from '../helpers/services.js';

describe('rollup caches rebuilt concurrently', () => {
  let db: Database;

  beforeAll(async () => {
    db = await connectDatabase({ uri: testMongoUri('rollup-cache-race') });
  });

  afterAll(async () => {
    await db?.connection.close();
  });

  it('stores each cache once and fails no writer', async () => {
    const docs = (round: number): CacheDoc[] =>
      Array.from({ length: 20 }, (_, i) => ({
        _id: `d|2024-01-${String(i + 1).padStart(2, '0')}|race${round}`,
        f: 1,
        clock: 1,
        rows: '[]',
        builtAt: new Date(),
      }));
    for (let round = 0; round < 5; round++) {
      const writers = Array.from({ length: 6 }, () => db.rollups.putCaches('race', docs(round)));
      const outcomes = await Promise.allSettled(writers);
      expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String(o.reason))).toEqual([]);
    }
    const stored = await db.rollups.getCaches(
      'race',
      docs(4).map((d) => d._id),
    );
    expect(stored).toHaveLength(20);
  });
});
