/**
 * Where an insight query's rows come from, cheapest first:
 *  1. ROLLUP — cached day/month sums, filtered by touchpoint, category and the values of (at most)
 *     one attribute; days cut by a from/to that is not a UTC midnight are read from the ledger.
 *  2. LEDGER — the day ledgers' entries, matched one by one: theme filters, several attribute
 *     keys, grouping by another attribute than the filter's.
 *  3. SCAN — the responses themselves, for what only they carry (comment search, analysis status).
 * All three produce the same rows, so the arithmetic above them is one.
 */
import type { ResponseQueryFilter } from '../../../../models/response/response.filter.js';
import { InputError } from '../../../errors.js';
import { ResponseLimitExceeded, type InsightResponseRepository } from '../../../../models/rollup/insight-responses.repository.js';
import { dayOf, firstDayOfMonth, isMidnight, lastDayOfMonth, monthOf } from '../calendar.js';
import { dayOfTs, entryCanMatch, entryMatches, entryOf } from './entry.js';
import type { ClockMap, RollupStore, UnitRef } from './rollup-store.js';
import { filterRows, kindId, kindsFor, RowSet, type Kind, type Row, type RowFilter } from './rows.js';

export type RowSourceLevel = 'ROLLUP' | 'LEDGER' | 'SCAN';
export type Granularity = 'day' | 'month';

interface Unit {
  /** Day (YYYY-MM-DD) or month (YYYY-MM) key. */
  key: string;
  rows: Row[];
}

export interface RowsResult {
  units: Unit[];
  source: RowSourceLevel;
  /** First and last day the query covers (from the filter, else from the data); null without data. */
  firstDay: string | null;
  lastDay: string | null;
}

export interface RowsRequest {
  filter: ResponseQueryFilter | null | undefined;
  /** `attribute` adds that attribute's value to the rows (responses without it are left out); `withThemes` adds theme rows. */
  view: { attribute: string | null; withThemes: boolean };
  granularity: Granularity;
}

/** What one request reads from the rollups, decided before any read. */
interface Plan {
  request: RowsRequest;
  filter: ResponseQueryFilter;
  kinds: Kind[];
  units: { ref: UnitRef; id: string; days: string[] }[];
  ledgerDays: Set<string>;
  rowFilter: RowFilter;
  servedByCaches: boolean;
  firstDay: string | null;
  lastDay: string | null;
  sets: Map<string, RowSet>;
}

export class RowSource {
  constructor(private readonly deps: { store: RollupStore; responses: InsightResponseRepository; maxScan: number }) {}

  async rows(filter: ResponseQueryFilter | null | undefined, view: RowsRequest['view'], granularity: Granularity): Promise<RowsResult> {
    return (await this.rowsMany([{ filter, view, granularity }]))[0];
  }

