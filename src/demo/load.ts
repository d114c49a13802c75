/**
 * Loads the sample programme through `importResponses`, runs its survey programme (touchpoint events,
 * invitations, answers closing the loop: survey-programme.ts) and waits until everything is analysed.
 */
import { type GraphqlClient, importInBatches, waitForAnalysis, type ImportTotals, type Progress } from './client.js';
import { generateSampleEvents, generateSampleProgramme } from './sample-programme.js';
import { runSurveyProgramme, type ProgrammeResult } from './survey-programme.js';

export interface LoadOptions {
  size: number;
  seed: number;
  end?: Date;
  /** Called after every progress poll (a progress bar). */
  onProgress?: (p: Progress) => void;
  onImported?: (totals: ImportTotals) => void;
  pollMs?: number;
  /** The service's VERBATIM_DISPATCH_EVERY_SECONDS: how long to wait for the planner. */
  dispatchEverySeconds?: number;
  /** false: only the responses, no survey programme (tests that need a fixed data set and no planner). */
  withProgramme?: boolean;
}

export interface LoadResult {
  imported: ImportTotals;
  /** null when loaded without the programme. */
  programme: ProgrammeResult | null;
  progress: Progress;
  seconds: number;
}

/** The x-request-id of a programme: the same on every run, so progress also covers earlier loads. */
function demoRequestId(seed: number, size: number): string {
  return `demo-${seed}-${size}`;
}

export async function loadSampleProgramme(
  client: GraphqlClient,
  { size, seed, end, onProgress, onImported, pollMs = 1_000, dispatchEverySeconds = 300, withProgramme = true }: LoadOptions,
): Promise<LoadResult> {
  const start = performance.now();
  const rows = generateSampleProgramme({ size, seed, end });
  const requestId = demoRequestId(seed, size);
  const imported = await importInBatches(client, rows, { requestId, batch: 1_000 });
  onImported?.(imported);
  const programme = withProgramme
    ? await runSurveyProgramme(client, generateSampleEvents({ size, seed }), { requestId, tickSeconds: dispatchEverySeconds, pollMs })
    : null;
  const progress = await waitForAnalysis(client, { requestId, intervalMs: pollMs, onProgress });
  return { imported, programme, progress, seconds: (performance.now() - start) / 1000 };
}
