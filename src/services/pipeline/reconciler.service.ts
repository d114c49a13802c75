/**
 * The safety net that makes "every response is analysed" true even when Redis lost jobs or was
 * down at submit time: responses PENDING for longer than a threshold get their job back (added if
 * missing, retried if it failed without the response being marked), and unfinished backfills get
 * theirs. Job ids make all of it idempotent, so running it often, or on several workers at
 * once, is harmless. Re-analysis requests (taxonomy changes) set responses PENDING at a new
 * revision, so "revision behind" responses are covered by the same query.
 *
 * Its second scan repairs analysed responses whose after-analysis effects never completed (the
 * batch's record of owed effects, written before its analyses, is still open after the same
 * threshold: models/response/open-effects.repository.ts): it re-runs their effects, which are idempotent (rollup entries are set per response, alert ids are
 * deterministic, events keep their ids), so a repair never counts or pages twice.
 */
import type { Logger } from '../../logger.js';
import type { ResponseAnalysisRepository } from '../../../models/response/response-analysis.repository.js';
import type { OpenEffectsRepository } from '../../../models/response/open-effects.repository.js';
import type { BackfillService } from './backfill.service.js';
import type { PipelineQueue } from './ports.js';

/** Most stale responses one round handles (the next round takes the rest). */
const RECONCILE_BATCH = 1000;
/** Most responses whose effects one round re-runs (together: one read, each effect once). */
const EFFECTS_REPAIR_BATCH = 200;

export interface ReconcileReport {
  stale: number;
  added: number;
  retried: number;
  backfillsRequeued: number;
  /** Analysed responses whose unfinished effects were re-run to completion / failed again. */
  effectsRepaired: number;
  effectsFailed: number;
}

export class ReconcilerService {
  constructor(
    private readonly deps: {
      responses: ResponseAnalysisRepository;
      openEffects: OpenEffectsRepository;
      backfills: BackfillService;
      queue: Pick<PipelineQueue, 'ensureQueued' | 'ensureBackfillQueued'>;
      /** Re-runs the effects of analysed responses, together (AnalysisService.resumeEffects). */
      effects: { resumeEffects(refs: readonly { responseId: string; revision: number }[]): Promise<Map<string, boolean | Error>> };
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
    const { repaired: effectsRepaired, failed: effectsFailed } = await this.repairEffects(before);
    const report = {
      stale: stale.length,
      added: outcome.added,
      retried: outcome.retried,
      backfillsRequeued,
      effectsRepaired,
      effectsFailed,
    };
    if (report.added || report.retried || backfillsRequeued || effectsRepaired || effectsFailed)
      this.deps.log.info(report, 'reconciler re-enqueued lost work');
    else this.deps.log.debug(report, 'reconciler found nothing lost');
    return report;
  }

  /** Re-runs unfinished effects, together; one response failing again is logged and left for the next round. */
  private async repairEffects(before: Date): Promise<{ repaired: number; failed: number }> {
    const unfinished = await this.deps.openEffects.findStale(before, EFFECTS_REPAIR_BATCH);
    if (unfinished.length === 0) return { repaired: 0, failed: 0 };
    const outcome = await this.deps.effects.resumeEffects(
      unfinished.flatMap((open) => open.refs.map((ref) => ({ responseId: ref._id.toHexString(), revision: ref.analysisRevision }))),
    );
    // Each batch's record keeps only what failed again (nothing left: closed).
    for (const open of unfinished)
      await this.deps.openEffects.close(
        open.id,
        open.refs.filter((ref) => outcome.get(ref._id.toHexString()) instanceof Error),
      );
    let repaired = 0;
    let failed = 0;
    for (const [responseId, result] of outcome) {
      if (result === true) repaired++;
      else if (result instanceof Error) {
        failed++;
        this.deps.log.warn({ err: result.message, responseId }, 'after-analysis effects failed again; the next round retries');
      }
    }
    return { repaired, failed };
  }
}