  /**
   * Several requests at once (a breakdown and its comparison periods): one clock read, one cache
   * read per kind and one ledger read for all of them.
   */
  async rowsMany(requests: readonly RowsRequest[]): Promise<RowsResult[]> {
    const results = new Array<RowsResult>(requests.length);
    const fromRollups = requests.map((r, i) => ({ r, i })).filter(({ r }) => entryCanMatch(r.filter));
    // Requests that differ only in from/to (a breakdown and its comparison periods) share one scan.
    const scans = new Map<string, number[]>();
    for (const [i, r] of requests.entries()) {
      if (entryCanMatch(r.filter)) continue;
      const key = JSON.stringify({ ...r.filter, from: undefined, to: undefined });
      scans.set(key, [...(scans.get(key) ?? []), i]);
    }
    for (const indexes of scans.values()) {
      const scanned = await this.fromScan(indexes.map((i) => requests[i]));
      indexes.forEach((i, j) => (results[i] = scanned[j]));
    }
    if (fromRollups.length === 0) return results;

    const { store } = this.deps;
    const clocks = await store.clocks(); // before any cache or ledger read: see RollupStore
    const plans = fromRollups.map(({ r }) => plan(r, clocks));

    // Caches, one read per kind for every plan's units.
    const byKind = new Map<string, { kind: Kind; units: Map<string, UnitRef> }>();
    for (const p of plans) {
      for (const kind of p.kinds) {
        const entry = byKind.get(kindId(kind)) ?? { kind, units: new Map() };
        for (const unit of p.units) entry.units.set(unit.id, unit.ref);
        byKind.set(kindId(kind), entry);
      }
    }
    // One call for every kind: their stale days are rebuilt from one pass over the entries.
    const kinds = [...byKind];
    const rows = await store.unitRows(
      kinds.map(([, { kind, units }]) => ({ kind, units: [...units.values()] })),
      clocks,
    );
    const read = kinds.map(([id, { units }], k) => ({ id, byUnit: new Map([...units.keys()].map((unitId, i) => [unitId, rows[k][i]])) }));
    for (const { id, byUnit } of read) {
      for (const p of plans) {
        if (!p.kinds.some((k) => kindId(k) === id)) continue;
        for (const unit of p.units) {
          const unitRows = byUnit.get(unit.id);
          // Too many rows to cache: this unit's entries are matched instead (exact, slower).
          if (unitRows === null || unitRows === undefined) for (const day of unit.days) p.ledgerDays.add(day);
          else setOf(p, unitKey(p, unit.days[0])).addAll(filterRows(unitRows, p.rowFilter));
        }
      }
    }

    // Ledger entries, one read for every plan's days.
    const ledgerDays = [...new Set(plans.flatMap((p) => [...p.ledgerDays]))];
    if (ledgerDays.length) {
      const entries = await store.ledgerEntries(ledgerDays);
      for (const p of plans) {
        for (const day of p.ledgerDays) {
          const set = setOf(p, unitKey(p, day));
          for (const entry of entries.get(day) ?? []) if (entryMatches(entry, p.filter)) set.addEntry(entry, p.kinds);
        }
      }
    }

    plans.forEach((p, j) => {
      results[fromRollups[j].i] = {
        units: [...p.sets].sort(([a], [b]) => a.localeCompare(b)).map(([key, set]) => ({ key, rows: set.list() })),
        source: p.servedByCaches ? 'ROLLUP' : 'LEDGER',
        firstDay: p.firstDay,
        lastDay: p.lastDay,
      };
    });
    return results;
  }

  /** All rows of a result summed into one set. */
  static merged(result: RowsResult): Row[] {
    const set = new RowSet();
    for (const unit of result.units) set.addAll(unit.rows);
    return set.list();
  }

  /** One scan of the responses for requests whose filters differ only in from/to: over the union of their ranges. */
  private async fromScan(requests: RowsRequest[]): Promise<RowsResult[]> {
    const filters = requests.map((r): ResponseQueryFilter => r.filter ?? {});
    // One unbounded request makes the union unbounded on that side.
    const bound = (side: 'from' | 'to', pick: (...times: number[]) => number): Date | null => {
      const times = filters.flatMap((f) => (f[side] ? [f[side].getTime()] : []));
      return times.length === filters.length ? new Date(pick(...times)) : null;
    };
    const union: ResponseQueryFilter = { ...filters[0], from: bound('from', Math.min), to: bound('to', Math.max) };
    const outputs = requests.map((r) => ({
      request: r,
      kinds: kindsFor(r.view.attribute, r.view.withThemes),
      sets: new Map<string, RowSet>(),
      minDay: null as string | null,
      maxDay: null as string | null,
    }));
    try {
      await this.deps.responses.scan(
        union,
        (doc) => {
          const entry = entryOf(doc);
          const day = dayOfTs(entry.ts);
          for (const out of outputs) {
            const { from, to } = out.request.filter ?? {};
            if ((from && entry.ts < from.getTime()) || (to && entry.ts >= to.getTime())) continue;
            if (!out.minDay || day < out.minDay) out.minDay = day;
            if (!out.maxDay || day > out.maxDay) out.maxDay = day;
            const key = out.request.granularity === 'day' ? day : monthOf(day);
            let set = out.sets.get(key);
            if (!set) out.sets.set(key, (set = new RowSet()));
            set.addEntry(entry, out.kinds);
          }
        },
        this.deps.maxScan,
      );
    } catch (err) {
      if (err instanceof ResponseLimitExceeded) {
        throw new InputError([
          { field: 'filter', message: `matches more than ${err.limit} responses for a comment search; narrow it (e.g. with from/to)` },
        ]);
      }
      throw err;
    }
    return outputs.map((out) => {
      const { from, to } = out.request.filter ?? {};
      return {
        units: [...out.sets].sort(([a], [b]) => a.localeCompare(b)).map(([key, set]) => ({ key, rows: set.list() })),
        source: 'SCAN' as const,
        firstDay: from ? dayOf(from) : out.minDay,
        lastDay: to ? dayOf(new Date(to.getTime() - 1)) : out.maxDay,
      };
    });
  }
}

