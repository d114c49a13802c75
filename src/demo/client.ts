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

/** Polls `importProgress` until nothing is pending (or the time runs out). */
export async function waitForAnalysis(
  client: GraphqlClient,
  {
    requestId,
    intervalMs = 2_000,
    timeoutMs = 30 * 60_000,
    onProgress,
  }: { requestId: string | null; intervalMs?: number; timeoutMs?: number; onProgress?: (p: Progress) => void },
): Promise<Progress> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { data } = await client.request<{ importProgress: Progress }>(PROGRESS, { requestId });
    onProgress?.(data.importProgress);
    if (data.importProgress.complete) return data.importProgress;
    if (Date.now() > deadline)
      throw new Error(`analysis not finished after ${Math.round(timeoutMs / 1000)} s (${data.importProgress.pending} pending)`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
