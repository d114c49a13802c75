/**
 * Reads the insight rollups: the day clocks, the entries of days (one `_id` range per day), and
 * the day and month caches of summed rows, rebuilt when their clock counters moved. See
 * docs/insights.md.
 */
import type { CacheDoc } from '../../../../models/rollup/rollup.entity.js';
import type { RollupRepository } from '../../../../models/rollup/rollup.repository.js';
import { daysFromTo, firstDayOfMonth, lastDayOfMonth } from '../calendar.js';
import { CacheMemo } from './cache-memo.js';
import { decodeEntry, type Entry } from './entry.js';
import type { ExampleLists } from './examples.js';
import { kindId, parseRows, RowSet, serializeRows, type Kind, type Row } from './rows.js';

/** Bump when the row format or its meaning changes: older caches are then rebuilt. */
const CACHE_FORMAT = 2;
/** A cache with more rows is not stored (its unit is then read from the entries). */
const MAX_CACHE_ROWS = 100_000;
/** Nor one whose serialized rows are longer: rows carry attribute values of any length, and a document must stay far below 16 MB. */
const MAX_CACHE_CHARS = 8_000_000;
/** Most cache rows kept in process memory (about 150 bytes each). */
const MEMO_ROWS = 400_000;
/** Days whose caches are rebuilt per entry read. */
const REBUILD_DAYS_PER_READ = 100;

export type ClockMap = Map<string, number>;

export type UnitRef = { day: string; month?: undefined } | { month: string; day?: undefined };

/** One kind of cache and the units asked of it. */
export interface KindUnits {
  kind: Kind;
  units: readonly UnitRef[];
}

/** What unitRows knows of one kind while it reads and rebuilds. */
interface KindState extends KindUnits {
  collection: string;
  results: (Row[] | null | undefined)[];
  /** Stale month → its days with data. */
  staleMonths: Map<string, string[]>;
  dayRows: Map<string, Row[] | null>;
  /** Days whose caches are missing or stale. */
  rebuild: string[];
  /** Caches to store, with their rows. */
  fresh: { doc: CacheDoc; rows: Row[] | null }[];
}

/** One day cache being rebuilt by this process, and the calls waiting for it. */
interface DayBuild {
  day: string;
  kind: Kind;
  states: KindState[];
  set: RowSet;
  done: Deferred<Row[] | null>;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(err: Error): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (err: Error) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  // A rebuild that fails is reported to its own caller; waiters that joined it see the rejection too.
  promise.catch(() => {});
  return { promise, resolve, reject };
}

const rowsOf = (doc: CacheDoc): Row[] | null => (doc.rows === null ? null : parseRows(doc.rows));

/** Each kind's caches in a collection of their own, so reading one never wades through another's. */
const collectionOf = (kind: Kind): string => (kind.attribute ? `${kind.family}__${kind.attribute}` : kind.family);
const cacheId = (kind: Kind, unit: UnitRef) => (unit.day ? `d|${unit.day}|${kindId(kind)}` : `m|${unit.month}|${kindId(kind)}`);

export class RollupReader {
  /** Day caches this process is rebuilding, by collection, cache id and clock: concurrent reads share one rebuild. */
  private readonly building = new Map<string, Promise<Row[] | null>>();
  private readonly memo = new CacheMemo(MEMO_ROWS);

  constructor(
    private readonly deps: {
      rollups: RollupRepository;
      now: () => Date;
      /** Runs before clocks are read (the writer's throttled repair of interrupted writes). */
      beforeClocks?: () => Promise<void>;
    },
  ) {}

