/**
 * The analysis job: single-response jobs, coalesced by the worker into batches for the analysis
 * service (src/services/pipeline/analysis.service.ts analyzeBatch); permanent errors become UnrecoverableError.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import {
  PermanentAnalysisError,
  type AnalysisOutcome,
  type AnalysisRequest,
  type AnalysisService,
} from '../src/services/pipeline/analysis.service.js';
import type { Config } from '../src/config.js';
import { Coalescer } from './coalescer.js';
import type { AnalyzeResponsePayload } from './queues.js';

/** The batch size and window from the config (one place for the worker and the sandboxed bench processor). */
export function analysisBatchOptions(config: Pick<Config, 'VERBATIM_ANALYSIS_BATCH' | 'VERBATIM_ANALYSIS_BATCH_WINDOW_MS'>) {
  return { max: config.VERBATIM_ANALYSIS_BATCH, windowMs: config.VERBATIM_ANALYSIS_BATCH_WINDOW_MS };
}

export function createAnalysisHandler(analysis: AnalysisService, batch: { max: number; windowMs: number } = { max: 1, windowMs: 0 }) {
  const coalescer = new Coalescer<AnalysisRequest, AnalysisOutcome>((requests) => analysis.analyzeBatch(requests), batch);
  return async (job: Job<AnalyzeResponsePayload>): Promise<AnalysisOutcome> => {
    try {
      return await coalescer.add({
        responseId: String(job.data?.responseId),
        revision: Number(job.data?.revision),
        // attemptsStarted counts every start, including after a worker died mid-job.
        redelivered: (job.attemptsStarted ?? 1) > 1 || job.attemptsMade > 0,
      });
    } catch (err) {
      if (err instanceof PermanentAnalysisError) throw new UnrecoverableError(err.message);
      throw err;
    }
  };
}

/** True when BullMQ will not try the job again: it is in the failed set (last attempt, unrecoverable, stalled too often). */
export async function isFinalFailure(job: Job): Promise<boolean> {
  return (await job.getState()) === 'failed';
}
