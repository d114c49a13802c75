/** The alerts queue's job: the repeatable SLA sweep (scheduled by the catalogue, jobs/registry.ts). Only calls the alert service. */
import { UnrecoverableError, type Job } from 'bullmq';
import { metrics } from '../src/metrics.js';
import type { AlertService } from '../src/services/alerts/alert.service.js';
import { JOBS, type AlertSlaCheckPayload } from './queues.js';

export function createAlertsHandler(alerts: AlertService) {
  return async (job: Job<AlertSlaCheckPayload>): Promise<unknown> => {
    if (job.name !== JOBS.alertSlaCheck) throw new UnrecoverableError(`unknown alerts job "${job.name}"`);
    const result = await alerts.flagBreaches();
    metrics.slaBreaches.inc(result.breached);
    return result;
  };
}
