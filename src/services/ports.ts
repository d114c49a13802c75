/** The small interfaces services use to reach the queue and pub/sub, so they stay testable. */

export interface AnalysisJobRef {
  responseId: string;
  revision: number;
  requestId?: string | null;
}

export interface AnalysisScheduler {
  /** Enqueues analysis; duplicates of the same response and revision collapse into one job. */
  schedule(jobs: AnalysisJobRef[]): Promise<void>;
}
