/** A small GraphQL-over-HTTP client and the import/progress calls the demo and bench/pipeline.ts share. */

export interface GraphqlError {
  message: string;
  extensions?: { code?: string };
}

export class GraphqlClient {
  constructor(
    readonly url: string,
    private readonly key: string | null,
  ) {}

  /** Data of the query; throws with the first error's message when there is no data. */
  async request<T>(
    query: string,
    variables: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ): Promise<{ data: T; errors?: GraphqlError[] }> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(this.key ? { authorization: `Bearer ${this.key}` } : {}), ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json().catch(() => ({}))) as { data?: T; errors?: GraphqlError[] };
    if (!body.data) throw new Error(`GraphQL ${res.status}: ${body.errors?.[0]?.message ?? 'no data'}`);
    return { data: body.data, errors: body.errors };
  }
}

const IMPORT = `mutation($input: [ResponseInput!]!) { importResponses(input: $input) { accepted duplicates errors { index message } } }`;
const PROGRESS = `query($requestId: String) { importProgress(requestId: $requestId) { total pending done failed complete } }`;
const QUEUED = `query { importProgress { queue { waiting active delayed } } }`;

export interface ImportTotals {
  accepted: number;
  duplicates: number;
  errors: number;
}

/** Imports rows in batches under one x-request-id, so `importProgress(requestId)` follows them all. */
export async function importInBatches(
  client: GraphqlClient,
  rows: unknown[],
  { requestId, batch = 1_000 }: { requestId: string; batch?: number },
): Promise<ImportTotals> {
  const totals: ImportTotals = { accepted: 0, duplicates: 0, errors: 0 };
  for (let i = 0; i < rows.length; i += batch) {
    const { data } = await client.request<{ importResponses: { accepted: number; duplicates: number; errors: unknown[] } }>(
      IMPORT,
      { input: rows.slice(i, i + batch) },
      { 'x-request-id': requestId },
    );
    totals.accepted += data.importResponses.accepted;
    totals.duplicates += data.importResponses.duplicates;
    totals.errors += data.importResponses.errors.length;
  }
  return totals;
}

export interface Progress {
  total: number;
  pending: number;
  done: number;
  failed: number;
  complete: boolean;
}

/**
 * Polls until nothing of the import is pending (or the time runs out). The database's counts are a
 * pass over the responses (a scan of the whole collection on FerretDB, growing with it), so while
 * the analysis queue still holds jobs only its counts are read (from Redis); the responses are
 * counted when it has drained, and again after each wait while any is still pending (e.g. for the
 * reconciler). In between, `onProgress` gets the last counts with the queued jobs as pending.
 * A key that may not read the queue (scoped) polls the database's counts every time.
 */
export async function waitForAnalysis(
  client: GraphqlClient,
  {
    requestId,
    intervalMs = 2_000,
    timeoutMs = 30 * 60_000,
    onProgress,
    countEveryPoll = false,
  }: {
    requestId: string | null;
    intervalMs?: number;
    timeoutMs?: number;
    onProgress?: (p: Progress) => void;
    /** Count the responses on every poll (how polling worked before; bench:pipeline's comparison). */
    countEveryPoll?: boolean;
  },
): Promise<Progress> {
  const deadline = Date.now() + timeoutMs;
  let counted: Progress | null = null;
  let queueReadable = !countEveryPoll;
  for (;;) {
    const queued = queueReadable && counted ? await queuedJobs(client) : null;
    if (queued === null && counted) queueReadable = false;
    let progress: Progress;
    if (counted && queued) {
      const pending = Math.min(counted.total - counted.failed, queued);
      progress = { ...counted, pending, done: counted.total - counted.failed - pending, complete: false };
    } else {
      progress = counted = (await client.request<{ importProgress: Progress }>(PROGRESS, { requestId })).data.importProgress;
    }
    onProgress?.(progress);
    if (progress.complete) return progress;
    if (Date.now() > deadline)
      throw new Error(`analysis not finished after ${Math.round(timeoutMs / 1000)} s (${progress.pending} pending)`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** Analysis jobs waiting, running or due for a retry; null when this key may not read the queue. */
async function queuedJobs(client: GraphqlClient): Promise<number | null> {
  try {
    const { data } = await client.request<{ importProgress: { queue: { waiting: number; active: number; delayed: number } } }>(QUEUED);
    const q = data.importProgress.queue;
    return q.waiting + q.active + q.delayed;
  } catch {
    return null;
  }
}
