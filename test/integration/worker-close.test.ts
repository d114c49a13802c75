/**
 * Closing BullMQ workers past the shutdown grace, on the real Redis: a job still running when
 * the grace ends still completes once it finishes, because its worker's connection stays open
 * until that worker has closed. (Cutting it at the grace once left a late reconcile job retrying
 * its completion on a dead connection in a microtask loop with no pause: the test process of
 * test/fault/redis-restart.test.ts spun its CPU and never reported, CI stopped it as stuck.)
 */
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { closeWorkers } from '../../jobs/close-workers.js';
import { waitFor } from '../helpers/app.js';
import { testRedisPrefix, testRedisUrl } from '../helpers/services.js';

const prefix = testRedisPrefix('worker-close');
const connections: Redis[] = [];
const connect = () => {
  const redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  connections.push(redis);
  return redis;
};

afterAll(() => {
  for (const redis of connections) redis.disconnect();
});

describe('closeWorkers', () => {
  it('gives up waiting at the grace, yet lets a late job complete and then closes its connection', async () => {
    const queue = new Queue('slow', { connection: connect(), prefix });
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const connection = connect();
    const worker = new Worker(
      'slow',
      async (job: Job<{ n: number }>) => {
        started();
        await released;
        return job.data.n * 2;
      },
      { connection, prefix },
    );
    const job = await queue.add('slow', { n: 21 });
    await running;

    const t0 = Date.now();
    expect(await closeWorkers([{ worker, connection }], 300)).toBe('timeout');
    expect(Date.now() - t0).toBeLessThan(5_000);
    // Past the grace the worker's connection is still there for the job that is still running.
    expect(connection.status).toBe('ready');

    release();
    await waitFor(async () => (await queue.getJobState(job.id!)) === 'completed', {
      timeoutMs: 15_000,
      what: 'the late job to complete',
    });
    expect((await queue.getJob(job.id!))?.returnvalue).toBe(42);
    await waitFor(async () => connection.status === 'end', {
      timeoutMs: 15_000,
      what: "the worker's connection to close after the worker",
    });
    await queue.close();
  });

  it("closes at once when nothing runs, and only then disconnects each worker's connection", async () => {
    const connection = connect();
    const worker = new Worker('idle', async () => undefined, { connection, prefix });
    await worker.waitUntilReady();
    expect(await closeWorkers([{ worker, connection }], 10_000)).toBe('closed');
    await waitFor(async () => connection.status === 'end', { timeoutMs: 5_000, what: "the worker's connection to close" });
  });
});