  /** Day → change counter, for every day with data. Read this BEFORE any cache or entry read it validates. */
  async clocks(): Promise<ClockMap> {
    await this.deps.beforeClocks?.();
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

  /** Every entry of the given days, streamed one by one. */
  async visitEntries(days: readonly string[], visit: (day: string, entry: Entry) => void): Promise<void> {
    await this.deps.rollups.visitEntries(days, (day, id, encoded) => visit(day, decodeEntry(id, encoded)));
  }

  /** Every entry of the given days, by day. */
  async ledgerEntries(days: readonly string[]): Promise<Map<string, Entry[]>> {
    const byDay = new Map<string, Entry[]>(days.map((d) => [d, []]));
    await this.visitEntries(days, (day, entry) => byDay.get(day)?.push(entry));
    return byDay;
  }

  /**
   * Summed rows of each request's kind for each of its units (a day or a whole month), in order;
   * null for a unit with too many rows to cache (read its entries instead). Valid caches are used
   * as they are; stale ones are rebuilt (days from their entries, months from their days) and
   * stored. The stale days of all the kinds are rebuilt from ONE pass over their entries (reading
   * entries is what costs; summing them into several kinds is cheap), and a day cache that another
   * call of this process is rebuilding already (a concurrent query, the warming at start) is
   * awaited, not rebuilt twice.
   */
  async unitRows(requests: readonly KindUnits[], clocks: ClockMap): Promise<(Row[] | null)[][]> {
    const monthSnapshot = (month: string) => {
      const snapshot: Record<string, number> = {};
      for (const day of daysFromTo(firstDayOfMonth(month), lastDayOfMonth(month))) {
        const counter = clocks.get(day);
        if (counter !== undefined) snapshot[day] = counter;
      }
      return snapshot;
    };
    const states = await Promise.all(
      requests.map(async ({ kind, units }): Promise<KindState> => {
        const collection = collectionOf(kind);
        const valid = (unit: UnitRef) => (clock: CacheDoc['clock']) =>
          unit.day !== undefined ? clock === clocks.get(unit.day) : sameClock(clock, monthSnapshot(unit.month));
        // Valid caches by id: from this process's memory, else from the database (and then kept in memory).
        const validCaches = async (refs: readonly UnitRef[]) => {
          const found = new Map<string, Row[] | null>();
          const toRead = new Map<string, UnitRef>();
          for (const unit of refs) {
            const id = cacheId(kind, unit);
            const rows = this.memo.get(`${collection}|${id}`, valid(unit));
            if (rows !== undefined) found.set(id, rows);
            else toRead.set(id, unit);
          }
          if (toRead.size === 0) return found;
          for (const doc of await this.deps.rollups.getCaches(collection, [...toRead.keys()])) {
            const unit = toRead.get(doc._id);
            if (!unit || doc.f !== CACHE_FORMAT || !valid(unit)(doc.clock)) continue;
            const rows = rowsOf(doc);
            found.set(doc._id, rows);
            this.memo.set(`${collection}|${doc._id}`, doc.clock, rows);
          }
          return found;
        };
        const cached = await validCaches(units);
        const results = units.map((unit) => cached.get(cacheId(kind, unit)));
        // Stale or missing: months are rebuilt from their days, days from their entries.
        const staleMonths = new Map<string, string[]>();
        for (const [i, u] of units.entries())
          if (results[i] === undefined && u.month) staleMonths.set(u.month, Object.keys(monthSnapshot(u.month)));
        const staleDays = units.flatMap((u, i) => (results[i] === undefined && u.day ? [u.day] : []));
        const neededDays = [...new Set([...staleDays, ...[...staleMonths.values()].flat()])];
        const dayRows = new Map<string, Row[] | null>();
        const rebuild: string[] = [];
        const dayCaches = neededDays.length ? await validCaches(neededDays.map((day) => ({ day }))) : new Map<string, Row[] | null>();
        for (const day of neededDays) {
          const rows = dayCaches.get(cacheId(kind, { day }));
          if (rows !== undefined) dayRows.set(day, rows);
          else rebuild.push(day);
        }
        return { kind, units, collection, results, staleMonths, dayRows, rebuild, fresh: [] };
      }),
    );

    await this.rebuildDays(states, clocks);

    await Promise.all(
      states.map(async (s) => {
        for (const [month, days] of s.staleMonths) {
          const parts = days.map((d) => s.dayRows.get(d));
          // A month with a day too big to cache is not cached either.
          const complete = parts.every((p) => p !== null && p !== undefined);
          const set = new RowSet();
          for (const p of parts) if (p) set.addAll(p);
          const doc = this.cacheDoc(cacheId(s.kind, { month }), monthSnapshot(month), complete ? set : null);
          const rows = doc.rows === null ? null : set.list();
          s.fresh.push({ doc, rows });
          s.units.forEach((u, i) => {
            if (u.month === month) s.results[i] = rows;
          });
        }
        s.units.forEach((u, i) => {
          if (u.day && s.results[i] === undefined) s.results[i] = s.dayRows.get(u.day) ?? [];
        });
        await this.deps.rollups.putCaches(
          s.collection,
          s.fresh.map((f) => f.doc),
        );
        for (const { doc, rows } of s.fresh) this.memo.set(`${s.collection}|${doc._id}`, doc.clock, rows);
      }),
    );
    return states.map((s) => s.results.map((r) => (r === undefined ? [] : r)));
  }

  /**
   * Rebuilds the stale day caches of every kind into `dayRows` (and `fresh`, to be stored by the
   * caller): days another call is rebuilding are awaited, the others are summed from one entry
   * pass per chunk of days.
   */
  private async rebuildDays(states: readonly KindState[], clocks: ClockMap): Promise<void> {
    const joined: Promise<void>[] = [];
    const own = new Map<string, DayBuild>();
    for (const state of states) {
      for (const day of state.rebuild) {
        const key = `${collectionOf(state.kind)}|${cacheId(state.kind, { day })}@${clocks.get(day) ?? 0}`;
        const inFlight = this.building.get(key);
        if (inFlight) joined.push(inFlight.then((rows) => void state.dayRows.set(day, rows)));
        else {
          const build = own.get(key) ?? { day, kind: state.kind, states: [], set: new RowSet(), done: deferred<Row[] | null>() };
          build.states.push(state);
          own.set(key, build);
        }
      }
    }
    const builds = [...own];
    for (const [key, build] of builds) this.building.set(key, build.done.promise);
    try {
      for (let i = 0; i < builds.length;) {
        // Chunks of at most REBUILD_DAYS_PER_READ days, every kind of a day in the same chunk.
        const days = new Set<string>();
        const byDay = new Map<string, DayBuild[]>();
        for (; i < builds.length && (days.size < REBUILD_DAYS_PER_READ || days.has(builds[i][1].day)); i++) {
          const build = builds[i][1];
          days.add(build.day);
          byDay.set(build.day, [...(byDay.get(build.day) ?? []), build]);
        }
        await this.visitEntries([...days], (day, entry) => {
          for (const build of byDay.get(day) ?? []) build.set.addEntry(entry, [build.kind]);
        });
        for (const build of [...byDay.values()].flat()) {
          const doc = this.cacheDoc(cacheId(build.kind, { day: build.day }), clocks.get(build.day) ?? 0, build.set);
          const rows = doc.rows === null ? null : build.set.list();
          for (const state of build.states) state.dayRows.set(build.day, rows);
          build.states[0].fresh.push({ doc, rows });
          build.done.resolve(rows);
        }
      }
    } catch (err) {
      for (const [, build] of builds) build.done.reject(err as Error);
      throw err;
    } finally {
      for (const [key, build] of builds) if (this.building.get(key) === build.done.promise) this.building.delete(key);
    }
    await Promise.all(joined);
  }

  /** A cache document; its rows are null (not stored) when there are too many of them or they are too long. */
  private cacheDoc(id: string, clock: CacheDoc['clock'], set: RowSet | null): CacheDoc {
    let rows: string | null = null;
    if (set !== null && set.size <= MAX_CACHE_ROWS) {
      rows = serializeRows(set.list());
      if (rows.length > MAX_CACHE_CHARS) rows = null;
    }
    return { _id: id, f: CACHE_FORMAT, clock, rows, builtAt: this.deps.now() };
  }
}

function sameClock(a: CacheDoc['clock'], b: Record<string, number>): boolean {
  if (typeof a !== 'object' || a === null) return false;
  const keys = Object.keys(b);
  return Object.keys(a).length === keys.length && keys.every((k) => a[k] === b[k]);
}