const unitKey = (p: Plan, day: string) => (p.request.granularity === 'day' ? day : monthOf(day));

function setOf(p: Plan, key: string): RowSet {
  let set = p.sets.get(key);
  if (!set) p.sets.set(key, (set = new RowSet()));
  return set;
}

/**
 * Which units come from caches and which days from the ledger. Caches serve filters on
 * touchpoint, category and the values of the view's attribute; whole months inside the range
 * come from month caches, other days from day caches, and days cut by a from/to that is not a
 * UTC midnight — or every day, for filters caches cannot serve — from the ledger.
 */
function plan(request: RowsRequest, clocks: ClockMap): Plan {
  const filter = request.filter ?? {};
  const attribute = request.view.attribute;
  const kinds = kindsFor(attribute, request.view.withThemes);
  const dataDays = [...clocks.keys()].sort();
  const firstDay = filter.from ? dayOf(filter.from) : (dataDays[0] ?? null);
  const lastDay = filter.to ? dayOf(new Date(filter.to.getTime() - 1)) : (dataDays[dataDays.length - 1] ?? null);
  const servedByCaches = !filter.themes?.length && (filter.attributes ?? []).every((a) => a.key === attribute);
  const result: Plan = {
    request,
    filter,
    kinds,
    units: [],
    ledgerDays: new Set(),
    rowFilter: {
      touchpoints: filter.touchpoints,
      categories: filter.categories,
      attributeValues: (filter.attributes ?? []).filter((a) => a.key === attribute).map((a) => a.value),
    },
    servedByCaches,
    firstDay,
    lastDay,
    sets: new Map(),
  };
  if (!firstDay || !lastDay || firstDay > lastDay) return result;
  const days = dataDays.filter((d) => d >= firstDay && d <= lastDay);

  const partial = new Set<string>();
  if (filter.from && !isMidnight(filter.from)) partial.add(firstDay);
  if (filter.to && !isMidnight(filter.to)) partial.add(lastDay);
  for (const d of servedByCaches ? days.filter((day) => partial.has(day)) : days) result.ledgerDays.add(d);

  const cacheDays = days.filter((d) => !result.ledgerDays.has(d));
  const wholeMonths = new Set<string>();
  if (request.granularity === 'month') {
    for (const month of new Set(cacheDays.map(monthOf))) {
      const inside = firstDayOfMonth(month) >= firstDay && lastDayOfMonth(month) <= lastDay;
      if (inside && ![...result.ledgerDays].some((d) => monthOf(d) === month)) wholeMonths.add(month);
    }
  }
  for (const month of wholeMonths)
    result.units.push({ ref: { month }, id: `m|${month}`, days: cacheDays.filter((d) => monthOf(d) === month) });
  for (const day of cacheDays) if (!wholeMonths.has(monthOf(day))) result.units.push({ ref: { day }, id: `d|${day}`, days: [day] });
  return result;
}
