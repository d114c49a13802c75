/**
 * The worker process dies mid-import (SIGKILL: no graceful close, jobs left locked). A second
 * worker picks the stalled jobs up once their locks expire, and in the end every response is
 * analysed and counted exactly once in the rollups.
 *
 * The API runs in-process with the api role only; each worker is a child process
 * (`node --import tsx src/worker.ts`) on the same database and queue prefix.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitFor, type TestApp } from '../helpers/app.js';
import { testMongoUri, testRedisPrefix, testRedisUrl } from '../helpers/services.js';

const NAME = 'pipeline-faults';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const IMPORT = `mutation($input: [ResponseInput!]!) { importResponses(input: $input) { accepted errors { index message } } }`;
const PROGRESS = `query($requestId: String) { importProgress(requestId: $requestId) { total pending done failed complete effectsPending } }`;
const PAGE = `query($filter: ResponseFilter, $after: String) {
  responses(filter: $filter, first: 1000, after: $after) {
    edges { node { id category analysisStatus analysis { themes { key } } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const NPS = `query($filter: ResponseFilter) { nps(filter: $filter) { responses promoters passives detractors } }`;
const BREAKDOWN = `query($filter: ResponseFilter) { themeBreakdown(filter: $filter, examples: 0) { theme { key } mentions } }`;

const COMMENTS = [
  'Billing charged us twice and the invoice was wrong',
  'Support answered within minutes, very helpful',
  'Reports are slow and the app crashes on upload',
  'Onboarding was smooth, the setup guide was clear',
  'Too expensive for what it does',
  'Easy to use and reliable',
];

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      MONGODB_URI: testMongoUri(NAME),
      REDIS_URL: testRedisUrl(),
      VERBATIM_QUEUE_PREFIX: testRedisPrefix(NAME),
      // Short locks: jobs of the killed worker come back within seconds.
      VERBATIM_JOB_LOCK_SECONDS: '2',
      VERBATIM_RECONCILE_EVERY_SECONDS: '5',
      VERBATIM_RECONCILE_AFTER_SECONDS: '10',
      LOG_LEVEL: 'warn',
      PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Warnings and errors of the worker show in the test output (pino writes to stdout).
  for (const stream of [child.stdout, child.stderr])
    stream.on('data', (chunk: Buffer) => process.stderr.write(`[worker ${child.pid}] ${chunk.toString()}`));
  return child;
}

/** Stops the worker with `signal`; one that is still there after 30 s is killed, so none outlives the file. */
async function stopWorker(child: ChildProcess | null, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const late = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(late);
}

describe('worker killed mid-import', () => {
  let app: TestApp;
  let worker: ChildProcess | null = null;

  beforeAll(async () => {
    app = await startTestApp(NAME, { roles: ['api'], env: { VERBATIM_MAX_PAGE_SIZE: '1000' } });
  });

  afterAll(async () => {
    await stopWorker(worker);
    await app?.stop();
  });

  it('ends with every response analysed exactly once in the rollups', async () => {
    const total = 300;
    const requestId = 'faults-import';
    const filter = { from: '2016-01-01T00:00:00.000Z', to: '2017-01-01T00:00:00.000Z' };
    const input = Array.from({ length: total }, (_, i) => ({
      externalId: `fault-${i}`,
      score: i % 11,
      comment: COMMENTS[i % COMMENTS.length],
      respondedAt: new Date(Date.UTC(2016, i % 12, 1 + (i % 28), 9)).toISOString(),
      touchpoint: ['renewal', 'support_closed'][i % 2],
      customer: { externalId: `fault-cust-${i % 40}` },
    }));
    // Stored and queued with no worker running yet.
    const imported = await app.gql(IMPORT, { input }, { 'x-request-id': requestId });
    expect(imported.data!.importResponses).toMatchObject({ accepted: total, errors: [] });
    let last: unknown = null;
    const progress = async () => (last = (await app.gql(PROGRESS, { requestId })).data!.importProgress);

    worker = startWorker();
    const partial = await waitFor(
      async () => {
        const p = await progress();
        return p.done >= 30 ? p : null;
      },
      { timeoutMs: 90_000, intervalMs: 250, what: 'the first worker to analyse some responses' },
    );
    await stopWorker(worker, 'SIGKILL');
    const atKill = await progress();
    expect(partial.done).toBeLessThan(total);
    expect(atKill.done).toBeLessThan(total);

    worker = startWorker();
    const final = await waitFor(
      async () => {
        const p = await progress();
        // Analysed is not yet counted: a response the killed worker stored but whose rollups it
        // never wrote is finished by its redelivered job or the reconciler (effectsPending).
        return p.complete && p.effectsPending === 0 ? p : null;
      },
      { timeoutMs: 200_000, intervalMs: 2_000, what: 'the second worker to finish the import and its effects' },
    ).catch((err: Error) => {
      throw new Error(`${err.message}; last progress ${JSON.stringify(last)}`);
    });
    expect(final).toMatchObject({ total, pending: 0, done: total, failed: 0, effectsPending: 0 });

    // Rollups against the stored analyses: each response counted once, none twice.
    const nodes: any[] = [];
    let after: string | null = null;
    do {
      const page: any = (await app.gql(PAGE, { filter, after })).data!.responses;
      nodes.push(...page.edges.map((e: any) => e.node));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(nodes).toHaveLength(total);
    const expected = new Map<string, number>();
    for (const n of nodes)
      for (const key of new Set<string>(n.analysis.themes.map((t: any) => t.key))) expected.set(key, (expected.get(key) ?? 0) + 1);

    const count = (c: string) => nodes.filter((n) => n.category === c).length;
    const nps = (await app.gql(NPS, { filter })).data!.nps;
    expect(nps).toMatchObject({
      responses: total,
      promoters: count('PROMOTER'),
      passives: count('PASSIVE'),
      detractors: count('DETRACTOR'),
    });
    const rows = (await app.gql(BREAKDOWN, { filter })).data!.themeBreakdown as any[];
    expect(Object.fromEntries(rows.map((r) => [r.theme.key, r.mentions]))).toEqual(Object.fromEntries(expected));
  }, 300_000);
});
