/**
 * Keeps the insight rollups exact, and reads them.
 *
 * Writing: every response's entry is SET in its day's ledger (compare-and-set per shard, a
 * newer version always wins), then the day's clock is bumped. Writing the same response again
 * — a BullMQ retry, a duplicate job, a re-analysis — replaces its entry instead of adding to it,
 * so counts are exact by construction. A journal document covers the gap between the ledger
 * write and the clock bump: if the process dies there, `sweep()` bumps the clocks it names.
 *
 * Reading: day and month caches hold the summed rows of a day/month, tagged with the clock
 * counters they were computed from; a cache whose counters moved is rebuilt from the ledger
 * (days) or from the day caches (months) when next read. See docs/insights.md.
 */
import type { Logger } from '../../../logger.js';
import type { EntrySource } from '../../../../models/rollup/insight-responses.repository.js';
import type { CacheDoc, LedgerShardDoc } from '../../../../models/rollup/rollup.entity.js';
import type { RollupRepository } from '../../../../models/rollup/rollup.repository.js';
import { daysFromTo, firstDayOfMonth, lastDayOfMonth, monthOf } from '../calendar.js';
import { mapLimit } from '../concurrency.js';
import { dayOfTs, decodeEntry, encodeEntry, entryOf, LEDGER_SHARDS, shardId, shardOf, versionOfEncoded, type Entry } from './entry.js';
import { examplesOf, mergeExamples, type ExampleLists, type ResponseExamples } from './examples.js';
import { kindId, parseRows, RowSet, serializeRows, type Kind, type Row } from './rows.js';

/** Bump when the row format or its meaning changes: older caches are then rebuilt. */
export const CACHE_FORMAT = 2;
/** A cache with more rows is not stored (its unit is then read from the ledger): keeps documents far below 16 MB. */
export const MAX_CACHE_ROWS = 100_000;
/** Journal entries older than this belong to writers that died. */
const STALE_JOURNAL_MS = 30_000;
/** Entries written per flush; later calls wait for the next flush. */
const MAX_BATCH = 2_000;
const SWEEP_EVERY_MS = 10_000;
const CAS_ATTEMPTS = 25;
const IO_CONCURRENCY = 4;
const SAFE_KEY = /^[A-Za-z0-9_-]{1,100}$/;

export interface RollupStoreOptions {
  /** Rebuild the caches of changed months shortly after writes, so the next dashboard read is fast. */
  warmAfterWrites?: boolean;
  warmDelayMs?: number;
}

