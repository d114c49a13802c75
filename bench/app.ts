/// <reference lib="dom" />
/**
 * `npm run bench:app`: first render of the insight app in headless Chromium on a 100,000-response
 * data set, beside the same pages on a 1,000-response data set served at the same time (the
 * baseline: what the app costs when the data costs next to nothing).
 *
 * Seeding (once; reused afterwards): the demo's sample programme, every distinct verbatim analysed
 * in-process by the lexical engine (the worker's engine, stored as the worker stores it), written
 * with insertMany and recorded into the rollups by the rebuild the service offers
 * (InsightsService.rebuildRollups) — not through the queue, which analyses 13–33 responses/s.
 * The data sets live in a persistent local FerretDB under `.data/bench-app/` (BENCH_APP_DIR) and
 * are reused while they were seeded from today's date within the last 7 days; `--fresh` reseeds.
 *
 * Then it starts the real service twice (API + worker, one per data set, on one local FerretDB
 * and Redis) and, for an ANALYST key and a MANAGER key scoped to `region: EMEA`, opens each page
 * in a fresh browser context (nothing cached in the browser) with the key already signed in and
 * measures navigation start → the overview's KPIs and NPS trend chart drawn, and → the Why page's
 * drivers chart drawn. Each service's start waits for the insight caches it warms
 * (VERBATIM_WARM_INSIGHT_CACHES), and the time that took is printed; `--cold-caches` drops every
 * cache first, so that warming rebuilds them all. Run 1 of each page (the first visit after the
 * start: a fresh process) is reported apart; median and p95 cover the rest. It prints the GraphQL operations each page issued with
 * their time in the browser and their server time (the same request replayed from Node).
 *
 *   npm run bench:app -- --runs 7 --responses 100000 --baseline 1000 [--fresh] [--cold-caches]
 */
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Kind, parse, print, visit as visitAst, type OperationDefinitionNode } from 'graphql';
import { Types } from 'mongoose';
import type { Browser } from 'playwright-core';
import { connectDatabase } from '../models/database.js';
import type { ResponseEntity } from '../models/response/response.entity.js';
import { analyze, compileTaxonomy, defaultTaxonomy, type AnalysisResult } from '../src/analysis/index.js';
import { startApp, type ProcessRole, type RunningApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { generateSampleProgramme } from '../src/demo/sample-programme.js';
import { categoryOf, weightOf } from '../src/domain/nps.js';
import { periodKeys } from '../src/domain/periods.js';
import { createLogger } from '../src/logger.js';
import { toStoredAnalysis } from '../src/services/pipeline/analysis.service.js';
import { InsightsService } from '../src/services/insights/insights.service.js';
import { RollupStore } from '../src/services/insights/rollups/rollup-store.js';
import { ensureAppBuilt, launchBrowser } from '../test/helpers/browser.js';
import { withDatabase } from './insights-data.js';

const { values: flags } = parseArgs({
  options: {
    responses: { type: 'string', default: '100000' },
    baseline: { type: 'string', default: '1000' },
    runs: { type: 'string', default: '7' },
    fresh: { type: 'boolean', default: false },
    'cold-caches': { type: 'boolean', default: false },
  },
});
const RESPONSES = Number(flags.responses);
const BASELINE = Number(flags.baseline);
const RUNS = Math.max(2, Number(flags.runs));
const SEED = 2026;
/** Bumped when the seeded data changes shape: older data sets are reseeded. */
const SEED_FORMAT = 1;
const REUSE_DAYS = 7;
const INSERT_BATCH = 5_000;
const REGION = 'EMEA';
const DATA_DIR = resolve(process.env.BENCH_APP_DIR ?? '.data/bench-app');
/** BENCH_APP_ROLES=api leaves the worker out, to tell its background work from the page's queries. */
const ROLES = (process.env.BENCH_APP_ROLES ?? 'api,worker').split(',') as ProcessRole[];

const log = (message: string) => console.error(`bench:app: ${message}`);
const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor((xs.length - 1) / 2)];
const p95 = (xs: number[]) => sorted(xs)[Math.min(xs.length - 1, Math.ceil(0.95 * xs.length) - 1)];

// ───────────────────────────── seeding ─────────────────────────────

interface SeedMark {
  _id: 'seed';
  responses: number;
  seed: number;
  format: number;
  end: Date;
  seconds: number;
}

