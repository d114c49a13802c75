/**
 * The MongoDB-compatible server restarted while the API is serving, on a server of this file's
 * own (the shared one serves other files). During the outage requests get SERVICE_UNAVAILABLE
 * (never a 500 or a stack) and /readyz answers 503; after the restart the same app answers again,
 * and every accepted response is stored and analysed exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMongo, type MongoService } from '../../src/local-services/index.js';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.js';
import { expectAllAnalysedOnce, responseInput, SUBMIT } from './fault-helpers.js';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dataDir: string;
let mongo: MongoService;
let app: TestApp;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'verbatim-fault-mongo-'));
  // Not ephemeral: its data must survive the restart, as a real server's does.
  mongo = await startMongo({ dataDir, ephemeral: false, log: () => {}, env: { ...process.env, MONGODB_URI: undefined } });
  app = await startTestApp('fault-mongo', {
    env: {
      MONGODB_URI: `${mongo.uri}fault_mongo`,
      VERBATIM_RECONCILE_EVERY_SECONDS: '5',
      VERBATIM_RECONCILE_AFTER_SECONDS: '1',
      VERBATIM_JOB_LOCK_SECONDS: '5',
    },
  });
});

afterAll(async () => {
  await app?.stop();
  await mongo?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const logTail = (file: string | undefined) =>
  file && existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-15).join('\n') : '(none)';

const readyz = async () => {
  const res = await fetch(app.url.replace(/\/graphql$/, '/readyz'));
  return { status: res.status, body: await res.json() };
};

describe('MongoDB-compatible server restarted while serving', () => {
  it('answers SERVICE_UNAVAILABLE during the outage and recovers without an app restart, losing nothing', async () => {
    const accepted = new Set<string>();
    for (let i = 0; i < 10; i++) {
      const input = responseInput('mongo', i);
      const result = await app.gql(SUBMIT, { input });
      expect(result.errors).toBeUndefined();
      accepted.add(input.externalId);
    }

    await mongo.stop();
    const during = await Promise.all([
      app.gql(SUBMIT, { input: responseInput('mongo', 100) }),
      app.gql(SUBMIT, { input: responseInput('mongo', 101) }),
      app.gql(`{ nps { responses } }`),
      app.gql(`{ responses(first: 5) { totalCount } }`),
    ]);
    for (const result of during) {
      expect(result.status, JSON.stringify(result)).toBeLessThan(500);
      expect(result.errors?.[0]?.extensions?.code, JSON.stringify(result)).toBe('SERVICE_UNAVAILABLE');
      expect(JSON.stringify(result)).not.toMatch(/\n\s+at |Mongo\w*Error|ECONNREFUSED/);
    }
    const notReady = await readyz();
    expect(notReady.status).toBe(503);
    expect(notReady.body.checks.mongodb).toMatch(/^error/);
    expect((await fetch(app.url.replace(/\/graphql$/, '/healthz'))).status).toBe(200);

    await mongo.restart();
    // Each distinct answer with its time since the restart: a timeout then says which check failed, and how.
    const restartedAt = Date.now();
    const seen: string[] = [];
    await waitFor(
      async () => {
        const { status, body } = await readyz();
        const answer = `${status} ${JSON.stringify(body.checks)}`;
        if (!seen.at(-1)?.endsWith(answer)) seen.push(`+${Date.now() - restartedAt} ms: ${answer}`);
        return status === 200;
      },
      {
        timeoutMs: 60_000,
        intervalMs: 500,
        what: () => `/readyz after the restart; it answered ${seen.join(' · ')}; server log:\n${logTail(mongo.server?.logFile)}`,
      },
    );
    // The submits refused during the outage are retried by their client, as a survey tool would.
    for (const i of [100, 101, ...Array.from({ length: 10 }, (_, k) => 10 + k)]) {
      const input = responseInput('mongo', i);
      const result = await waitFor(
        async () => {
          const r = await app.gql(SUBMIT, { input });
          return r.errors?.[0]?.extensions?.code === 'SERVICE_UNAVAILABLE' ? null : r;
        },
        { timeoutMs: 30_000, what: `submit ${i} after the restart` },
      );
      expect(result.errors, `submit ${i}`).toBeUndefined();
      accepted.add(input.externalId);
    }

    await expectAllAnalysedOnce(app.gql, accepted, { timeoutMs: 75_000 });
  }, 150_000);
});
