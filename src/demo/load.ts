/** Loads the sample programme through `importResponses` and waits until it is analysed. */
import { type GraphqlClient, importInBatches, waitForAnalysis, type ImportTotals, type Progress } from './client.js';
import { generateSampleProgramme } from './sample-programme.js';

export interface LoadOptions {
  size: number;
  seed: number;
  end?: Date;
  /** Called after every progress poll (a progress bar). */
  onProgress?: (p: Progress) => void;
  onImported?: (totals: ImportTotals) => void;
  pollMs?: number;
}

export interface LoadResult {
  imported: ImportTotals;
  progress: Progress;
  seconds: number;
}

/** The x-request-id of a programme: the same on every run, so progress also covers earlier loads. */
function demoRequestId(seed: number, size: number): string {
  return `demo-${seed}-${size}`;
}

export async function loadSampleProgramme(
  client: GraphqlClient,
  { size, seed, end, onProgress, onImported, pollMs = 1_000 }: LoadOptions,
): Promise<LoadResult> {
  const start = performance.now();
  const rows = generateSampleProgramme({ size, seed, end });
  const requestId = demoRequestId(seed, size);
  const imported = await importInBatches(client, rows, { requestId, batch: 1_000 });
  onImported?.(imported);
  const progress = await waitForAnalysis(client, { requestId, intervalMs: pollMs, onProgress });
  return { imported, progress, seconds: (performance.now() - start) / 1000 };
}
