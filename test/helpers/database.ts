/** A test file's own database on the test server, connected before its tests and closed after them. */
import { afterAll, beforeAll } from 'vitest';
import { connectDatabase, type Database } from '../../models/database.js';
import { testMongoUri } from './services.js';

/** Registers the file's hooks; the returned function gives the connected database inside a test. */
export function useTestDatabase(name: string): () => Database {
  let db: Database | undefined;
  beforeAll(async () => {
    db = await connectDatabase({ uri: testMongoUri(name) });
    await db.syncIndexes();
  }, 60_000);
  afterAll(async () => {
    await db?.close();
  });
  return () => {
    if (!db) throw new Error(`the test database ${name} is not connected yet`);
    return db;
  };
}
