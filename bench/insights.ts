/**
 * `npm run bench:insights`: loads generated, already-analysed responses (100,000 by default)
 * straight into a fresh database, builds the rollups, then prints p50/p95 latency of
 * `themeBreakdown` and `npsTrend` with and without filters through the insights service, beside
 * the time of a plain scan of the same responses in the same run.
 *
 * Uses MONGODB_URI when set (a fresh database on it, dropped at the end), else starts a local
 * FerretDB in a temporary directory.
 *   BENCH_RESPONSES (default 100000), BENCH_ITERATIONS (default 15), BENCH_SKIP_SCAN=1 skips the plain scan,
 *   BENCH_KEEP_DB=1 keeps the database (with MONGODB_URI) for inspection.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDatabase } from '../models/database.js';
import type { ResponseQueryFilter } from '../models/response/response.filter.js';
import type { Interval } from '../src/domain/periods.js';
import { createLogger } from '../src/logger.js';
import { InsightsService } from '../src/services/insights/insights.service.js';
import { RollupStore } from '../src/services/insights/rollups/rollup-store.js';
import { generateResponses, withDatabase } from './insights-data.js';

const RESPONSES = Number(process.env.BENCH_RESPONSES ?? 100_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 15);
const SKIP_SCAN = process.env.BENCH_SKIP_SCAN === '1';
const INSERT_BATCH = 5_000;
const DAY = 86_400_000;

const log = (message: string) => console.error(`bench:insights: ${message}`);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'verbatim-bench-insights-'));
  const local = process.env.MONGODB_URI
    ? null
    : await (await import('../src/local-services/index.js')).startLocalServices({ dataDir, persistent: false, needRedis: false, log });
  const dbName = `bench_insights_${Date.now()}`;
  const serverUri = process.env.MONGODB_URI ?? local!.mongoUri!;
  const db = await connectDatabase({ uri: withDatabase(serverUri, dbName), dbName });
  try {
    await db.syncIndexes();
    const server = process.env.MONGODB_URI ? 'MONGODB_URI' : 'local FerretDB (SQLite)';
    log(`${server}, database ${dbName}: generating and inserting ${RESPONSES} analysed responses`);

    const now = new Date();
    const docs = generateResponses(RESPONSES, { seed: 2026, end: now, days: 365 });
    const collection = db.connection.collection('responses');
    const inserted = await time(async () => {
      for (let i = 0; i < docs.length; i += INSERT_BATCH) {
        const stamp = new Date();
        await collection.insertMany(
          docs.slice(i, i + INSERT_BATCH).map((d) => ({ ...d, createdAt: stamp, updatedAt: stamp })),
          { ordered: false },
        );
      }
    });
    log(`inserted in ${(inserted.ms / 1000).toFixed(1)} s`);

    const quiet = createLogger('silent');
    const store = new RollupStore({ rollups: db.rollups, log: quiet });
    const insights = new InsightsService({ store, responses: db.insightResponses, log: quiet, emergingSample: 2000, maxScan: 10_000_000 });

    const rebuild = await time(() => insights.rebuildRollups());
    log(`rollups rebuilt from the responses (one scan + ledger writes) in ${(rebuild.ms / 1000).toFixed(1)} s`);
    const firstQuery = await time(() => insights.themeBreakdown(null));
    log(`first themeBreakdown (builds day/month caches) in ${(firstQuery.ms / 1000).toFixed(1)} s`);

    let scanMs: number | null = null;
    if (!SKIP_SCAN) {
      const scan = await time(async () => {
        let n = 0;
        for await (const _ of collection.find({})) n++;
        return n;
      });
      scanMs = scan.ms;
      log(`plain scan (find() over all ${scan.value} responses) in ${(scan.ms / 1000).toFixed(1)} s`);
    }

    const dayStart = (offsetDays: number) => new Date(Math.floor(now.getTime() / DAY) * DAY - offsetDays * DAY);
    const last90 = { from: dayStart(89), to: dayStart(-1) };
    const cases: { name: string; run: () => Promise<{ source: string }> }[] = [];
    const breakdown = (name: string, filter: ResponseQueryFilter | null) =>
      cases.push({
        name: `themeBreakdown ${name}`,
        run: async () => ({ source: (await insights.themeBreakdownReport(filter)).source }),
      });
    const trend = (
      name: string,
      filter: ResponseQueryFilter | null,
      interval: Interval,
      groupBy: { touchpoint?: boolean; attribute?: string } | null = null,
    ) =>
      cases.push({ name: `npsTrend ${name}`, run: async () => ({ source: (await insights.npsTrend(filter, interval, groupBy)).source }) });

    breakdown('(no filter)', null);
    breakdown('last 90 days + touchpoint', { ...last90, touchpoints: ['renewal'] });
    breakdown('region=emea', { attributes: [{ key: 'region', value: 'emea' }] });
    breakdown('category DETRACTOR + plan=pro', { categories: ['DETRACTOR'], attributes: [{ key: 'plan', value: 'pro' }] });
    breakdown('theme billing (ledger)', { themes: ['billing'] });
    trend('MONTH (no filter)', null, 'MONTH');
    trend('WEEK last 90 days + touchpoint', { ...last90, touchpoints: ['renewal', 'checkout'] }, 'WEEK');
    trend('DAY last 90 days by touchpoint', last90, 'DAY', { touchpoint: true });
    trend('MONTH by region', null, 'MONTH', { attribute: 'region' });
    trend(
      'MONTH region=emea + plan=pro (ledger)',
      {
        attributes: [
          { key: 'region', value: 'emea' },
          { key: 'plan', value: 'pro' },
        ],
      },
      'MONTH',
    );

    const rows: { name: string; source: string; p50: number; p95: number }[] = [];
    for (const c of cases) {
      const { value } = await time(c.run); // warm-up: builds any cache this filter needs
      const samples: number[] = [];
      for (let i = 0; i < ITERATIONS; i++) samples.push((await time(c.run)).ms);
      samples.sort((a, b) => a - b);
      rows.push({ name: c.name, source: value.source, p50: percentile(samples, 50), p95: percentile(samples, 95) });
      log(`${c.name}: p50 ${percentile(samples, 50).toFixed(0)} ms`);
    }

    // What the after-analysis hook costs: recording one re-analysed response (ledger, clock, examples).
    const recordSamples: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const doc = docs[(i * 7919) % docs.length];
      const reanalysed = { ...doc, analysis: { ...doc.analysis!, analyzedAt: new Date(Date.now() + i) } };
      recordSamples.push((await time(() => store.record([reanalysed]))).ms);
    }
    recordSamples.sort((a, b) => a - b);
    const trendAfter = await time(() => insights.npsTrend(null, 'MONTH', null));
    log(
      `recording one response: p50 ${percentile(recordSamples, 50).toFixed(0)} ms; next npsTrend (rebuilds the touched caches) ${trendAfter.ms.toFixed(0)} ms`,
    );

    const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
    console.log(`\n## bench:insights — ${RESPONSES.toLocaleString('en')} responses, ${server}, ${ITERATIONS} runs per query\n`);
    console.log(
      `- insert (insertMany): ${fmt(inserted.ms)}; rollup rebuild from responses: ${fmt(rebuild.ms)}; first query (cold caches): ${fmt(firstQuery.ms)}`,
    );
    console.log(`- plain scan of the same responses (find() iterating all): ${scanMs === null ? 'skipped' : fmt(scanMs)}`);
    console.log(
      `- after-analysis hook, recording one re-analysed response: p50 ${fmt(percentile(recordSamples, 50))}, p95 ${fmt(percentile(recordSamples, 95))}; first npsTrend after it: ${fmt(trendAfter.ms)}\n`,
    );
    console.log('| query | served from | p50 | p95 | plain scan ÷ p50 |');
    console.log('|---|---|---:|---:|---:|');
    for (const r of rows) {
      console.log(
        `| ${r.name} | ${r.source} | ${fmt(r.p50)} | ${fmt(r.p95)} | ${scanMs === null ? '–' : `${Math.round(scanMs / r.p50).toLocaleString('en')}×`} |`,
      );
    }
  } finally {
    if (process.env.BENCH_KEEP_DB !== '1') await db.connection.dropDatabase().catch(() => undefined);
    await db.close();
    await local?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