/** Seeds (or reuses) one data set in its own database; returns how it got there. */
async function ensureDataSet(mongoUri: string, size: number): Promise<string> {
  const dbName = `bench_app_${size}`;
  const db = await connectDatabase({ uri: withDatabase(mongoUri, dbName), dbName });
  try {
    const marks = db.connection.collection<SeedMark>('bench_app_seed');
    const mark = await marks.findOne({ _id: 'seed' });
    const end = startOfTodayUtc();
    const fresh =
      mark && mark.responses === size && mark.format === SEED_FORMAT && end.getTime() - mark.end.getTime() <= REUSE_DAYS * 86_400_000;
    if (fresh && !flags.fresh) return `reused (seeded ${mark.end.toISOString().slice(0, 10)} in ${mark.seconds.toFixed(0)} s)`;

    await db.connection.dropDatabase();
    await db.syncIndexes();
    const started = performance.now();
    const rows = generateSampleProgramme({ size, seed: SEED, end });
    // The sample programme's verbatims repeat: each distinct text is analysed once.
    const compiled = compileTaxonomy(defaultTaxonomy);
    const analyses = new Map<string, AnalysisResult>();
    const analysed = (text: string) => analyses.get(text) ?? analyses.set(text, analyze(text, compiled)).get(text)!;
    const collection = db.connection.collection('responses');
    for (let i = 0; i < rows.length; i += INSERT_BATCH) {
      const now = new Date();
      const docs = rows.slice(i, i + INSERT_BATCH).map((row): ResponseEntity => {
        const respondedAt = new Date(row.respondedAt);
        const category = categoryOf(row.score);
        const analysis = toStoredAnalysis(analysed(row.comment ?? ''), 1, respondedAt);
        return {
          _id: new Types.ObjectId(),
          externalId: row.externalId,
          score: row.score,
          comment: row.comment,
          category,
          npsWeight: weightOf(category),
          respondedAt,
          receivedAt: respondedAt,
          period: periodKeys(respondedAt),
          touchpoint: row.touchpoint,
          channel: row.channel,
          attributes: row.attributes,
          attributeTags: row.attributes.map((a) => `${a.key}=${a.value}`),
          customerExternalId: row.customer.externalId,
          analysisStatus: 'DONE',
          analysisRevision: 0,
          analysis,
          themeKeys: [...new Set(analysis.themes.map((t) => t.key))],
          analysisError: null,
          analysisAttempts: 1,
          requestId: null,
          createdAt: now,
          updatedAt: now,
        };
      });
      await collection.insertMany(docs, { ordered: false });
      if ((i / INSERT_BATCH) % 4 === 3) log(`${dbName}: ${i + docs.length} of ${size} written`);
    }
    const written = performance.now();
    const quiet = createLogger('silent');
    const insights = new InsightsService({
      store: new RollupStore({ rollups: db.rollups, log: quiet }),
      responses: db.insightResponses,
      log: quiet,
      emergingSample: 2000,
      maxScan: 10_000_000,
    });
    await insights.rebuildRollups();
    const seconds = (performance.now() - started) / 1000;
    await marks.replaceOne({ _id: 'seed' }, { responses: size, seed: SEED, format: SEED_FORMAT, end, seconds }, { upsert: true });
    return `seeded in ${seconds.toFixed(0)} s (${analyses.size} distinct verbatims analysed, written in ${((written - started) / 1000).toFixed(0)} s, rollups rebuilt in ${((performance.now() - written) / 1000).toFixed(0)} s; load ${load()})`;
  } finally {
    await db.close();
  }
}

/** `--cold-caches`: every insight cache dropped, so the start's warming rebuilds them all from the entries. */
async function clearCaches(mongoUri: string, size: number): Promise<void> {
  const dbName = `bench_app_${size}`;
  const db = await connectDatabase({ uri: withDatabase(mongoUri, dbName), dbName });
  try {
    await db.rollups.clearCaches();
  } finally {
    await db.close();
  }
}

