/**
 * The pipeline's one ports file: what ingest, analysis, backfill, the reconciler and pipeline
 * status need from the job queue, as small interfaces so they stay testable.
 */

export interface AnalysisJobRef {
  responseId: string;
  revision: number;
  requestId?: string | null;
}

export interface AnalysisScheduler {
  /** Enqueues analysis; duplicates of the same response and revision collapse into one job. */
  schedule(jobs: AnalysisJobRef[]): Promise<void>;
}

export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
}

export interface EnsureQueuedOutcome {
  /** Jobs that did not exist (lost with Redis, or never enqueued) and were added. */
  added: number;
  /** Jobs that had failed for good although their response is still PENDING, retried. */
  retried: number;
  /** Jobs waiting, delayed or running: nothing to do. */
  queued: number;
}

export interface PipelineQueue extends AnalysisScheduler {
  /** Enqueues the re-analysis backfill of a taxonomy version (one job per version). */
  scheduleBackfill(version: number): Promise<void>;
  /** Makes sure each response has a live analysis job at its revision. */
  ensureQueued(jobs: AnalysisJobRef[]): Promise<EnsureQueuedOutcome>;
  /** Makes sure an unfinished backfill has a live job; returns what was done. */
  ensureBackfillQueued(version: number): Promise<'added' | 'retried' | 'queued'>;
  /** Job counts of the analysis queue. */
  analysisCounts(): Promise<QueueCounts>;
}
