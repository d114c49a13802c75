/**
 * `npm run bench:load`: sustained load on the whole pipeline, loopback only and bounded in time.
 * Drives `submitResponse` at a target rate (open loop: requests start on schedule whether or not
 * earlier ones have answered, up to a cap in flight) while an `importResponses` of many rows runs
 * in parallel in batches, then waits (bounded) for the queue to drain and checks the counts:
 * every accepted response stored once, and analysed.
 *
 *   npm run bench:load                                   # 200/s for 60 s + 100,000 rows in batches of 5,000
 *   npm run bench:load -- --rate 50 --duration 20 --rows 10000
 *   VERBATIM_URL=http://127.0.0.1:4000/graphql VERBATIM_BENCH_KEY=… VERBATIM_METRICS_TOKEN=… npm run bench:load
 *
 * Without VERBATIM_URL it starts its own FerretDB, Redis and app (API + worker, rate limits off)
 * in a temporary directory. Flags: --rate, --duration (s), --rows, --batch, --max-in-flight,
 * --drain-timeout (s), --concurrency (worker, own app only).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startApp, type RunningApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { renderTable } from './lib/table.js';
import { loadRow } from './lib/load-rows.js';

const { values: flags } = parseArgs({
  options: {
    rate: { type: 'string', default: process.env.BENCH_RATE ?? '200' },
    duration: { type: 'string', default: process.env.BENCH_DURATION ?? '60' },
    rows: { type: 'string', default: process.env.BENCH_ROWS ?? '100000' },
    batch: { type: 'string', default: process.env.BENCH_BATCH ?? '5000' },
    'max-in-flight': { type: 'string', default: '256' },
    'drain-timeout': { type: 'string', default: '600' },
    concurrency: { type: 'string', default: process.env.VERBATIM_WORKER_CONCURRENCY ?? '8' },
  },
});

const bounded = (name: string, value: string, min: number, max: number) => {
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number from ${min} to ${max}`);
  return n;
};
const RATE = bounded('rate', flags.rate, 1, 5000);
const DURATION_S = bounded('duration', flags.duration, 1, 600);
const ROWS = bounded('rows', flags.rows, 0, 1_000_000);
const BATCH = bounded('batch', flags.batch, 1, 100_000);
const MAX_IN_FLIGHT = bounded('max-in-flight', flags['max-in-flight'], 1, 10_000);
const DRAIN_TIMEOUT_S = bounded('drain-timeout', flags['drain-timeout'], 0, 3600);
const CONCURRENCY = bounded('concurrency', flags.concurrency, 1, 256);

const SUBMIT = `mutation($input: ResponseInput!) { submitResponse(input: $input) { id } }`;
const IMPORT = `mutation($input: [ResponseInput!]!) { importResponses(input: $input) { accepted duplicates errors { index message } } }`;
function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function main() {
  const run = `load${Date.now().toString(36)}`;
  let url = process.env.VERBATIM_URL;
  let key = process.env.VERBATIM_BENCH_KEY;
  // Needed to read the queue depth from the API port's /metrics (its own app gets a random one).
  let metricsToken = process.env.VERBATIM_METRICS_TOKEN;
  let app: RunningApp | null = null;
  let dataDir: string | null = null;
  let stopLocal: (() => Promise<void>) | null = null;

  if (url) {
    if (!/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?\//.test(url))
      throw new Error('VERBATIM_URL must be a loopback address (this bench is for local machines only)');
    if (!key) throw new Error('VERBATIM_URL needs VERBATIM_BENCH_KEY (an ADMIN key, or INGEST plus read access)');
  } else {
    dataDir = await mkdtemp(join(tmpdir(), 'verbatim-load-'));
    const { startLocalServices } = await import('../src/local-services/index.js');
    const local = await startLocalServices({
      dataDir,
      persistent: false,
      env: { ...process.env, MONGODB_URI: undefined, REDIS_URL: undefined },
      log: () => {},
    });
    stopLocal = () => local.stop();
    key = `bench-${randomBytes(16).toString('hex')}`;
    metricsToken = randomBytes(24).toString('hex');
    const config = loadConfig({
      PORT: '0',
      // The API port serves /metrics (the queue depth the drain polls) only with a token.
      VERBATIM_METRICS_TOKEN: metricsToken,
      HOST: '127.0.0.1',
      MONGODB_URI: `${local.mongoUri}${run}`,
      REDIS_URL: local.redisUrl,
      VERBATIM_QUEUE_PREFIX: run,
      VERBATIM_ADMIN_KEY: key,
      VERBATIM_METRICS_PORT: '0',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      VERBATIM_WORKER_CONCURRENCY: String(CONCURRENCY),
      VERBATIM_MAX_IMPORT_ROWS: String(Math.max(BATCH, 5000)),
      VERBATIM_RATE_LIMIT_PER_MINUTE: '0',
      VERBATIM_INGEST_RATE_LIMIT_PER_MINUTE: '0',
      VERBATIM_MAX_BODY_BYTES: '100000000',
    });
    app = await startApp(['api', 'worker'], config, createLogger(config.LOG_LEVEL));
    url = app.url!;
  }

  const post = async (query: string, variables: unknown) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
    return { status: res.status, ...body };
  };

  console.error(`load: ${RATE}/s submits for ${DURATION_S} s, ${ROWS} rows imported in batches of ${BATCH}, against ${url}`);

  // ---- submits at a target rate
  const submitLatencies: number[] = [];
  const submitErrors: Record<string, number> = {};
  let submitted = 0;
  let acceptedSubmits = 0;
  let skipped = 0;
  let inFlight = 0;
  const pending = new Set<Promise<void>>();
  const started = performance.now();
  const deadline = started + DURATION_S * 1000;
  const total = Math.round(RATE * DURATION_S);
  let submitEnded = 0;
  let importEnded = 0;
  const submitLoop = (async () => {
    while (submitted + skipped < total && performance.now() < deadline + 1000) {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * RATE));
      while (submitted + skipped < due) {
        if (inFlight >= MAX_IN_FLIGHT) {
          skipped++; // the server cannot keep up: counted, not queued up client-side
          continue;
        }
        const i = submitted++;
        inFlight++;
        const t0 = performance.now();
        const p = post(SUBMIT, { input: loadRow(run, 'submit', i) })
          .then((r) => {
            if (r.errors?.length) {
              const code = r.errors[0].extensions?.code ?? `HTTP ${r.status}`;
              submitErrors[code] = (submitErrors[code] ?? 0) + 1;
            } else acceptedSubmits++;
          })
          .catch((err: Error) => {
            submitErrors[err.message] = (submitErrors[err.message] ?? 0) + 1;
          })
          .finally(() => {
            submitLatencies.push(performance.now() - t0);
            inFlight--;
            pending.delete(p);
          });
        pending.add(p);
      }
      await sleep(5);
    }
    skipped += total - submitted - skipped; // the time ran out before they were due
    await Promise.all(pending);
    submitEnded = performance.now();
  })();

  // ---- the import, in parallel, one batch at a time
  const batchLatencies: number[] = [];
  let importedAccepted = 0;
  let importErrors = 0;
  const importStarted = performance.now();
  const importLoop = (async () => {
    for (let offset = 0; offset < ROWS; offset += BATCH) {
      const rows = Array.from({ length: Math.min(BATCH, ROWS - offset) }, (_, j) => loadRow(run, 'import', offset + j));
      const t0 = performance.now();
      const r = await post(IMPORT, { input: rows });
      batchLatencies.push(performance.now() - t0);
      if (r.errors?.length) {
        importErrors += rows.length;
        console.error(`load: import batch at ${offset} failed: ${r.errors[0].message}`);
      } else {
        importedAccepted += r.data.importResponses.accepted;
        importErrors += r.data.importResponses.errors.length;
      }
    }
    importEnded = performance.now();
  })();

  await Promise.all([submitLoop, importLoop]);
  console.error(`load: ${acceptedSubmits} submits and ${importedAccepted} imported rows accepted; counting`);
  const submitSeconds = (submitEnded - started) / 1000;
  const importSeconds = (importEnded - importStarted) / 1000;

  // ---- the load figures first: they do not depend on the drain
  const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '-');
  submitLatencies.sort((a, b) => a - b);
  batchLatencies.sort((a, b) => a - b);
  console.log(`\nverbatim load bench (${new Date().toISOString()}, ${run})\n`);
  console.log(
    renderTable(
      ['workload', 'sent', 'accepted', 'errors', 'throughput', 'p50 ms', 'p95 ms', 'p99 ms'],
      [
        [
          `submitResponse @ ${RATE}/s × ${DURATION_S} s`,
          String(submitted),
          String(acceptedSubmits),
          String(Object.values(submitErrors).reduce((a, b) => a + b, 0) + skipped),
          `${(acceptedSubmits / submitSeconds).toFixed(1)}/s`,
          ms(quantile(submitLatencies, 0.5)),
          ms(quantile(submitLatencies, 0.95)),
          ms(quantile(submitLatencies, 0.99)),
        ],
        [
          `importResponses ${ROWS} rows / ${BATCH}`,
          String(ROWS),
          String(importedAccepted),
          String(importErrors),
          `${(importedAccepted / importSeconds).toFixed(0)} rows/s`,
          ms(quantile(batchLatencies, 0.5)),
          ms(quantile(batchLatencies, 0.95)),
          ms(quantile(batchLatencies, 0.99)),
        ],
      ],
    ),
  );
  if (skipped)
    console.log(`\n${skipped} submits not sent: ${MAX_IN_FLIGHT} were already in flight (the server fell behind the target rate)`);
  if (Object.keys(submitErrors).length) console.log(`submit errors: ${JSON.stringify(submitErrors)}`);

  // ---- counts: stored once, then analysed (bounded wait)
  const count = async (filter: Record<string, unknown>) => {
    const r = await post(`query($f: ResponseFilter) { responses(filter: $f, first: 0) { totalCount } }`, { f: filter });
    if (r.errors?.length) throw new Error(r.errors[0].message);
    return r.data.responses.totalCount as number;
  };
  // Counted after the drain: on FerretDB each count decodes every stored response, and while the
  // worker still writes, one count of 100,000 responses outran fetch's 300 s wait for headers.
  const drainStarted = performance.now();
  const expected = acceptedSubmits + importedAccepted;
  // Polls the queue depth on /metrics (read from Redis, cheap), not the responses: counting
  // them makes FerretDB decode the whole collection, which would slow the very drain it waits for.
  const metricsUrl = url.replace(/\/graphql$/, '/metrics');
  const queued = async (): Promise<number | null> => {
    try {
      const res = await fetch(metricsUrl, metricsToken ? { headers: { authorization: `Bearer ${metricsToken}` } } : {});
      if (!res.ok) return null;
      const lines = [
        ...(await res.text()).matchAll(/^verbatim_queue_jobs\{queue="analysis",state="(waiting|active|delayed|paused)"\} (\d+)/gm),
      ];
      return lines.length ? lines.reduce((n, m) => n + Number(m[2]), 0) : null;
    } catch {
      return null;
    }
  };
  const viaMetrics = (await queued()) !== null;
  if (!viaMetrics)
    console.error(`load: ${metricsUrl} gives no queue depth (VERBATIM_METRICS_TOKEN?): polling the DONE count every 15 s instead`);
  const left = async () =>
    viaMetrics ? await queued() : expected - (await count({ touchpoints: [`${run}-submit`, `${run}-import`], analysisStatus: 'DONE' }));
  for (;;) {
    const n = await left();
    if (n === 0 || (n !== null && n < 0) || performance.now() - drainStarted > DRAIN_TIMEOUT_S * 1000) break;
    process.stderr.write(`\rload: draining: ${n ?? '?'} jobs left after ${((performance.now() - drainStarted) / 1000).toFixed(0)} s  `);
    await sleep(viaMetrics ? 2000 : 15_000);
  }
  const drainedAt = performance.now();
  process.stderr.write('\nload: queue drained; counting the stored responses\n');
  const storedSubmits = await count({ touchpoints: [`${run}-submit`] });
  const storedImports = await count({ touchpoints: [`${run}-import`] });
  let done = await count({ touchpoints: [`${run}-submit`, `${run}-import`], analysisStatus: 'DONE' });
  // Jobs can be finished in Redis a moment before their writes are visible: settle briefly.
  for (let i = 0; i < 10 && done < expected && performance.now() - drainStarted < DRAIN_TIMEOUT_S * 1000; i++) {
    await sleep(2000);
    done = await count({ touchpoints: [`${run}-submit`, `${run}-import`], analysisStatus: 'DONE' });
  }
  const failed = await count({ touchpoints: [`${run}-submit`, `${run}-import`], analysisStatus: 'FAILED' });
  const drainSeconds = (drainedAt - drainStarted) / 1000;

  const storedOnce = storedSubmits === acceptedSubmits && storedImports === importedAccepted;
  const analysed = done === expected;
  console.log('');
  console.log(
    renderTable(
      ['count check', 'expected', 'actual', 'ok'],
      [
        ['submits stored (once)', String(acceptedSubmits), String(storedSubmits), storedSubmits === acceptedSubmits ? 'yes' : 'NO'],
        ['imported rows stored (once)', String(importedAccepted), String(storedImports), storedImports === importedAccepted ? 'yes' : 'NO'],
        [`analysed DONE (drained in ${drainSeconds.toFixed(0)} s)`, String(expected), String(done), analysed ? 'yes' : 'NO'],
        ['analysis FAILED', '0', String(failed), failed === 0 ? 'yes' : 'NO'],
      ],
    ),
  );

  await app?.stop();
  await stopLocal?.();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
  process.exitCode = storedOnce && analysed && failed === 0 ? 0 : 1;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
