/**
 * Names that keep test files apart on the shared servers of a run: each file gets its own
 * database and its own BullMQ prefix, built from the run id, the file's chosen name and the
 * worker's pid. Global setup uses the same run id to clean up after itself on external servers.
 */

/** Lowercase letters, digits and `_` only: valid for MongoDB, FerretDB and Redis keys alike. */
function slug(name: string, max: number): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, max) || 'test'
  );
}

export function databasePrefix(runId: string): string {
  return `t_${runId}_`;
}

/** At most 63 characters (FerretDB's limit for database names). */
export function testDatabaseName(runId: string, name: string, pid: number = process.pid): string {
  return `${databasePrefix(runId)}${slug(name, 40)}_${pid}`.slice(0, 63);
}

export function redisKeyPrefix(runId: string): string {
  return `t-${runId}-`;
}

/** Fits the `VERBATIM_QUEUE_PREFIX` rule (`[A-Za-z0-9_{}:-]{1,60}`). */
export function testQueuePrefix(runId: string, name: string, pid: number = process.pid): string {
  return `${redisKeyPrefix(runId)}${slug(name, 30)}-${pid}`.slice(0, 60);
}

/** The same server URI with `database` as its path, keeping any query string. */
export function withDatabase(uri: string, database: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(uri);
  if (!match) throw new Error(`not a MongoDB URI: ${uri.replace(/\/\/[^@/]*@/, '//***@')}`);
  return `${match[1]}/${database}${match[2] ?? ''}`;
}
