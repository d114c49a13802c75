/**
 * The insight rollups, written by RollupWriter and read by RollupReader (see their headers and
 * docs/insights.md). This facade is what the services use: `record` after ingestion, analysis
 * and corrections; the reads for the insight queries; and warming of month caches after writes,
 * so the next dashboard read is fast.
 */
import type { Logger } from '../../../logger.js';
import type { EntrySource } from '../../../../models/rollup/insight-responses.repository.js';
import type { RollupRepository } from '../../../../models/rollup/rollup.repository.js';
import { monthOf } from '../calendar.js';
import type { Entry } from './entry.js';
import type { ExampleLists } from './examples.js';
import { RollupReader, type ClockMap, type KindUnits, type UnitRef } from './rollup-reader.js';
import { RollupWriter } from './rollup-writer.js';
import { kindsFor, type Kind, type Row } from './rows.js';
import { restAfter, type RoundPacing } from '../../../../jobs/round-pacer.js';

export type { ClockMap, KindUnits, UnitRef } from './rollup-reader.js';

const SWEEP_EVERY_MS = 10_000;
/**
 * Warming after writes takes at most this share of the time: a pass that took `d` ms delays the
 * next by up to `d × 9` (at most 2 minutes). On the embedded FerretDB a pass reads the changed days'
 * entries by `_id` range, which decodes the month's whole entry collection; under a sustained
 * bulk load at 100,000 responses that kept the database busy and the analysis fell to about 48/s.
 * A read that finds a cache stale rebuilds it anyway, so pacing only delays a warm-up, never a result.
 */
const WARM_PACING: RoundPacing = { share: 0.1, maxRestMs: 120_000, minPacedMs: 500 };
/** Newest months whose day caches warming reads as well (90 days span up to 4 months). */
const WARM_DAYS_OF_MONTHS = 4;

export interface RollupStoreOptions {
  /** Rebuild the caches of changed months shortly after writes, so the next dashboard read is fast. */
  warmAfterWrites?: boolean;
  warmDelayMs?: number;
}

export class RollupStore {
  private readonly writer: RollupWriter;
  private readonly reader: RollupReader;
  private warmTimer: NodeJS.Timeout | null = null;
  private warmRunning = false;
  /** `performance.now()` before which no warming after writes starts (WARM_PACING). */
  private warmRestUntil = 0;
  private readonly monthsToWarm = new Set<string>();
  private closed = false;
  private warmingStopped = false;
  private lastSweep = 0;

  constructor(
    deps: { rollups: RollupRepository; log: Logger; now?: () => Date },
    private readonly options: RollupStoreOptions = {},
  ) {
    const now = deps.now ?? (() => new Date());
    this.writer = new RollupWriter({
      rollups: deps.rollups,
      log: deps.log,
      now,
      onWritten: (days) => {
        if (this.options.warmAfterWrites) this.scheduleWarm(days.map(monthOf), deps.log);
      },
    });
    // Readers repair interrupted writes too (throttled), so no deployment depends on a sweeper being scheduled.
    this.reader = new RollupReader({
      rollups: deps.rollups,
      now,
      beforeClocks: async () => {
        const at = now().getTime();
        if (at - this.lastSweep < SWEEP_EVERY_MS) return;
        this.lastSweep = at;
        await this.writer.sweep();
      },
    });
  }

  // ───────────────────────────── writing ─────────────────────────────

  /** Records responses as they are now (after ingestion, after analysis, after a final failure). Idempotent. */
  record(responses: readonly EntrySource[]): Promise<void> {
    return this.writer.record(responses);
  }

  /** Records many responses (rebuilds). */
  recordAll(visitAll: (visit: (response: EntrySource) => void) => Promise<unknown>, bufferSize?: number): Promise<number> {
    return this.writer.recordAll(visitAll, bufferSize);
  }

  /** Moves data of the former shard ledger into entry documents; run on start (a no-op once done). */
  migrate(): Promise<number> {
    return this.writer.migrateLegacyLedger();
  }

  /** Bumps the clocks named by journal entries of writers that died mid-write. Returns how many were repaired. */
  sweep(): Promise<number> {
    return this.writer.sweep();
  }

