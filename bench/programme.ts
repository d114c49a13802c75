/**
 * `npm run bench:programme`: records touchpoint events (100,000 for 20,000 customers by default) over a
 * simulated quarter and runs the dispatch planner tick by tick on a simulated clock, then prints the
 * invitations released per business day (checked against the batch size and the team's capacity, and
 * never on a weekend in the customer's time zone), the surveys skipped by each rule, and the planner's
 * time per tick, and the ingest rate of the events (imported, against one call each). A RELATIONSHIP rule (every BENCH_EVERY_DAYS, 90) surveys customers with no triggering
 * event: their last relationship survey is spread over the quarter before the start, so the cadence
 * makes them due through the simulated quarter, within the same batch, capacity and fatigue rules.
 *
 * Uses MONGODB_URI when set (a fresh database, dropped at the end), else a local FerretDB in a
 * temporary directory. BENCH_EVENTS (100000), BENCH_CUSTOMERS (20000), BENCH_DAYS (91),
 * BENCH_TICK_MINUTES (60), BENCH_CAPACITY (200 per day), BENCH_BATCH (50), BENCH_EVERY_DAYS (90),
 * BENCH_SINGLE_EVENTS (1000: recorded one call each, the baseline of the import's ingest rate).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectDatabase } from '../models/database.js';
import { loadConfig } from '../src/config.js';
import { isBusinessDay } from '../src/domain/business-calendar.js';
import { createLogger } from '../src/logger.js';
import { NO_EVENTS } from '../src/services/events.js';
import { createProgrammeServices } from '../src/services/programme/index.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 20_000);
const DAYS = Number(process.env.BENCH_DAYS ?? 91);
const TICK_MINUTES = Number(process.env.BENCH_TICK_MINUTES ?? 60);
const CAPACITY = Number(process.env.BENCH_CAPACITY ?? 200);
const BATCH = Number(process.env.BENCH_BATCH ?? 50);
const EVERY_DAYS = Number(process.env.BENCH_EVERY_DAYS ?? 90);
const SINGLE = Number(process.env.BENCH_SINGLE_EVENTS ?? 1000);
const DAY = 86_400_000;
const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'UTC'];
const TOUCHPOINTS = ['order_delivered', 'ticket_closed', 'invoice_paid', 'site_visit'];

const log = (message: string) => console.error(`bench:programme: ${message}`);

/** Small deterministic PRNG so runs are comparable. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

async function main() {
  const wallStarted = performance.now();
  const dataDir = await mkdtemp(join(tmpdir(), 'verbatim-bench-programme-'));
  const local = process.env.MONGODB_URI
    ? null
    : await (await import('../src/local-services/index.js')).startLocalServices({ dataDir, persistent: false, needRedis: false, log });
  const dbName = `bench_programme_${Date.now()}`;
  const serverUri = process.env.MONGODB_URI ?? local?.mongoUri ?? '';
  const db = await connectDatabase({ uri: withDatabase(serverUri, dbName), dbName });
  try {
    await db.syncIndexes();
    const start = new Date('2026-01-05T00:00:00Z'); // a Monday
    let now = start;
    const config = loadConfig({ VERBATIM_DISPATCH_BATCH_SIZE: String(BATCH), VERBATIM_DISPATCH_EVERY_SECONDS: String(TICK_MINUTES * 60) });
    const quiet = createLogger('silent');
    const { programme, dispatchPlanner } = createProgrammeServices({ config, db, events: NO_EVENTS, log: quiet, clock: () => now });

    await programme.setTeamCapacity('care', CAPACITY);
    for (const touchpoint of TOUCHPOINTS)
      await programme.createRule({ touchpoint, delayHours: 24, team: 'care', sampleRate: touchpoint === 'site_visit' ? 0.5 : 1 });
    await programme.createRule({ touchpoint: 'relationship', kind: 'RELATIONSHIP', everyDays: EVERY_DAYS, team: 'care' });
    await programme.setContactRules({
      minDaysBetweenSurveys: 30,
      touchpointDays: 60,
      accountAttribute: 'account',
      accountMaxSurveys: 3,
      accountPeriodDays: 30,
    });

    // Customers known before the quarter go straight into the collection (their relationship cadence
    // spread over the quarter before); the events are recorded through the service, as an import does.
    const random = prng(2026);
    const contacts = Array.from({ length: CUSTOMERS }, (_, i) => ({
      _id: `cust-${i}`,
      email: `cust-${i}@example.com`,
      locale: 'en',
      timeZone: ZONES[i % ZONES.length],
      optedOut: random() < 0.02,
      account: `acct-${i % Math.max(1, Math.floor(CUSTOMERS / 10))}`,
      lastSurveyedAt: null,
      lastByTouchpoint: [],
      // Last relationship survey somewhere in the quarter before the start.
      relationshipAnchor: new Date(start.getTime() - random() * EVERY_DAYS * DAY),
      createdAt: new Date(start.getTime() - EVERY_DAYS * DAY),
    }));
    await db.connection.collection('programme_contacts').insertMany(contacts as never[], { ordered: false });
    // Written past the service, as a version before the day buckets stored them: the start's migration
    // enters them in the relationship cadence's buckets.
    await programme.migrate();
    const events = Array.from({ length: EVENTS }, (_, i) => {
      const customer = contacts[Math.floor(random() * CUSTOMERS)];
      return {
        externalId: `evt-${i}`,
        touchpoint: TOUCHPOINTS[Math.floor(random() * TOUCHPOINTS.length)],
        occurredAt: new Date(start.getTime() + random() * DAYS * DAY),
        customer: { externalId: customer._id, email: customer.email, timeZone: customer.timeZone },
        attributes: [{ key: 'account', value: customer.account }],
      };
    }).sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
    log(
      `${EVENTS} events for ${CUSTOMERS} customers over ${DAYS} days; ticks every ${TICK_MINUTES} min, batch ${BATCH}, capacity ${CAPACITY}/day`,
    );
    // Each day's events are recorded at the start of that day, as the systems behind the touchpoints
    // send them. Baseline in the same run: the first events one call each (recordTouchpointEvent).
    const ingest = { single: 0, singleMs: 0, imported: 0, importMs: 0 };
    let next = 0;
    async function recordDay(until: Date) {
      let started = performance.now();
      for (; next < events.length && ingest.single < SINGLE && events[next].occurredAt < until; next++, ingest.single++)
        await programme.recordEvent(events[next]);
      ingest.singleMs += performance.now() - started;
      started = performance.now();
      while (next < events.length && events[next].occurredAt < until) {
        let end = next;
        while (end < events.length && end - next < config.VERBATIM_MAX_IMPORT_ROWS && events[end].occurredAt < until) end++;
        const outcome = await programme.importEvents(events.slice(next, end));
        if (outcome.errors.length || outcome.duplicates) throw new Error(`import refused rows: ${JSON.stringify(outcome).slice(0, 500)}`);
        ingest.imported += end - next;
        next = end;
      }
      ingest.importMs += performance.now() - started;
    }

    const tickMs: number[] = [];
    const tickDays: number[] = [];
    const skipped: Record<string, number> = {};
    let relationship = 0;
    let maxPerTick = 0;
    let releasedSoFar = 0;
    for (let t = start.getTime(); t < start.getTime() + DAYS * DAY; t += TICK_MINUTES * 60_000) {
      now = new Date(t);
      if ((t - start.getTime()) % DAY === 0) {
        await recordDay(new Date(t + DAY));
        const dayIndex = (t - start.getTime()) / DAY;
        const yesterday = tickMs.filter((_, i) => tickDays[i] === dayIndex - 1).sort((a, b) => a - b);
        log(
          `day ${dayIndex + 1}: ${next} events recorded; day ${dayIndex}'s ticks p50 ${median(yesterday)} ms, max ${yesterday.at(-1) ?? 0} ms; released so far ${releasedSoFar}, skipped ${JSON.stringify(skipped)}`,
        );
      }
      const summary = await dispatchPlanner.tick();
      if (!summary) continue;
      tickMs.push(summary.tookMs);
      tickDays.push(Math.floor((t - start.getTime()) / DAY));
      maxPerTick = Math.max(maxPerTick, summary.released);
      releasedSoFar += summary.released;
      relationship += summary.relationship;
      for (const [rule, n] of Object.entries(summary.skipped)) skipped[rule] = (skipped[rule] ?? 0) + n;
    }

    const released = await db.connection
      .collection('survey_invitations')
      .find({ status: { $ne: 'SKIPPED' } }, { projection: { plannedAt: 1, timeZone: 1, kind: 1 } })
      .toArray();
    const perDay = new Map<string, number>();
    let offDay = 0;
    for (const r of released) {
      const key = (r.plannedAt as Date).toISOString().slice(0, 10);
      perDay.set(key, (perDay.get(key) ?? 0) + 1);
      if (!isBusinessDay(r.plannedAt as Date, r.timeZone as string)) offDay++;
    }
    const counts = [...perDay.values()];
    const sorted = [...tickMs].sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
    const singleRate = ingest.single / (ingest.singleMs / 1000);
    const importRate = ingest.imported / (ingest.importMs / 1000);
    console.log(
      `events recorded: ${ingest.single} one call each at ${singleRate.toFixed(0)}/s; ${ingest.imported} imported (at most ${config.VERBATIM_MAX_IMPORT_ROWS} rows per call, a day's events) at ${importRate.toFixed(0)}/s in ${(ingest.importMs / 1000).toFixed(1)} s (${(importRate / singleRate).toFixed(1)}× one call each)`,
    );
    console.log(`invitations released: ${released.length} on ${perDay.size} days`);
    console.log(
      `relationship cadence: ${relationship} surveys made due for customers with no triggering event, ${released.filter((r) => r.kind === 'RELATIONSHIP').length} released`,
    );
    console.log(
      `released per day: max ${Math.max(0, ...counts)} (capacity ${CAPACITY}), mean ${(released.length / Math.max(1, perDay.size)).toFixed(1)}; max per tick ${maxPerTick} (batch ${BATCH})`,
    );
    console.log(`released on a weekend or holiday in the customer's time zone: ${offDay}`);
    console.log(`skipped by rule: ${JSON.stringify(skipped)}`);
    console.log(`planner time per tick (ms): p50 ${pct(50)}, p95 ${pct(95)}, max ${pct(100)} over ${tickMs.length} ticks`);
    console.log(`planner time per tick by week (ms): week p50 / p95 / max`);
    for (let week = 0; week * 7 < DAYS; week++) {
      const inWeek = tickMs.filter((_, i) => Math.floor(tickDays[i] / 7) === week).sort((a, b) => a - b);
      const q = (p: number) => inWeek[Math.min(inWeek.length - 1, Math.ceil((p / 100) * inWeek.length) - 1)] ?? 0;
      console.log(`  week ${week + 1}: ${q(50)} / ${q(95)} / ${q(100)}`);
    }
    console.log(`released per business day:`);
    for (const [day, n] of [...perDay].sort()) console.log(`  ${day} ${n}`);
    console.log(`wall time: ${((performance.now() - wallStarted) / 1000).toFixed(0)} s`);
  } finally {
    await db.connection.dropDatabase().catch(() => undefined);
    await db.close();
    await local?.stop();
  }
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

function withDatabase(uri: string, dbName: string): string {
  const [base, query] = uri.split('?', 2) as [string, string | undefined];
  const hostsEnd = base.indexOf('/', base.indexOf('://') + 3);
  return `${hostsEnd === -1 ? base : base.slice(0, hostsEnd)}/${dbName}${query ? `?${query}` : ''}`;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
