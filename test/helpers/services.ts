/**
 * Addresses of the run's shared test servers (started by test/setup/global-setup.ts), with a
 * database and a queue prefix of its own for each test file, so files never see each other's data.
 */
import { inject } from 'vitest';
import { testDatabaseName, testQueuePrefix, withDatabase } from '../setup/naming.js';
import '../setup/provided-context.js';

function provided(key: 'verbatimMongoUri' | 'verbatimRedisUrl' | 'verbatimRunId'): string {
  const value = inject(key);
  if (!value) {
    throw new Error(
      `test services are not running (no ${key}): only the "integration" project starts them. ` +
        'Put tests that need MongoDB or Redis outside test/unit.',
    );
  }
  return value;
}

/** The database name `testMongoUri(name)` uses: unique to this run, this name and this worker process. */
function testDbName(name: string): string {
  return testDatabaseName(provided('verbatimRunId'), name);
}

/** A MongoDB URI whose database belongs to the calling test file. Pass a name unique to the file. */
export function testMongoUri(name: string): string {
  return withDatabase(provided('verbatimMongoUri'), testDbName(name));
}

export function testRedisUrl(): string {
  return provided('verbatimRedisUrl');
}

/** A BullMQ / pub-sub key prefix for the calling test file, so files never share queues. */
export function testRedisPrefix(name: string): string {
  return testQueuePrefix(provided('verbatimRunId'), name);
}