function startOfTodayUtc(): Date {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

// ───────────────────────────── the service ─────────────────────────────

interface Service {
  size: number;
  app: RunningApp;
  /** Start → the caches warmed at start ready (VERBATIM_WARM_INSIGHT_CACHES). */
  warmMs: number;
  url: string;
  appUrl: string;
  keys: { analyst: string; manager: string };
}

async function startService(mongoUri: string, redisUrl: string, size: number, adminKey: string): Promise<Service> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    MONGODB_URI: withDatabase(mongoUri, `bench_app_${size}`),
    REDIS_URL: redisUrl,
    VERBATIM_QUEUE_PREFIX: `bench-app-${size}`,
    VERBATIM_ADMIN_KEY: adminKey,
    VERBATIM_METRICS_PORT: '0',
    VERBATIM_RATE_LIMIT_PER_MINUTE: '0',
    VERBATIM_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '0',
    VERBATIM_ANALYSIS_ENGINE: 'lexical',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const started = performance.now();
  const app = await startApp(ROLES, config, createLogger(config.LOG_LEVEL));
  // Run 1 is the first visit after the start with the caches warmed, as a deployment serves it once its start log says so.
  await app.warmed;
  const warmMs = performance.now() - started;
  const url = app.url!;
  const key = async (name: string, role: string, scope?: { key: string; value: string }[]) => {
    const r = await post(url, adminKey, 'mutation($in: CreateApiKeyInput!) { createApiKey(input: $in) { key } }', {
      in: { name: `${name} ${Date.now()}`, role, scope },
    });
    return (r.body as { data: { createApiKey: { key: string } } }).data.createApiKey.key;
  };
  const keys = {
    analyst: await key('bench pm', 'ANALYST'),
    manager: await key('bench manager', 'MANAGER', [{ key: 'region', value: REGION }]),
  };
  return { size, app, warmMs, url, appUrl: url.replace(/\/graphql$/, '/app/'), keys };
}

async function post(url: string, key: string, query: string, variables?: unknown): Promise<{ ms: number; body: unknown }> {
  const start = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(`GraphQL error: ${body.errors[0].message}`);
  return { ms: performance.now() - start, body };
}

// ───────────────────────────── the browser ─────────────────────────────

interface Operation {
  name: string;
  query: string;
  variables: unknown;
  start: number;
  end: number;
}

interface Visit {
  firstRender: number;
  /** When the app's entry script had arrived (resource timing: response end). */
  scriptFetched: number;
  /** When the app's script had run far enough to send its first request. */
  firstRequest: number;
  /** When the last answer the first render waited for had been read. */
  dataIn: number;
  /** Main-thread time until the render was seen (Chromium's Performance metrics): running script, and every task. */
  scriptMs: number;
  taskMs: number;
  operations: Operation[];
}

const PAGES = {
  overview: { path: '?view=overview', drawn: 'overview KPIs + NPS trend chart' },
  why: { path: '?view=why', drawn: 'Why drivers chart' },
} as const;
type PageName = keyof typeof PAGES;

/**
 * Runs in the page before the app: the key in sessionStorage, fetch timed per GraphQL operation, and
 * a MutationObserver for the figures. Plain JavaScript in a string: tsx would add helpers to a
 * TypeScript function that do not exist in the page.
 */
const INSTRUMENT = `({ key, page }) => {
  sessionStorage.setItem('verbatim.apiKey', key);
  const bench = (window.__bench = { operations: [] });
  const original = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const start = performance.now();
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : null;
    const res = await original(input, init);
    await res.clone().text();
    if (body) {
      const name = body.operationName ?? /(?:query|mutation)\\s+(\\w+)/.exec(body.query)?.[1] ?? 'anonymous';
      bench.operations.push({ name, query: body.query, variables: body.variables, start, end: performance.now() });
    }
    return res;
  };
  const chartIn = (title) =>
    Array.from(document.querySelectorAll('section.card')).some(
      (card) => card.querySelector('h2')?.textContent?.startsWith(title) && card.querySelector('.chart-canvas svg'),
    );
  const drawn = () => (page === 'overview' ? !!document.querySelector('[data-testid="nps"]') && chartIn('NPS trend') : chartIn('Drivers'));
  const observer = new MutationObserver(() => {
    if (!drawn()) return;
    observer.disconnect();
    // The frame that shows it: the next animation frame after the DOM holds it.
    requestAnimationFrame(() => (bench.firstRender = performance.now()));
  });
  observer.observe(document, { childList: true, subtree: true });
}`;

/**
 * One visit in a fresh context: the key is in sessionStorage before the app's script runs (as after
 * sign-in), fetch is wrapped to time every GraphQL operation, and a MutationObserver notes the
 * frame in which the page's figures are drawn.
 */
