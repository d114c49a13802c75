/**
 * The alerts queue's job: the repeatable SLA sweep (scheduled by the catalogue, jobs/registry.ts),
 * paced so slow sweeps rest (jobs/round-pacer.ts, SLA_SWEEP_PACING). Only calls the alert service.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { metrics } from '../src/metrics.js';
import type { AlertService } from '../src/services/alerts/alert.service.js';
import { JOBS, type AlertSlaCheckPayload } from './queues.js';
import type { RoundPacer } from './round-pacer.js';
import type { Logger } from '../src/logger.js';

export function createAlertsHandler(alerts: Pick<AlertService, 'flagBreaches'>, pacer: RoundPacer, log: Logger) {
  return async (job: Job<AlertSlaCheckPayload>): Promise<unknown> => {
    if (job.name !== JOBS.alertSlaCheck) throw new UnrecoverableError(`unknown alerts job "${job.name}"`);
    return pacer.runJob(
      async () => {
        const result = await alerts.flagBreaches();
        metrics.slaBreaches.inc(result.breached);
        return result;
      },
      'sweep',
      log,
    );
  };
}
