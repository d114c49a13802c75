/**
 * Re-analysis after a taxonomy change. Which responses can a change affect? Theme matching uses
 * keywords, synonyms, stems and example similarity over the whole text, so no cheap query can say
 * which comments a new keyword or example would now match. The simplest correct choice is every
 * response with a non-empty comment that is not yet analysed with this version or a newer one
 * (responses without a comment have no themes under any taxonomy).
 *
 * A backfill is a resumable scan in _id order: each batch moves the affected responses to their
 * next analysis revision (status PENDING; the old analysis stays readable until replaced),
 * enqueues their jobs, then saves the scan position. A crash repeats at most one batch, which is
 * harmless (a job for an older revision is skipped as superseded). A newer taxonomy version
 * supersedes a running backfill: its own backfill covers everything.
 */
import type { Logger } from '../../logger.js';
import type { ResponseAnalysisRepository, ReanalysisCandidate } from '../../../models/response/response-analysis.repository.js';
import type { BackfillEntity, BackfillStatus } from '../../../models/taxonomy/taxonomy.entity.js';
import type { TaxonomyRepository } from '../../../models/taxonomy/taxonomy.repository.js';
import type { PipelineQueue } from './ports.js';

const BACKFILL_BATCH_SIZE = 200;

export interface BackfillProgress {
  version: number;
  reason: string;
  /** RUNNING while the scan queues responses; DONE once everything affected is queued. */
  status: BackfillStatus;
  startedAt: Date;
  finishedAt: Date | null;
  /** Responses looked at by the scan so far. */
  scanned: number;
  /** Responses queued for re-analysis so far: the total once the scan is DONE. */
  total: number;
  /** Re-analysed (or superseded by a newer change). */
  done: number;
  /** Still waiting for their re-analysis. */
  pending: number;
  /** Whose re-analysis failed after every retry (their previous analysis stays). */
  failed: number;
  /** Scan finished and nothing pending. */
  complete: boolean;
}

function needsReanalysis(response: ReanalysisCandidate, version: number): boolean {
  if (typeof response.comment !== 'string' || response.comment.trim() === '') return false;
  const analysedWith = response.analysis?.taxonomyVersion;
  return !(typeof analysedWith === 'number' && analysedWith >= version);
}

export class BackfillService {
  constructor(
    private readonly deps: {
      taxonomy: TaxonomyRepository;
      responses: ResponseAnalysisRepository;
      queue: Pick<PipelineQueue, 'schedule' | 'scheduleBackfill'>;
      log: Logger;
      batchSize?: number;
      now?: () => Date;
    },
  ) {}

  /** The same service scheduling through another queue connection (the worker's own). */
  withQueue(queue: Pick<PipelineQueue, 'schedule' | 'scheduleBackfill'>): BackfillService {
    return new BackfillService({ ...this.deps, queue });
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Records the backfill of `version` and enqueues it; if Redis is down the reconciler enqueues it later. */
  async start(version: number, reason: string): Promise<BackfillEntity> {
    const record = await this.deps.taxonomy.createBackfill(version, reason, this.now());
    try {
      await this.deps.queue.scheduleBackfill(version);
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message, version }, 'could not enqueue the backfill; the reconciler will');
    }
    return record;
  }

  /** Runs (or resumes) the scan of `version`. Returns the status it ended with. */
  async run(version: number, onProgress?: (scanned: number, requeued: number) => Promise<void>): Promise<BackfillStatus | null> {
    const record = await this.deps.taxonomy.findBackfill(version);
    if (!record) return null;
    if (record.status !== 'RUNNING') return record.status;
    let scanned = record.scanned;
    let requeued = record.requeued;
    let superseded = false;

    await this.deps.responses.scanInIdOrder(record.cursor, this.deps.batchSize ?? BACKFILL_BATCH_SIZE, async (batch) => {
      const state = await this.deps.taxonomy.getState();
      if (state && state.version > version) {
        superseded = true;
        return false;
      }
      const affected = batch.filter((r) => needsReanalysis(r, version));
      const bumped = await this.deps.responses.requestReanalysis(affected, version);
      await this.deps.queue.schedule(bumped.map((r) => ({ responseId: r._id.toHexString(), revision: r.analysisRevision })));
      const last = batch[batch.length - 1]._id;
      await this.deps.taxonomy.advanceBackfill(version, last, batch.length, affected.length);
      scanned += batch.length;
      requeued += affected.length;
      await onProgress?.(scanned, requeued);
      return true;
    });

    const status: BackfillStatus = superseded ? 'SUPERSEDED' : 'DONE';
    await this.deps.taxonomy.finishBackfill(version, status, this.now());
    this.deps.log.info({ version, status, scanned, requeued }, 'taxonomy backfill scan finished');
    return status;
  }

  /** Progress of one backfill (default: the latest). One pass over the responses it queued. */
  async progress(version?: number | null): Promise<BackfillProgress | null> {
    const record = version == null ? await this.deps.taxonomy.latestBackfill() : await this.deps.taxonomy.findBackfill(version);
    if (!record) return null;
    const counts = await this.deps.responses.statusCounts({
      analysisBackfillVersion: record.version,
      analysisStatus: { $in: ['PENDING', 'FAILED'] },
    });
    const pending = record.status === 'SUPERSEDED' ? 0 : counts.PENDING;
    const failed = counts.FAILED;
    return {
      version: record.version,
      reason: record.reason,
      status: record.status,
      startedAt: record.startedAt,
      finishedAt: record.finishedAt,
      scanned: record.scanned,
      total: record.requeued,
      pending,
      failed,
      done: Math.max(0, record.requeued - pending - failed),
      complete: record.status !== 'RUNNING' && pending === 0,
    };
  }

  async running(): Promise<BackfillEntity[]> {
    return this.deps.taxonomy.runningBackfills();
  }
}