async function visit(browser: Browser, service: Service, key: string, page: PageName): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  try {
    await context.addInitScript(`(${INSTRUMENT})(${JSON.stringify({ key, page })})`);
    const tab = await context.newPage();
    const cdp = await context.newCDPSession(tab);
    await cdp.send('Performance.enable');
    await tab.goto(`${service.appUrl}${PAGES[page].path}`, { waitUntil: 'commit' });
    await tab
      .waitForFunction(
        () => '__bench' in window && (window as unknown as { __bench: { firstRender?: number } }).__bench.firstRender !== undefined,
        null,
        {
          timeout: Number(process.env.BENCH_APP_TIMEOUT_MS ?? 120_000),
          polling: 50,
        },
      )
      .catch(async (err: Error) => {
        throw new Error(
          `${page} never drew its figures: ${err.message}; state ${JSON.stringify(await tab.evaluate(() => (window as unknown as { __bench: unknown }).__bench))}; svgs ${await tab.locator('section.card .chart-canvas svg').count()} h2 ${(await tab.locator('section.card h2').allTextContents()).join('|')}`,
        );
      });
    const { metrics } = await cdp.send('Performance.getMetrics');
    const metric = (name: string) => 1000 * (metrics.find((m) => m.name === name)?.value ?? Number.NaN);
    const result = await tab.evaluate(() => {
      const src = document.querySelector<HTMLScriptElement>('script[type="module"]')?.src;
      const script = performance.getEntriesByType('resource').find((e) => e.name === src) as PerformanceResourceTiming | undefined;
      const bench = (window as unknown as { __bench: { operations: Operation[]; firstRender: number } }).__bench;
      return { ...bench, scriptFetched: script?.responseEnd ?? Number.NaN };
    });
    const operations = result.operations.filter((o) => o.start <= result.firstRender);
    const answered = operations.filter((o) => o.end <= result.firstRender);
    return {
      firstRender: result.firstRender,
      scriptFetched: result.scriptFetched,
      firstRequest: Math.min(...operations.map((o) => o.start)),
      dataIn: Math.max(...answered.map((o) => o.end)),
      scriptMs: metric('ScriptDuration'),
      taskMs: metric('TaskDuration'),
      operations,
    };
  } finally {
    await context.close();
  }
}

/** The operation split into one query per top-level field (with the variables that field uses), to see which one costs. */
function topLevelFields(query: string): [string, string][] {
  const operation = parse(query).definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) return [];
  return operation.selectionSet.selections.flatMap((selection): [string, string][] => {
    if (selection.kind !== Kind.FIELD) return [];
    const used = new Set<string>();
    visitAst(selection, { Variable: (v) => void used.add(v.name.value) });
    const single: OperationDefinitionNode = {
      ...operation,
      variableDefinitions: operation.variableDefinitions?.filter((v) => used.has(v.variable.name.value)),
      selectionSet: { ...operation.selectionSet, selections: [selection] },
    };
    return [[selection.alias?.value ?? selection.name.value, print(single)]];
  });
}

