/** What the global setup hands to test files through vitest's provide/inject. */
declare module 'vitest' {
  export interface ProvidedContext {
    /** MongoDB-compatible server for this run, without a database name. */
    verbatimMongoUri: string;
    verbatimRedisUrl: string;
    /** Distinguishes this run's databases and queue prefixes from other runs on shared servers. */
    verbatimRunId: string;
  }
}

export {};
