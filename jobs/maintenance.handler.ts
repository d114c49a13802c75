/** The maintenance jobs: the reconciler round, taxonomy backfills, the webhook outbox drain, pruning the webhook delivery log and training the corrections adapter. */
import { UnrecoverableError, type Job } from 'bullmq';
import type { BackfillService } from '../src/services/pipeline/backfill.service.js';
import { JOBS, type MaintenancePayload, type TaxonomyBackfillPayload } from './queues.js';

export interface MaintenanceDeps {
  /** One reconciler round (paced by the worker: jobs/round-pacer.ts). */
  reconcile: () => Promise<unknown>;
  backfills: BackfillService;
  pruneWebhookLog: () => Promise<unknown>;
  drainWebhookOutbox: () => Promise<unknown>;
  trainAdapter: () => Promise<unknown>;
}

export function createMaintenanceHandler({ reconcile, backfills, pruneWebhookLog, drainWebhookOutbox, trainAdapter }: MaintenanceDeps) {
  return async (job: Job<MaintenancePayload>): Promise<unknown> => {
    switch (job.name) {
      case JOBS.reconcile:
        return reconcile();
      case JOBS.taxonomyBackfill: {
        const version = Number((job.data as TaxonomyBackfillPayload).version);
        if (!Number.isInteger(version) || version < 1) throw new UnrecoverableError(`malformed backfill job: version ${String(version)}`);
        return backfills.run(version, async (scanned, requeued) => {
          await job.updateProgress({ scanned, requeued });
        });
      }
      case JOBS.pruneWebhookLog:
        return pruneWebhookLog();
      case JOBS.drainWebhookOutbox:
        return drainWebhookOutbox();
      case JOBS.trainAdapter:
        return trainAdapter();
      default:
        throw new UnrecoverableError(`unknown maintenance job "${job.name}"`);
    }
  };
}