/** A markdown table, first column left-aligned, the others right-aligned (pasted into docs/app.md). */
function markdownTable(headers: string[], rows: string[][]): string {
  return [
    `| ${headers.join(' | ')} |`,
    `|---|${headers
      .slice(1)
      .map(() => '---:')
      .join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

// ───────────────────────────── main ─────────────────────────────

async function main() {
  ensureAppBuilt();
  await mkdir(DATA_DIR, { recursive: true });
  log(`local FerretDB + Redis in ${DATA_DIR}; ${cpus().length} cores; load ${load()}`);
  const { startLocalServices } = await import('../src/local-services/index.js');
  const local = await startLocalServices({
    dataDir: DATA_DIR,
    persistent: true,
    env: { ...process.env, MONGODB_URI: undefined, REDIS_URL: undefined },
    log: () => {},
  });
  const services: Service[] = [];
  let browser: Browser | null = null;
  try {
    for (const size of [RESPONSES, BASELINE])
      log(`data set of ${size.toLocaleString('en')} responses: ${await ensureDataSet(local.mongoUri, size)}`);
    if (flags['cold-caches']) for (const size of [RESPONSES, BASELINE]) await clearCaches(local.mongoUri, size);
    const adminKey = `bench-app-${randomBytes(16).toString('hex')}`;
    for (const size of [RESPONSES, BASELINE]) services.push(await startService(local.mongoUri, local.redisUrl, size, adminKey));
    browser = await launchBrowser();

    type Sample = { service: Service; role: 'ANALYST' | 'MANAGER'; page: PageName; visits: Visit[] };
    const samples: Sample[] = [];
    for (const service of services)
      for (const role of ['ANALYST', 'MANAGER'] as const)
        for (const page of Object.keys(PAGES) as PageName[]) samples.push({ service, role, page, visits: [] });
    const loads: string[] = [];
    // Interleaved: every run visits every page on both data sets, so load swings hit both alike.
    for (let run = 1; run <= RUNS; run++) {
      for (const s of samples)
        s.visits.push(await visit(browser, s.service, s.role === 'ANALYST' ? s.service.keys.analyst : s.service.keys.manager, s.page));
      loads.push(load());
      log(`run ${run}/${RUNS} done; load ${load()}`);
    }

    const server = async (s: Sample, query: string, variables: unknown) => {
      const key = s.role === 'ANALYST' ? s.service.keys.analyst : s.service.keys.manager;
      const times: number[] = [];
      for (let i = 0; i < 5; i++) times.push((await post(s.service.url, key, query, variables)).ms);
      return median(times);
    };

    console.log(
      `\n## bench:app — first render of the insight app, ${RESPONSES.toLocaleString('en')} vs ${BASELINE.toLocaleString('en')} responses\n`,
    );
    console.log(
      `Headless Chromium (1280×900, fresh context per visit), real service (${ROLES.join(' + ')}) on local FerretDB + Redis, ${cpus().length} cores; ` +
        `${RUNS} runs per row, run 1 apart (the first visit after the start, once the caches warmed at start are ready), median and p95 over runs 2–${RUNS}. ` +
        `Load average (1/5/15 min) after each run: ${loads.join('; ')}.\n`,
    );
    console.log(
      `Start → insight caches warmed (${flags['cold-caches'] ? 'all dropped before the start: rebuilt from the entries' : 'as left by the last run: stale ones rebuilt'}): ` +
        services.map((s) => `${s.size.toLocaleString('en')} responses ${fmt(s.warmMs)}`).join(', ') +
        `.\n`,
    );
    const rows: string[][] = [];
    for (const s of samples) {
      const warm = s.visits.slice(1).map((v) => v.firstRender);
      const base = samples.find((b) => b.service.size === BASELINE && b.role === s.role && b.page === s.page)!;
      const baseMedian = median(base.visits.slice(1).map((v) => v.firstRender));
      rows.push([
        `${PAGES[s.page].drawn}`,
        s.role === 'MANAGER' ? `MANAGER (region: ${REGION})` : 'ANALYST',
        s.service.size.toLocaleString('en'),
        fmt(s.visits[0].firstRender),
        fmt(median(warm)),
        fmt(p95(warm)),
        fmt(median(s.visits.slice(1).map((v) => v.firstRequest))),
        s.service.size === BASELINE ? '1.00' : (median(warm) / baseMedian).toFixed(2),
      ]);
    }
    console.log(
      markdownTable(
        [
          'first render: navigation start →',
          'key',
          'responses',
          'run 1 (first after start)',
          'median',
          'p95',
          'first request sent at (median)',
          `÷ ${BASELINE.toLocaleString('en')}-response median`,
        ],
        rows,
      ),
    );

    console.log(
      `\nWhere the time goes (medians over runs 2–${RUNS}; from navigation start; main-thread times are Chromium's Performance metrics up to the moment the bench saw the render):\n`,
    );
    const at = (s: Sample, pick: (v: Visit) => number) => fmt(median(s.visits.slice(1).map(pick)));
    console.log(
      markdownTable(
        [
          'page',
          'key',
          'responses',
          'app script fetched',
          'first request sent',
          'last answer read',
          'first render',
          'main thread: script',
          'main thread: all tasks',
        ],
        samples.map((s) => [
          PAGES[s.page].drawn.split(' ')[0],
          s.role,
          s.service.size.toLocaleString('en'),
          at(s, (v) => v.scriptFetched),
          at(s, (v) => v.firstRequest),
          at(s, (v) => v.dataIn),
          at(s, (v) => v.firstRender),
          at(s, (v) => v.scriptMs),
          at(s, (v) => v.taskMs),
        ]),
      ),
    );

    console.log(
      `\nGraphQL operations issued before the first render (last run; browser: request start → body read; server: the same request replayed from Node, median of 5):\n`,
    );
    const opRows: string[][] = [];
    for (const s of samples) {
      const last = s.visits.at(-1)!;
      for (const op of last.operations) {
        const fields: string[] = [];
        for (const [field, query] of topLevelFields(op.query)) fields.push(`${field} ${fmt(await server(s, query, op.variables))}`);
        opRows.push([
          PAGES[s.page].drawn.split(' ')[0],
          s.role,
          s.service.size.toLocaleString('en'),
          op.name,
          fmt(op.start),
          fmt(op.end - op.start),
          fmt(await server(s, op.query, op.variables)),
          fields.length > 1 ? fields.join(', ') : '',
        ]);
      }
    }
    console.log(
      markdownTable(
        ['page', 'key', 'responses', 'operation', 'sent at', 'browser', 'server', 'server, each top-level field alone'],
        opRows,
      ),
    );
  } finally {
    await browser?.close();
    for (const s of services) await s.app.stop();
    await local.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
