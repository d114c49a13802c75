/**
 * The safety net that makes "every response is analysed" true even when Redis lost jobs or was
 * down at submit time: responses PENDING for longer than a threshold get their job back (added if
 * missing, retried if it failed without the response being marked), and unfinished backfills get
 * theirs. Job ids make all of it idempotent, so running it often, or on several workers at
 * once, is harmless. Re-analysis requests (taxonomy changes) set responses PENDING at a new
 * revision, so "revision behind" responses are covered by the same query.
 */
import type { Logger } from '../logger.js';
import type { ResponseAnalysisRepository } from '../../models/response/response-analysis.repository.js';
import type { BackfillService } from './backfill.service.js';
import type { PipelineQueue } from './pipeline.ports.js';

/** Most stale responses one round handles (the next round takes the rest). */
export const RECONCILE_BATCH = 1000;

export interface ReconcileReport {
  stale: number;
  added: number;
  retried: number;
  backfillsRequeued: number;
}

export class ReconcilerService {
  constructor(
    private readonly deps: {
      responses: ResponseAnalysisRepository;
      backfills: BackfillService;
      queue: Pick<PipelineQueue, 'ensureQueued' | 'ensureBackfillQueued'>;
      staleAfterSeconds: number;
      log: Logger;
      now?: () => Date;
    },
  ) {}

  async reconcile(): Promise<ReconcileReport> {
    const now = this.deps.now?.() ?? new Date();
    const before = new Date(now.getTime() - this.deps.staleAfterSeconds * 1000);
    const stale = await this.deps.responses.findStalePending(before, RECONCILE_BATCH);
    const outcome = await this.deps.queue.ensureQueued(
      stale.map((r) => ({ responseId: r._id.toHexString(), revision: r.analysisRevision, requestId: r.requestId })),
    );
    let backfillsRequeued = 0;
    for (const backfill of await this.deps.backfills.running()) {
      if ((await this.deps.queue.ensureBackfillQueued(backfill.version)) !== 'queued') backfillsRequeued++;
    }
    const report = { stale: stale.length, added: outcome.added, retried: outcome.retried, backfillsRequeued };
    if (report.added || report.retried || backfillsRequeued) this.deps.log.info(report, 'reconciler re-enqueued lost work');
    else this.deps.log.debug(report, 'reconciler found nothing lost');
    return report;
  }
}
