/**
 * Reads the insight rollups: the day clocks, the entries of days (one `_id` range per day), and
 * the day and month caches of summed rows, rebuilt when their clock counters moved. See
 * docs/insights.md.
 */
import type { CacheDoc } from '../../../../models/rollup/rollup.entity.js';
import type { RollupRepository } from '../../../../models/rollup/rollup.repository.js';
import { daysFromTo, firstDayOfMonth, lastDayOfMonth } from '../calendar.js';
import { decodeEntry, type Entry } from './entry.js';
import type { ExampleLists } from './examples.js';
import { kindId, parseRows, RowSet, serializeRows, type Kind, type Row } from './rows.js';

/** Bump when the row format or its meaning changes: older caches are then rebuilt. */
const CACHE_FORMAT = 2;
/** A cache with more rows is not stored (its unit is then read from the entries). */
const MAX_CACHE_ROWS = 100_000;
/** Nor one whose serialized rows are longer: rows carry attribute values of any length, and a document must stay far below 16 MB. */
const MAX_CACHE_CHARS = 8_000_000;
/** Days whose caches are rebuilt per entry read. */
const REBUILD_DAYS_PER_READ = 100;

export type ClockMap = Map<string, number>;

export type UnitRef = { day: string; month?: undefined } | { month: string; day?: undefined };

/** Each kind's caches in a collection of their own, so reading one never wades through another's. */
const collectionOf = (kind: Kind): string => (kind.attribute ? `${kind.family}__${kind.attribute}` : kind.family);
const cacheId = (kind: Kind, unit: UnitRef) => (unit.day ? `d|${unit.day}|${kindId(kind)}` : `m|${unit.month}|${kindId(kind)}`);

export class RollupReader {
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
   * Summed rows of `kind` for each unit (a day or a whole month), in order; null for a unit with
   * too many rows to cache (read its entries instead). Valid caches are used as they are; stale
   * ones are rebuilt (days from their entries, months from their days) and stored.
   */
  async unitRows(kind: Kind, units: readonly UnitRef[], clocks: ClockMap): Promise<(Row[] | null)[]> {
    const collection = collectionOf(kind);
    const cached = new Map(
      (
        await this.deps.rollups.getCaches(
          collection,
          units.map((u) => cacheId(kind, u)),
        )
      ).map((c) => [c._id, c]),
    );
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

    // Stale or missing: rebuild months from their days, days from their entries.
    const staleMonths = units.flatMap((u, i) => (results[i] === undefined && u.month ? [u.month] : []));
    const monthDays = new Map(staleMonths.map((m) => [m, Object.keys(monthSnapshot(m))]));
    const staleDays = units.flatMap((u, i) => (results[i] === undefined && u.day ? [u.day] : []));
    const neededDays = [...new Set([...staleDays, ...[...monthDays.values()].flat()])];
    const dayRows = new Map<string, Row[] | null>();
    if (neededDays.length) {
      const dayCaches = new Map(
        (
          await this.deps.rollups.getCaches(
            collection,
            neededDays.map((day) => cacheId(kind, { day })),
          )
        ).map((c) => [c._id, c]),
      );
      const rebuild: string[] = [];
      for (const day of neededDays) {
        const doc = dayCaches.get(cacheId(kind, { day }));
        if (doc && doc.f === CACHE_FORMAT && doc.clock === clocks.get(day))
          dayRows.set(day, doc.rows === null ? null : parseRows(doc.rows));
        else rebuild.push(day);
      }
      const fresh: CacheDoc[] = [];
      for (let i = 0; i < rebuild.length; i += REBUILD_DAYS_PER_READ) {
        const chunk = rebuild.slice(i, i + REBUILD_DAYS_PER_READ);
        const sets = new Map(chunk.map((day) => [day, new RowSet()]));
        await this.visitEntries(chunk, (day, entry) => sets.get(day)?.addEntry(entry, [kind]));
        for (const [day, set] of sets) {
          const doc = this.cacheDoc(cacheId(kind, { day }), clocks.get(day) ?? 0, set);
          dayRows.set(day, doc.rows === null ? null : set.list());
          fresh.push(doc);
        }
      }
      for (const [month, days] of monthDays) {
        const parts = days.map((d) => dayRows.get(d));
        // A month with a day too big to cache is not cached either.
        const complete = parts.every((p) => p !== null && p !== undefined);
        const set = new RowSet();
        for (const p of parts) if (p) set.addAll(p);
        const doc = this.cacheDoc(cacheId(kind, { month }), monthSnapshot(month), complete ? set : null);
        const rows = doc.rows === null ? null : set.list();
        fresh.push(doc);
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
