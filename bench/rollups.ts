/**
 * `npm run bench:rollups`: records 200,000 analysed responses that all fall on ONE day into the
 * rollups, in batches of 10,000 (what the analysis worker's batches do), and prints the write
 * time of every batch (it must stay flat as the day fills: first ÷ last batch ratio), the time of
 * reading the day back (cold: day caches rebuilt from 200,000 entries; warm: served by caches;
 * entry-matched: a theme filter), an exact count check after a batch is recorded a second time,
 * and the largest rollup document besides the entries (no document grows with the day).
 *
 * Uses MONGODB_URI when set (a fresh database on it, dropped at the end), else starts a local
 * FerretDB in a temporary directory.
 *   npm run bench:rollups -- --responses 200000 --batch 10000
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { connectDatabase } from '../models/database.js';
import { ENTRY_COLLECTION_PREFIX } from '../models/rollup/rollup.schema.js';
import { createLogger } from '../src/logger.js';
import { InsightsService } from '../src/services/insights/insights.service.js';
import { RollupStore } from '../src/services/insights/rollups/rollup-store.js';
import { generateResponses, withDatabase } from './insights-data.js';

const { values: args } = parseArgs({
  options: { responses: { type: 'string', default: '200000' }, batch: { type: 'string', default: '10000' } },
});
const RESPONSES = Number(args.responses);
const BATCH = Number(args.batch);
const DAY_END = new Date('2026-06-15T23:00:00Z');
const DAY_FILTER = { from: new Date('2026-06-15T00:00:00Z'), to: new Date('2026-06-16T00:00:00Z') };

const log = (message: string) => console.error(`bench:rollups: ${message}`);
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

async function main() {
  const dataDir = await mkdtemp(join(tmpdir(), 'verbatim-bench-rollups-'));
  const local = process.env.MONGODB_URI
    ? null
    : await (await import('../src/local-services/index.js')).startLocalServices({ dataDir, persistent: false, needRedis: false, log });
  const dbName = `bench_rollups_${Date.now()}`;
  const server = process.env.MONGODB_URI ? 'MONGODB_URI' : 'local FerretDB (SQLite)';
  const db = await connectDatabase({ uri: withDatabase(process.env.MONGODB_URI ?? local!.mongoUri!, dbName), dbName });
  try {
    await db.syncIndexes();
    // Every response between 01:00 and 23:00 UTC of one day.
    const docs = generateResponses(RESPONSES, { seed: 2026, end: DAY_END, days: 22 / 24 }).map((d) => ({
      ...d,
      createdAt: DAY_END,
      updatedAt: DAY_END,
    }));
    const quiet = createLogger('silent');
    const store = new RollupStore({ rollups: db.rollups, log: quiet });
    const insights = new InsightsService({ store, responses: db.insightResponses, log: quiet, emergingSample: 2000, maxScan: 10_000_000 });

    log(`${server}, database ${dbName}: recording ${RESPONSES} responses of one day in batches of ${BATCH}`);
    const batches: number[] = [];
    for (let i = 0; i < docs.length; i += BATCH) {
      batches.push((await time(() => store.record(docs.slice(i, i + BATCH)))).ms);
      log(`batch ${batches.length}: ${fmt(batches.at(-1)!)}`);
    }

    const cold = await time(() => insights.themeBreakdownReport(DAY_FILTER));
    const warm = await time(() => insights.themeBreakdownReport(DAY_FILTER));
    const trend = await time(() => insights.npsTrend(DAY_FILTER, 'DAY', null));
    const matched = await time(() => insights.themeBreakdownReport({ ...DAY_FILTER, themes: ['billing'] }));
    log(`reads: cold ${fmt(cold.ms)}, warm ${fmt(warm.ms)}, entry-matched ${fmt(matched.ms)}`);

    // Duplicates and retries: the last batch recorded again changes nothing.
    const again = await time(() => store.record(docs.slice(-BATCH)));
    const counted = (await insights.npsTrend(DAY_FILTER, 'DAY', null)).series[0].points.reduce((sum, p) => sum + p.responses, 0);

    const largest = await largestRollupDocument(db.connection);
    const first = batches[0];
    const last = batches.at(-1)!;
    const sorted = [...batches].sort((a, b) => a - b);
    console.log(
      `\n## bench:rollups — ${RESPONSES.toLocaleString('en')} responses on one day, ${server}, batches of ${BATCH.toLocaleString('en')}\n`,
    );
    console.log('| measure | value |');
    console.log('|---|---:|');
    console.log(
      `| write per batch: first / median / last / max | ${fmt(first)} / ${fmt(sorted[Math.floor(sorted.length / 2)])} / ${fmt(last)} / ${fmt(sorted.at(-1)!)} |`,
    );
    console.log(`| last ÷ first batch | ${(last / first).toFixed(2)} |`);
    console.log(
      `| all batches | ${fmt(batches.reduce((a, b) => a + b, 0))} (${Math.round((RESPONSES / batches.reduce((a, b) => a + b, 0)) * 1000).toLocaleString('en')} responses/s) |`,
    );
    console.log(`| last batch recorded again (duplicates: conditional updates that change nothing) | ${fmt(again.ms)} |`);
    console.log(
      `| responses counted after the duplicates (expected ${RESPONSES.toLocaleString('en')}) | ${counted.toLocaleString('en')} ${counted === RESPONSES ? 'exact' : 'WRONG'} |`,
    );
    console.log(`| themeBreakdown of the day, cold (day caches rebuilt from the entries) | ${fmt(cold.ms)} (${cold.value.source}) |`);
    console.log(`| themeBreakdown of the day, warm | ${fmt(warm.ms)} (${warm.value.source}) |`);
    console.log(`| npsTrend DAY of the day | ${fmt(trend.ms)} (${trend.value.source}) |`);
    console.log(`| themeBreakdown theme=billing (entries matched one by one) | ${fmt(matched.ms)} (${matched.value.source}) |`);
    console.log(`| largest rollup document besides entries | ${(largest.bytes / 1024).toFixed(1)} KiB (${largest.where}) |`);
    if (counted !== RESPONSES) process.exitCode = 1;
  } finally {
    await db.connection.dropDatabase().catch(() => undefined);
    await db.close();
    await local?.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The biggest document of the rollup collections other than the (one per response) entries. */
async function largestRollupDocument(connection: mongoose.Connection): Promise<{ bytes: number; where: string }> {
  let largest = { bytes: 0, where: 'none' };
  for (const { name } of await connection.db!.listCollections({}, { nameOnly: true }).toArray()) {
    if (!name.startsWith('rollup_') || name.startsWith(ENTRY_COLLECTION_PREFIX)) continue;
    for await (const doc of connection.collection(name).find({})) {
      const bytes = mongoose.mongo.BSON.calculateObjectSize(doc);
      if (bytes > largest.bytes) largest = { bytes, where: `${name} ${String(doc._id)}` };
    }
  }
  return largest;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
