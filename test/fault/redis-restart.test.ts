/**
 * Redis restarted while responses are being submitted, on a Redis of this file's own (the shared
 * one serves other files). Submits keep succeeding during the outage (responses are stored
 * PENDING); once Redis is back on the same port the workers reconnect, the reconciler re-enqueues
 * what was never queued, and every response ends DONE, once, without restarting the app.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedis, type RedisService } from '../../src/local-services/index.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { expectAllAnalysedOnce, responseInput, SUBMIT } from './fault-helpers.js';

let dataDir: string;
let redis: RedisService;
let app: TestApp;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'verbatim-fault-redis-'));
  // Append-only file on, as `npm start` runs it: BullMQ's job scheduler survives the restart.
  redis = await startRedis({ dataDir, persistent: true, log: () => {}, env: { ...process.env, REDIS_URL: undefined } });
  app = await startTestApp('fault-redis', {
    env: {
      REDIS_URL: redis.url,
      VERBATIM_RECONCILE_EVERY_SECONDS: '5',
      VERBATIM_RECONCILE_AFTER_SECONDS: '1',
      VERBATIM_JOB_LOCK_SECONDS: '5',
    },
  });
});

afterAll(async () => {
  await app?.stop();
  await redis?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('Redis restarted during submits', () => {
  it('accepts submits while Redis is down and analyses every response exactly once after it is back', async () => {
    const accepted = new Set<string>();
    const submit = async (i: number) => {
      const input = responseInput('redis', i);
      const result = await app.gql(SUBMIT, { input });
      expect(result.status, JSON.stringify(result.errors)).toBeLessThan(500);
      expect(result.errors, `submit ${i}`).toBeUndefined();
      accepted.add(input.externalId);
    };

    for (let i = 0; i < 10; i++) await submit(i);

    await redis.stop();
    const ready = await fetch(app.url.replace(/\/graphql$/, '/readyz'));
    expect(ready.status).toBe(503);
    expect((await ready.json()).checks.redis).toMatch(/^error/);
    // During the outage: stored PENDING, enqueue left to the reconciler.
    for (let i = 10; i < 25; i++) await submit(i);
    const pending = await app.gql(`{ responses(filter: { analysisStatus: PENDING }, first: 1) { totalCount } }`);
    expect(pending.data!.responses.totalCount).toBeGreaterThan(0);

    await redis.restart();
    for (let i = 25; i < 35; i++) await submit(i);

    await expectAllAnalysedOnce(app.gql, accepted, { timeoutMs: 75_000 });
    const readyAgain = await fetch(app.url.replace(/\/graphql$/, '/readyz'));
    expect(readyAgain.status).toBe(200);
  }, 120_000);
});
