/**
 * The job catalogue's schedules come back on their own: a Redis that lost its data (a failover to
 * an empty replica) must not leave the reconciler, the outbox drain or the SLA sweep unscheduled
 * until some worker restarts. The worker re-asserts them every VERBATIM_SCHEDULES_EVERY_SECONDS.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULE_CATALOGUE, type QueueName } from '../../jobs/registry.js';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.js';
import { testRedisPrefix, testRedisUrl } from '../helpers/services.js';

const NAME = 'job-schedules';

describe('job schedules', () => {
  let app: TestApp;
  let redis: Redis;
  const queues = new Map<QueueName, Queue>();
  const queue = (name: QueueName) => {
    if (!queues.has(name)) queues.set(name, new Queue(name, { connection: redis, prefix: testRedisPrefix(NAME) }));
    return queues.get(name)!;
  };
  const scheduledIds = async () => {
    const ids = new Set<string>();
    for (const name of new Set(SCHEDULE_CATALOGUE.map((s) => s.queue))) {
      for (const scheduler of await queue(name).getJobSchedulers()) ids.add(scheduler.key);
    }
    return ids;
  };
  const everySchedule = SCHEDULE_CATALOGUE.map((s) => s.id).sort();

  beforeAll(async () => {
    app = await startTestApp(NAME, { roles: ['worker'], env: { VERBATIM_SCHEDULES_EVERY_SECONDS: '1' } });
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  }, 120_000);

  afterAll(async () => {
    for (const q of queues.values()) await q.close();
    redis?.disconnect();
    await app?.stop();
  });

  it('schedules every repeatable job of the catalogue when a worker starts', async () => {
    expect([...(await scheduledIds())].sort()).toEqual(everySchedule);
  });

  it('puts the schedules back after Redis lost them, without a restart', async () => {
    for (const schedule of SCHEDULE_CATALOGUE) await queue(schedule.queue).removeJobScheduler(schedule.id);
    expect((await scheduledIds()).size).toBe(0);
    const back = await waitFor(
      async () => {
        const ids = await scheduledIds();
        return ids.size === everySchedule.length ? ids : null;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: 'the schedules to come back' },
    );
    expect([...back].sort()).toEqual(everySchedule);
  });
});
