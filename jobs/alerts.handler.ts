/**
 * The alerts queue's job: the repeatable SLA sweep (scheduled by the catalogue, jobs/registry.ts),
 * paced so slow sweeps rest (jobs/round-pacer.ts, SLA_SWEEP_PACING). Only calls the alert service.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { metrics } from '../src/metrics.js';
import type { AlertService } from '../src/services/alerts/alert.service.js';
import { JOBS, type AlertSlaCheckPayload } from './queues.js';
import type { RoundPacer } from './round-pacer.js';

export function createAlertsHandler(alerts: Pick<AlertService, 'flagBreaches'>, pacer: RoundPacer) {
  return async (job: Job<AlertSlaCheckPayload>): Promise<unknown> => {
    if (job.name !== JOBS.alertSlaCheck) throw new UnrecoverableError(`unknown alerts job "${job.name}"`);
    const round = await pacer.run(() => alerts.flagBreaches());
    if (!round.ran) return { skipped: 'resting after a slow sweep', restingForMs: round.restingForMs };
    metrics.slaBreaches.inc(round.result.breached);
    return round.result;
  };
}
