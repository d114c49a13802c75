/**
 * The dispatch queue's handler: the repeatable survey planner tick. The handler only calls the
 * planner; every worker asserts the same schedule (jobs/registry.ts) and the planner itself claims
 * each tick once.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import type { DispatchPlanner } from '../src/services/programme/dispatch-planner.js';
import { JOBS } from './queues.js';

export function createDispatchHandler(planner: DispatchPlanner) {
  return async (job: Job): Promise<unknown> => {
    if (job.name !== JOBS.dispatchPlan) throw new UnrecoverableError(`unknown dispatch job "${job.name}"`);
    return (await planner.tick()) ?? { planned: 'by another worker' };
  };
}