interface Pending {
  entries: Entry[];
  examples: ResponseExamples[];
  labels: Map<string, string>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export type ClockMap = Map<string, number>;

export type UnitRef = { day: string; month?: undefined } | { month: string; day?: undefined };

/** Each kind's caches in a collection of their own, so reading one never wades through another's. */
const collectionOf = (kind: Kind): string => (kind.attribute ? `${kind.family}__${kind.attribute}` : kind.family);
const cacheId = (kind: Kind, unit: UnitRef) => (unit.day ? `d|${unit.day}|${kindId(kind)}` : `m|${unit.month}|${kindId(kind)}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class RollupStore {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private readonly knownLabels = new Map<string, string>();
  private readonly knownAttrKeys = new Set<string>();
  private warmTimer: NodeJS.Timeout | null = null;
  private readonly monthsToWarm = new Set<string>();
  private closed = false;
  private lastSweep = 0;

  constructor(
    private readonly deps: { rollups: RollupRepository; log: Logger; now?: () => Date },
    private readonly options: RollupStoreOptions = {},
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  // ───────────────────────────── writing ─────────────────────────────

  /** Records responses as they are now (after ingestion, after analysis, after a final failure). Idempotent. */
  record(responses: readonly EntrySource[]): Promise<void> {
    if (responses.length === 0) return Promise.resolve();
    const { entries, examples, labels } = this.prepare(responses);
    return this.enqueue({ entries, examples, labels });
  }

  /**
   * Records many responses (rebuilds, migrations): buffers up to `bufferSize` of them and writes
   * the buffer grouped by ledger shard, so each shard is written once per buffer.
   */
  async recordAll(visitAll: (visit: (response: EntrySource) => void) => Promise<unknown>, bufferSize = 100_000): Promise<number> {
    let buffer: EntrySource[] = [];
    let count = 0;
    const writes: Promise<void>[] = [];
    const flush = () => {
      if (buffer.length === 0) return;
      writes.push(this.enqueue(this.prepare(buffer)));
      buffer = [];
    };
    await visitAll((response) => {
      buffer.push(response);
      count++;
      if (buffer.length >= bufferSize) flush();
    });
    flush();
    await Promise.all(writes);
    return count;
  }

  private prepare(responses: readonly EntrySource[]): Pick<Pending, 'entries' | 'examples' | 'labels'> {
    const labels = new Map<string, string>();
    const entries: Entry[] = [];
    const examples: ResponseExamples[] = [];
    for (const response of responses) {
      const entry = entryOf(response);
      entries.push(entry);
      examples.push(examplesOf(response, entry));
      for (const t of response.analysis?.themes ?? []) if (t?.key && t.label) labels.set(t.key, t.label);
    }
    return { entries, examples, labels };
  }

  private enqueue(work: Omit<Pending, 'resolve' | 'reject'>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ ...work, resolve, reject });
      this.kick();
    });
  }

  /** Writes run one batch at a time; calls made during a write are merged into the next batch. */
  private kick(): void {
    if (this.flushing) return;
    this.flushing = (async () => {
      while (this.queue.length > 0) {
        const batch: Pending[] = [];
        let size = 0;
        for (let next = this.queue[0]; next && (batch.length === 0 || size + next.entries.length <= MAX_BATCH); next = this.queue[0]) {
          this.queue.shift();
          size += next.entries.length;
          batch.push(next);
        }
        try {
          await this.write(batch);
          for (const p of batch) p.resolve();
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    })().finally(() => {
      this.flushing = null;
      if (this.queue.length > 0) this.kick();
    });
  }

  private async write(batch: Pending[]): Promise<void> {
    // The newest version of each response wins within the batch too.
    const latest = new Map<string, Entry>();
    for (const p of batch) {
      for (const e of p.entries) {
        const previous = latest.get(e.id);
        if (!previous || previous.version <= e.version) latest.set(e.id, e);
      }
    }
    const byShard = new Map<string, { day: string; entries: Entry[] }>();
    const groupOf = (day: string, id: string) => {
      const sid = shardId(day, shardOf(id));
      let group = byShard.get(sid);
      if (!group) byShard.set(sid, (group = { day, entries: [] }));
      return group;
    };
    for (const e of latest.values()) groupOf(dayOfTs(e.ts), e.id).entries.push(e);

    const days = [...new Set([...byShard.values()].map((g) => g.day))];
    const journalId = await this.deps.rollups.openJournal(days, this.now());
    const known = new Map((await this.deps.rollups.getShards([...byShard.keys()], { forWrite: true })).map((doc) => [doc._id, doc]));
    const changed = new Set<string>();
    // Shards that do not exist yet are created in one round trip; the rest (and lost races) by compare-and-set.
    const created = [...byShard]
      .filter(([sid, g]) => !known.has(sid) && g.entries.length > 0)
      .map(([sid, g]) => ({ _id: sid, day: g.day, e: Object.fromEntries(g.entries.map((e) => [e.id, encodeEntry(e)])) }));
    const taken = await this.deps.rollups.insertShards(created);
    const done = new Set(created.filter((c) => !taken.has(c._id)).map((c) => c._id));
    for (const doc of created) if (done.has(doc._id)) changed.add(doc.day);
    const rest = [...byShard].filter(([sid]) => !done.has(sid));
    await mapLimit(rest, IO_CONCURRENCY, async ([sid, group]) => {
      if (await this.mergeShard(sid, group, taken.has(sid) ? undefined : (known.get(sid) ?? null))) changed.add(group.day);
    });
    await this.deps.rollups.bumpDays(changed);
    await this.writeExamples(batch);
    await this.updateMeta(batch, [...latest.values()]);
    await this.deps.rollups.closeJournal(journalId);
    if (this.options.warmAfterWrites) this.scheduleWarm([...changed].map(monthOf));
  }

  /** Compare-and-set of one ledger shard (`first`: the shard as already read, undefined to read it); true when it changed. */
  private async mergeShard(sid: string, group: { day: string; entries: Entry[] }, first: LedgerShardDoc | null | undefined): Promise<boolean> {
    let doc = first ?? null;
    for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
      if (attempt > 0 || first === undefined) [doc = null] = await this.deps.rollups.getShards([sid], { forWrite: true });
      const set: Record<string, string> = {};
      for (const e of group.entries) {
        const old = doc?.e?.[e.id];
        if (old !== undefined && versionOfEncoded(old) > e.version) continue; // a newer write is already there
        const encoded = encodeEntry(e);
        if (old !== encoded) set[e.id] = encoded;
      }
      if (Object.keys(set).length === 0) return false;
      if (!doc) {
        if (await this.deps.rollups.insertShard(sid, group.day, set)) return true;
      } else if (await this.deps.rollups.casShard(sid, doc.rev, set)) {
        return true;
      }
      await sleep(Math.random() * 10 * (attempt + 1));
    }
    throw new Error(`rollup ledger shard ${sid}: too much write contention, gave up after ${CAS_ATTEMPTS} attempts`);
  }

  private async writeExamples(batch: Pending[]): Promise<void> {
    const byMonth = new Map<string, ResponseExamples[]>();
    for (const p of batch) for (const ex of p.examples) byMonth.set(ex.month, [...(byMonth.get(ex.month) ?? []), ex]);
    const docs = new Map((await this.deps.rollups.getExampleDocs([...byMonth.keys()])).map((d) => [d._id, d]));
    await mapLimit([...byMonth], IO_CONCURRENCY, async ([month, updates]) => {
      let doc = docs.get(month) ?? null;
      for (let attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
        if (attempt > 0) [doc = null] = await this.deps.rollups.getExampleDocs([month]);
        const next = mergeExamples(doc ? (JSON.parse(doc.ex) as ExampleLists) : {}, updates);
        if (next === null) return;
        if (await this.deps.rollups.putExampleDoc(month, doc?.rev ?? null, JSON.stringify(next))) return;
        await sleep(Math.random() * 10 * (attempt + 1));
      }
      throw new Error(`rollup examples ${month}: too much write contention`);
    });
  }

  private async updateMeta(batch: Pending[], entries: Entry[]): Promise<void> {
    const labels: Record<string, string> = {};
    for (const p of batch) {
      for (const [key, label] of p.labels) if (SAFE_KEY.test(key) && this.knownLabels.get(key) !== label) labels[key] = label;
    }
    const attrKeys = new Set<string>();
    for (const e of entries) {
      for (const tag of e.tags) {
        const key = tag.slice(0, tag.indexOf('='));
        if (SAFE_KEY.test(key) && !this.knownAttrKeys.has(key)) attrKeys.add(key);
      }
    }
    await this.deps.rollups.updateMeta(labels, [...attrKeys]);
    for (const [k, v] of Object.entries(labels)) this.knownLabels.set(k, v);
    for (const k of attrKeys) this.knownAttrKeys.add(k);
  }

  /** Bumps the clocks named by journal entries of writers that died mid-write. Returns how many were repaired. */
  async sweep(): Promise<number> {
    const stale = await this.deps.rollups.staleJournals(new Date(this.now().getTime() - STALE_JOURNAL_MS));
    for (const j of stale) {
      await this.deps.rollups.bumpDays(j.days);
      await this.deps.rollups.closeJournal(j._id);
    }
    if (stale.length) this.deps.log.warn({ repaired: stale.length }, 'rollups: repaired clocks of interrupted writes');
    return stale.length;
  }

  /** Readers repair interrupted writes too (throttled), so no deployment depends on a sweeper being scheduled. */
  private async sweepNowAndThen(): Promise<void> {
    const now = this.now().getTime();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    await this.sweep();
  }

  /** Waits for pending writes and stops warming. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.warmTimer) clearTimeout(this.warmTimer);
    while (this.flushing) await this.flushing;
  }

  private scheduleWarm(months: string[]): void {
    if (this.closed) return;
    for (const m of months) this.monthsToWarm.add(m);
    if (this.warmTimer || this.monthsToWarm.size === 0) return;
    this.warmTimer = setTimeout(() => {
      this.warmTimer = null;
      const months = [...this.monthsToWarm];
      this.monthsToWarm.clear();
      this.warm(months).catch((err: Error) => this.deps.log.warn({ err: err.message }, 'rollups: warming caches failed'));
    }, this.options.warmDelayMs ?? 2_000);
    this.warmTimer.unref();
  }

  /** Rebuilds stale month caches of the core kinds (attribute kinds are built when first asked for). */
  async warm(months: readonly string[]): Promise<void> {
    const clocks = await this.clocks();
    const units = months.map((month) => ({ month }));
    for (const kind of [{ family: 'base', attribute: null }, { family: 'themes', attribute: null }] as Kind[]) await this.unitRows(kind, units, clocks);
  }

  // ───────────────────────────── reading ─────────────────────────────

  /** Day → change counter, for every day with data. Read this BEFORE any cache or ledger read it validates. */
  async clocks(): Promise<ClockMap> {
    await this.sweepNowAndThen();
    const map: ClockMap = new Map();
    for (const doc of await this.deps.rollups.allClocks()) for (const [day, counter] of Object.entries(doc.d ?? {})) map.set(day, counter);
    return map;
  }

  async labels(): Promise<Record<string, string>> {
    return (await this.deps.rollups.getMeta()).labels ?? {};
  }

  async exampleLists(months: readonly string[]): Promise<ExampleLists[]> {
    return (await this.deps.rollups.getExampleDocs(months)).map((d) => JSON.parse(d.ex) as ExampleLists);
  }

  /** Every entry of the given days, from their ledger shards (one read). */
  async ledgerEntries(days: readonly string[]): Promise<Map<string, Entry[]>> {
    const ids = days.flatMap((day) => Array.from({ length: LEDGER_SHARDS }, (_, i) => shardId(day, i)));
    const byDay = new Map<string, Entry[]>(days.map((d) => [d, []]));
    for (const shard of await this.deps.rollups.getShards(ids)) {
      const list = byDay.get(shard.day);
      if (list) for (const [id, text] of Object.entries(shard.e ?? {})) list.push(decodeEntry(id, text));
    }
    return byDay;
  }

  /**
   * Summed rows of `kind` for each unit (a day or a whole month), in order; null for a unit with
   * too many rows to cache (read its ledger instead). Valid caches are used as they are; stale
   * ones are rebuilt (days from the ledger, months from their days) and stored.
   */
  async unitRows(kind: Kind, units: readonly UnitRef[], clocks: ClockMap): Promise<(Row[] | null)[]> {
    const collection = collectionOf(kind);
    const cached = new Map((await this.deps.rollups.getCaches(collection, units.map((u) => cacheId(kind, u)))).map((c) => [c._id, c]));
    const monthSnapshot = (month: string) => {
      const snapshot: Record<string, number> = {};
      for (const day of daysFromTo(firstDayOfMonth(month), lastDayOfMonth(month))) {
        const counter = clocks.get(day);
        if (counter !== undefined) snapshot[day] = counter;
      }
      return snapshot;
    };
    const results: (Row[] | null | undefined)[] = units.map((unit) => {
      const doc = cached.get(cacheId(kind, unit));
      if (!doc || doc.f !== CACHE_FORMAT) return undefined;
      const valid = unit.day ? doc.clock === clocks.get(unit.day) : unit.month ? sameClock(doc.clock, monthSnapshot(unit.month)) : false;
      return valid ? (doc.rows === null ? null : parseRows(doc.rows)) : undefined;
    });

    // Stale or missing: rebuild months from their days, days from the ledger.
    const staleMonths = units.flatMap((u, i) => (results[i] === undefined && u.month ? [u.month] : []));
    const monthDays = new Map(staleMonths.map((m) => [m, Object.keys(monthSnapshot(m))]));
    const staleDays = units.flatMap((u, i) => (results[i] === undefined && u.day ? [u.day] : []));
    const neededDays = [...new Set([...staleDays, ...[...monthDays.values()].flat()])];
    const dayRows = new Map<string, Row[] | null>();
    if (neededDays.length) {
      const dayCaches = new Map((await this.deps.rollups.getCaches(collection, neededDays.map((day) => cacheId(kind, { day })))).map((c) => [c._id, c]));
      const rebuild: string[] = [];
      for (const day of neededDays) {
        const doc = dayCaches.get(cacheId(kind, { day }));
        if (doc && doc.f === CACHE_FORMAT && doc.clock === clocks.get(day)) dayRows.set(day, doc.rows === null ? null : parseRows(doc.rows));
        else rebuild.push(day);
      }
      const fresh: CacheDoc[] = [];
      for (let i = 0; i < rebuild.length; i += 100) {
        const chunk = rebuild.slice(i, i + 100);
        for (const [day, entries] of await this.ledgerEntries(chunk)) {
          const set = new RowSet();
          for (const entry of entries) set.addEntry(entry, [kind]);
          const rows = set.size > MAX_CACHE_ROWS ? null : set.list();
          dayRows.set(day, rows);
          fresh.push(this.cacheDoc(cacheId(kind, { day }), clocks.get(day) ?? 0, rows));
        }
      }
      for (const [month, days] of monthDays) {
        const parts = days.map((d) => dayRows.get(d));
        let rows: Row[] | null = null;
        if (parts.every((p) => p !== null && p !== undefined)) {
          const set = new RowSet();
          for (const p of parts) set.addAll(p);
          rows = set.size > MAX_CACHE_ROWS ? null : set.list();
        }
        fresh.push(this.cacheDoc(cacheId(kind, { month }), monthSnapshot(month), rows));
        units.forEach((u, i) => {
          if (u.month === month) results[i] = rows;
        });
      }
      units.forEach((u, i) => {
        if (u.day && results[i] === undefined) results[i] = dayRows.get(u.day) ?? [];
      });
      await this.deps.rollups.putCaches(collection, fresh);
    }
    return results.map((r) => (r === undefined ? [] : r));
  }

  private cacheDoc(id: string, clock: CacheDoc['clock'], rows: Row[] | null): CacheDoc {
    return { _id: id, f: CACHE_FORMAT, clock, rows: rows === null ? null : serializeRows(rows), builtAt: this.now() };
  }
}

function sameClock(a: CacheDoc['clock'], b: Record<string, number>): boolean {
  if (typeof a !== 'object' || a === null) return false;
  const keys = Object.keys(b);
  return Object.keys(a).length === keys.length && keys.every((k) => a[k] === b[k]);
}
