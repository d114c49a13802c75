/** The analysis job: calls the analysis service; maps its permanent errors to UnrecoverableError. */
import { UnrecoverableError, type Job } from 'bullmq';
import { PermanentAnalysisError, type AnalysisOutcome, type AnalysisService } from '../src/services/analysis.service.js';
import type { AnalyzeResponsePayload } from './queues.js';

export function createAnalysisHandler(analysis: AnalysisService) {
  return async (job: Job<AnalyzeResponsePayload>): Promise<AnalysisOutcome> => {
    try {
      return await analysis.analyzeResponse({
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
