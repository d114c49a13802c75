/**
 * The BullMQ side of the pipeline's queue port: enqueues analysis jobs in chunks with
 * deduplicating ids, enqueues backfills, repairs lost or failed jobs for the reconciler, and
 * reports job counts.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AnalysisJobRef, EnsureQueuedOutcome, PipelineQueue, QueueCounts } from '../src/services/pipeline/ports.js';
import { ANALYSIS_JOB_OPTIONS, analysisJobId, BACKFILL_JOB_OPTIONS, backfillJobId } from './options.js';
import { JOBS, QUEUES, type AnalyzeResponsePayload, type MaintenancePayload } from './queues.js';
import { producerQueue } from './producer-queue.js';

/** addBulk runs in one Redis round trip per chunk; chunks keep each call bounded. */
const CHUNK = 500;
/** Job-state lookups the reconciler runs at once. */
const STATE_LOOKUPS = 100;

export class BullAnalysisScheduler implements PipelineQueue {
  readonly queue: Queue<AnalyzeResponsePayload>;
  readonly maintenance: Queue<MaintenancePayload>;

  constructor(connection: Redis, prefix: string) {
    this.queue = producerQueue<AnalyzeResponsePayload>(QUEUES.analysis, { connection, prefix });
    this.maintenance = producerQueue<MaintenancePayload>(QUEUES.maintenance, { connection, prefix });
  }

  async schedule(jobs: AnalysisJobRef[]): Promise<void> {
    for (let i = 0; i < jobs.length; i += CHUNK) {
      await this.queue.addBulk(jobs.slice(i, i + CHUNK).map(toBulkJob));
    }
  }

  async scheduleBackfill(version: number): Promise<void> {
    await this.maintenance.add(JOBS.taxonomyBackfill, { version }, { ...BACKFILL_JOB_OPTIONS, jobId: backfillJobId(version) });
  }

  async ensureQueued(jobs: AnalysisJobRef[]): Promise<EnsureQueuedOutcome> {
    const outcome: EnsureQueuedOutcome = { added: 0, retried: 0, queued: 0 };
    for (let i = 0; i < jobs.length; i += STATE_LOOKUPS) {
      const chunk = jobs.slice(i, i + STATE_LOOKUPS);
      const states = await Promise.all(chunk.map((job) => this.queue.getJobState(analysisJobId(job.responseId, job.revision))));
      const missing: AnalysisJobRef[] = [];
      for (const [k, state] of states.entries()) {
        const job = chunk[k];
        const id = analysisJobId(job.responseId, job.revision);
        if (state === 'unknown') {
          missing.push(job);
        } else if (state === 'failed') {
          // Failed for good but the response was never marked (the marking itself failed): try again.
          await (await this.queue.getJob(id))?.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
          outcome.retried++;
        } else if (state === 'completed') {
          // Completed while its response is still PENDING at this revision: run it again.
          await this.queue.remove(id);
          missing.push(job);
        } else {
          outcome.queued++;
        }
      }
      if (missing.length) await this.queue.addBulk(missing.map(toBulkJob));
      outcome.added += missing.length;
    }
    return outcome;
  }

  async ensureBackfillQueued(version: number): Promise<'added' | 'retried' | 'queued'> {
    const id = backfillJobId(version);
    const state = await this.maintenance.getJobState(id);
    if (state === 'failed') {
      await (await this.maintenance.getJob(id))?.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      return 'retried';
    }
    if (state === 'unknown' || state === 'completed') {
      // A completed job whose record is still RUNNING was interrupted in a way that lost its end: rerun.
      if (state === 'completed') await this.maintenance.remove(id);
      await this.scheduleBackfill(version);
      return 'added';
    }
    return 'queued';
  }

  async analysisCounts(): Promise<QueueCounts> {
    const counts = await this.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'completed', 'failed');
    return {
      waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
    };
  }

  async close(): Promise<void> {
    await Promise.all([this.queue.close(), this.maintenance.close()]);
  }
}

function toBulkJob(job: AnalysisJobRef) {
  return {
    name: JOBS.analyzeResponse,
    data: { responseId: job.responseId, revision: job.revision, requestId: job.requestId ?? null },
    opts: { ...ANALYSIS_JOB_OPTIONS, jobId: analysisJobId(job.responseId, job.revision) },
  };
}