  /** Ends `warmAll` after the month at hand (shutdown). */
  stopWarming(): void {
    this.warmingStopped = true;
  }

  /** Waits for pending writes and stops warming. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.warmTimer) clearTimeout(this.warmTimer);
    await this.writer.drain();
  }

  /** One warming pass at a time, paced (WARM_PACING); months written meanwhile go into the next. */
  private scheduleWarm(months: string[], log: Logger): void {
    if (this.closed) return;
    for (const m of months) this.monthsToWarm.add(m);
    if (this.warmTimer || this.warmRunning || this.monthsToWarm.size === 0) return;
    const delay = Math.max(this.options.warmDelayMs ?? 2_000, this.warmRestUntil - performance.now());
    this.warmTimer = setTimeout(() => {
      this.warmTimer = null;
      const months = [...this.monthsToWarm];
      this.monthsToWarm.clear();
      this.warmRunning = true;
      const started = performance.now();
      this.warm(months)
        .catch((err: Error) => log.warn({ err: err.message }, 'rollups: warming caches failed'))
        .finally(() => {
          this.warmRunning = false;
          const tookMs = performance.now() - started;
          const restMs = restAfter(tookMs, WARM_PACING);
          this.warmRestUntil = performance.now() + restMs;
          if (restMs > 0) log.debug({ tookMs: Math.round(tookMs), restMs }, 'rollups: slow cache warming, the next one rests');
          this.scheduleWarm([], log);
        });
    }, delay);
    this.warmTimer.unref();
  }

  /**
   * Rebuilds stale month caches (and their days') of the given kinds, by default the core ones
   * (attribute kinds are built when first asked for). `withDays` reads the months' day caches too,
   * so they are in this process's memory for the queries that read days (trends by day or week,
   * the 30-day comparison windows).
   */
  async warm(months: readonly string[], kinds: readonly Kind[] = kindsFor(null, true), { withDays = false } = {}): Promise<void> {
    const clocks = await this.clocks();
    const days = withDays ? [...clocks.keys()].filter((day) => months.includes(monthOf(day))) : [];
    const units: UnitRef[] = [...months.map((month) => ({ month })), ...days.map((day) => ({ day }))];
    await this.unitRows(
      kinds.map((kind) => ({ kind, units })),
      clocks,
    );
  }

  /**
   * Rebuilds every stale cache of the core kinds and of these attributes' kinds, month by month,
   * newest first (the months dashboards open on), so memory stays bounded by one month; the
   * newest months' day caches are read too (the last 90 days are what the app opens on). Stops
   * after the month at hand once `stopWarming()` is called or the store closes. Returns how many
   * months it went through.
   */
  async warmAll(attributes: readonly string[]): Promise<number> {
    const kinds = [null, ...new Set(attributes)].flatMap((attribute) => kindsFor(attribute, true));
    const months = [...new Set([...(await this.clocks()).keys()].map(monthOf))].sort().reverse();
    let done = 0;
    for (const month of months) {
      if (this.closed || this.warmingStopped) break;
      await this.warm([month], kinds, { withDays: done < WARM_DAYS_OF_MONTHS });
      done++;
    }
    return done;
  }

  // ───────────────────────────── reading ─────────────────────────────

  /** Day → change counter, for every day with data. Read this BEFORE any cache or entry read it validates. */
  clocks(): Promise<ClockMap> {
    return this.reader.clocks();
  }

  labels(): Promise<Record<string, string>> {
    return this.reader.labels();
  }

  exampleLists(months: readonly string[]): Promise<ExampleLists[]> {
    return this.reader.exampleLists(months);
  }

  /** Every entry of the given days, by day. */
  ledgerEntries(days: readonly string[]): Promise<Map<string, Entry[]>> {
    return this.reader.ledgerEntries(days);
  }

  /** Summed rows of each kind per unit; null for a unit too big to cache (see RollupReader.unitRows). */
  unitRows(requests: readonly KindUnits[], clocks: ClockMap): Promise<(Row[] | null)[][]> {
    return this.reader.unitRows(requests, clocks);
  }
}
