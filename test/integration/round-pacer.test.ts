import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { createAlertsHandler } from '../../jobs/alerts.handler.js';
import { JOBS, type AlertSlaCheckPayload } from '../../jobs/queues.js';
import { RoundPacer } from '../../jobs/round-pacer.js';
import { createLogger } from '../../src/logger.js';
import { testRedisPrefix, testRedisUrl } from '../helpers/services.js';

/** A clock that moves `ms` on each reading: a round (two readings) "takes" `ms` without the test waiting. */
function clockStepping(ms: number) {
  let t = 0;
  return () => (t += ms);
}

describe('RoundPacer over real Redis', () => {
  const redis = new Redis(testRedisUrl());
  const key = `${testRedisPrefix('round-pacer')}:resting`;
  afterAll(() => redis.quit());

  it('after a slow round, every worker skips the rounds until the rest is over', async () => {
    const pacing = { share: 0.5, maxRestMs: 400, minPacedMs: 100 };
    const workerA = new RoundPacer(redis, key, pacing, clockStepping(1_000));
    const workerB = new RoundPacer(redis, key, pacing, clockStepping(1_000));
    let rounds = 0;
    const round = async () => ++rounds;

    const first = await workerA.run(round);
    expect(first).toEqual({ ran: true, result: 1, tookMs: 1_000, restMs: 400 });
    const skipped = await workerB.run(round);
    expect(skipped.ran).toBe(false);
    expect(!skipped.ran && skipped.restingForMs).toBeGreaterThan(0);
    expect(rounds).toBe(1);

    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await workerB.run(round)).toMatchObject({ ran: true, result: 2 });
  });

  it('rounds faster than minPacedMs never rest', async () => {
    const fast = new RoundPacer(redis, `${key}:fast`, { share: 0.1, maxRestMs: 60_000, minPacedMs: 100 }, clockStepping(50));
    for (let i = 0; i < 3; i++) expect(await fast.run(async () => i)).toMatchObject({ ran: true, restMs: 0 });
    expect(await redis.exists(`${key}:fast`)).toBe(0);
  });

  it('a round that fails sets no rest', async () => {
    const pacer = new RoundPacer(redis, `${key}:failing`, { share: 0.1, maxRestMs: 60_000, minPacedMs: 100 }, clockStepping(5_000));
    await expect(pacer.run(() => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect(await redis.exists(`${key}:failing`)).toBe(0);
  });

  it('the SLA sweep job: a slow sweep makes the next sweeps rest, on every worker', async () => {
    let sweeps = 0;
    const alerts = {
      flagBreaches: async () => {
        sweeps++;
        return { breached: 2, escalated: 0 };
      },
    };
    const pacing = { share: 0.5, maxRestMs: 400, minPacedMs: 100 };
    const workerA = createAlertsHandler(alerts, new RoundPacer(redis, `${key}:sla`, pacing, clockStepping(1_000)), createLogger('silent'));
    const workerB = createAlertsHandler(alerts, new RoundPacer(redis, `${key}:sla`, pacing, clockStepping(1_000)), createLogger('silent'));
    const job = { name: JOBS.alertSlaCheck } as Job<AlertSlaCheckPayload>;
    expect(await workerA(job)).toEqual({ breached: 2, escalated: 0 });
    expect(await workerB(job)).toMatchObject({ skipped: 'resting after a slow sweep' });
    expect(sweeps).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(await workerB(job)).toEqual({ breached: 2, escalated: 0 });
  });
});
