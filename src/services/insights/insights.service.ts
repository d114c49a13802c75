/**
 * The questions product managers ask: which themes cost or earn NPS points, what drives
 * detractors and promoters, how NPS moves over time, which segments and touchpoints are happiest,
 * and what new themes are emerging. Every query takes the same response filter; rows come from
 * the rollups whenever the filter allows (see row-source.ts), never from loading all responses.
 */
import { categoryOf, npsFigures, round, type NpsCategory, type NpsFigures } from '../../domain/nps.js';
import type { Interval } from '../../domain/periods.js';
import { InputError } from '../../errors.js';
import type { Logger } from '../../logger.js';
import type { Taxonomy } from '../../analysis/types.js';
import type { StoredSpan } from '../../../models/response/response.entity.js';
import type { ResponseQueryFilter } from '../../../models/response/response.filter.js';
import type { InsightResponseRepository } from '../../../models/rollup/insight-responses.repository.js';
import { checkFilter } from '../response-query.service.js';
import { ATTRIBUTE_KEY } from '../response-input.js';
import { addDays, dayOf, dayStart, firstDayOfMonth, periodEndDay, periodFirstDay, periodOfDay, periodsBetween } from './calendar.js';
import { defaultTaxonomy, suggestTheme, type ThemeSuggestion } from './emerging.js';
import { emergingCandidates, type EmergingMethod } from './emerging-candidates.js';
import type { TextEmbedder } from './emerging-embedder.js';
import { entryCanMatch, entryMatches } from './rollups/entry.js';
import {
  allThemeStats,
  baseCounts,
  emptyCounts,
  extremes,
  groupRows,
  orderSegments,
  rankDrivers,
  tallyThemes,
  themeChange,
  total,
  type Counts,
  type SentimentSplit,
  type ThemeChange,
  type ThemeStats,
} from './math.js';
import type { RollupStore } from './rollups/rollup-store.js';
import { RowSource, type RowSourceLevel } from './rollups/row-source.js';
import type { Row } from './rollups/rows.js';
import { pickExamples, type ExampleLists } from './rollups/examples.js';
import { DAY_MS } from '../../domain/time.js';

/** The taxonomy in force: labels for display, coverage for emerging themes. Wired to the taxonomy service. */
export interface TaxonomyPort {
  current(): Promise<Taxonomy>;
}

interface ThemeRef {
  key: string;
  label: string;
}

export interface ThemeExample {
  id: string;
  comment: string;
  score: number;
  category: NpsCategory;
  respondedAt: Date;
  touchpoint: string | null;
  /** The theme's aspect sentiment in this verbatim. */
  sentiment: 'positive' | 'neutral' | 'negative';
  confidence: number;
  evidence: StoredSpan[];
  /** Other kept examples of the theme that nearly repeat this one (not listed). */
  nearDuplicates: number;
}

export interface Period {
  from: Date;
  to: Date;
}

interface ThemeChangeInsight extends ThemeChange {
  period: Period;
  previousPeriod: Period;
}

export interface ThemeInsight extends NpsFigures {
  theme: ThemeRef;
  mentions: number;
  share: number;
  averageScore: number;
  npsWithout: number | null;
  impact: number | null;
  significant: boolean;
  sentiment: SentimentSplit;
  change: ThemeChangeInsight | null;
  examples: ThemeExample[];
}

interface DriverInsight {
  theme: ThemeRef;
  impact: number;
  mentions: number;
  share: number;
  nps: number | null;
  npsWithout: number | null;
  averageScore: number;
  significant: boolean;
  shareOfDetractors: number;
  shareOfPromoters: number;
  sentiment: SentimentSplit;
}

export interface DriversReport {
  overall: NpsFigures;
  source: RowSourceLevel;
  detraction: DriverInsight[];
  promotion: DriverInsight[];
}

interface TrendPoint extends NpsFigures {
  period: string;
  start: Date;
  end: Date;
}

interface TrendSeries {
  /** Touchpoint or attribute value; null for the ungrouped series (or responses without a touchpoint). */
  group: string | null;
  responses: number;
  points: TrendPoint[];
}

export interface TrendGroupBy {
  touchpoint?: boolean | null;
  attribute?: string | null;
}

export interface NpsTrend {
  interval: Interval;
  source: RowSourceLevel;
  series: TrendSeries[];
  /** Every response the trend counts, all series together (also those past the limit). */
  total: NpsFigures;
}

interface SegmentTheme {
  theme: ThemeRef;
  mentions: number;
  share: number;
  nps: number | null;
  impact: number | null;
}

interface Segment extends NpsFigures {
  value: string | null;
  /** Fraction (0–1) of the group's responses in this segment. */
  share: number;
  averageScore: number | null;
  topThemes: SegmentTheme[];
}

interface SegmentGroup {
  dimension: string;
  segments: Segment[];
  happiest: Segment | null;
  leastSatisfied: Segment | null;
}

export interface SegmentReport {
  overall: NpsFigures;
  source: RowSourceLevel;
  byAttribute: SegmentGroup | null;
  byTouchpoint: SegmentGroup;
}

export interface EmergingExample {
  id: string;
  comment: string;
  score: number;
  respondedAt: Date;
}

/** Ids of near-duplicates listed per emerging-theme example (the count is complete). */
const MAX_DUPLICATE_IDS = 10;

interface EmergingThemeExample extends EmergingExample {
  /** Sampled responses whose verbatim nearly repeats this one. */
  nearDuplicates: number;
  nearDuplicateIds: string[];
}

interface EmergingTheme {
  phrase: string;
  count: number;
  share: number;
  relatedPhrases: string[];
  examples: EmergingThemeExample[];
  suggestion: ThemeSuggestion;
}

export interface EmergingThemesReport {
  sampled: number;
  /** Sampled verbatims collapsed into an earlier one as its near-duplicate. */
  nearDuplicates: number;
  method: EmergingMethod;
  from: Date | null;
  to: Date | null;
  candidates: EmergingTheme[];
}

export interface InsightsDeps {
  store: RollupStore;
  responses: InsightResponseRepository;
  taxonomy?: TaxonomyPort;
  log: Logger;
  /** Most recent verbatims emerging-theme discovery reads. */
  emergingSample: number;
  /** Sentence vectors for emerging themes (the transformer engine); without it discovery is lexical. */
  embedder?: TextEmbedder;
  /** Most responses a comment-search insight may scan. */
  maxScan: number;
  /** Most points (periods × series) one trend may return (VERBATIM_MAX_TREND_POINTS). */
  maxTrendPoints?: number;
  now?: () => Date;
}

const MAX_EXAMPLES = 10;
const SENTIMENT_LABELS = { p: 'positive', u: 'neutral', n: 'negative' } as const;
const DEFAULT_MAX_TREND_POINTS = 1_000;
const MAX_SERIES = 100;
const CHANGE_WINDOW_DAYS = 30;

export class InsightsService {
  readonly source: RowSource;

  constructor(private readonly deps: InsightsDeps) {
    this.source = new RowSource({ store: deps.store, responses: deps.responses, maxScan: deps.maxScan });
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /**
   * Records every stored response into the rollups (one scan): for data stored before rollups
   * existed, or to repair after a restore. Safe while the service runs: newer entries win.
   */
  async rebuildRollups(): Promise<number> {
    return this.deps.store.recordAll((visit) => this.deps.responses.scan(null, visit, Number.MAX_SAFE_INTEGER));
  }

  // ───────────────────────────── themeBreakdown ─────────────────────────────

  async themeBreakdown(
    filter: ResponseQueryFilter | null | undefined,
    options: { examples?: number | null } = {},
  ): Promise<ThemeInsight[]> {
    return (await this.themeBreakdownReport(filter, options)).themes;
  }

  /** The breakdown and where its figures came from. */
  async themeBreakdownReport(
    filter: ResponseQueryFilter | null | undefined,
    options: { examples?: number | null } = {},
  ): Promise<{ source: RowSourceLevel; themes: ThemeInsight[] }> {
    checkFilter(filter);
    const examplesPerTheme = boundedInt(options.examples ?? 3, 0, MAX_EXAMPLES, 'examples');
    const view = { attribute: filterAttribute(filter), withThemes: true };
    const windows = changeWindows(filter, this.now());
    const inWindow = (w: Period) => ({ filter: { ...(filter ?? {}), from: w.from, to: w.to }, view, granularity: 'month' as const });
    // One read of clocks, caches and ledger for the breakdown and both comparison periods; the
    // examples meanwhile (they only need the months in range).
    const [[main, previousResult, currentResult], exampleLists, labels] = await Promise.all([
      this.source.rowsMany([
        { filter, view, granularity: 'month' },
        inWindow(windows.previous),
        ...(windows.reuseMain ? [] : [inWindow(windows.current)]),
      ]),
      examplesPerTheme > 0 ? this.exampleListsFor(filter) : Promise.resolve([]),
      this.labels(),
    ]);
    const mainRows = RowSource.merged(main);
    const { themes } = allThemeStats(mainRows);
    const current = { rows: currentResult ? RowSource.merged(currentResult) : mainRows };
    const previous = { rows: RowSource.merged(previousResult) };
    const side = (rows: readonly Row[]) => {
      const tallies = tallyThemes(rows);
      const sideBase = baseCounts(rows, true);
      const stats = new Map(allThemeStats(rows).themes.map((t) => [t.key, t]));
      return (key: string) => ({ stats: stats.get(key) ?? null, counts: tallies.get(key)?.counts ?? emptyCounts(), base: sideBase });
    };
    const cur = side(current.rows);
    const prev = side(previous.rows);

    const examples = this.examples(filter, exampleLists, themes, examplesPerTheme);
    const insights = themes.map((t) => ({
      ...t.figures,
      theme: { key: t.key, label: labels(t.key) },
      mentions: t.mentions,
      share: round(t.share, 4),
      averageScore: t.averageScore,
      npsWithout: t.without.nps,
      impact: t.impact,
      significant: t.significant,
      sentiment: t.sentiment,
      change: { ...themeChange(cur(t.key), prev(t.key)), period: windows.current, previousPeriod: windows.previous },
      examples: examples.get(t.key) ?? [],
    }));
    return { source: main.source, themes: insights };
  }

  /** The kept example lists of the months the filter covers. */
  private async exampleListsFor(filter: ResponseQueryFilter | null | undefined): Promise<ExampleLists[]> {
    let first = filter?.from ? dayOf(filter.from) : null;
    let last = filter?.to ? dayOf(new Date(filter.to.getTime() - 1)) : null;
    if (!first || !last) {
      const days = [...(await this.deps.store.clocks()).keys()].sort();
      first ??= days[0] ?? null;
      last ??= days[days.length - 1] ?? null;
    }
    return first && last && first <= last ? this.deps.store.exampleLists(periodsBetween(first, last, 'MONTH')) : [];
  }

  /** The best example verbatims of each theme (kept beside the rollups), with the spans that mention it. */
  private examples(
    filter: ResponseQueryFilter | null | undefined,
    lists: ExampleLists[],
    themes: readonly ThemeStats[],
    perTheme: number,
  ): Map<string, ThemeExample[]> {
    const result = new Map<string, ThemeExample[]>();
    if (perTheme === 0) return result;
    for (const t of themes) {
      result.set(
        t.key,
        pickExamples(lists, t.key, filter, perTheme).map((e) => ({
          id: e.i,
          comment: e.c,
          score: e.s,
          category: categoryOf(e.s),
          respondedAt: new Date(e.t),
          touchpoint: e.p,
          sentiment: SENTIMENT_LABELS[e.e],
          confidence: e.f,
          evidence: e.r.map(([start, end, text]) => ({ start, end, text })),
          nearDuplicates: e.duplicates,
        })),
      );
    }
    return result;
  }

  /** Theme key → display label: the taxonomy's current label, else the last one analyses used. */
  async labels(): Promise<(key: string) => string> {
    const [stored, taxonomy] = await Promise.all([this.deps.store.labels(), this.deps.taxonomy?.current().catch(() => null)]);
    const current = new Map((taxonomy?.themes ?? []).map((t) => [t.key, t.label]));
    return (key) => current.get(key) ?? stored[key] ?? key;
  }

  // ───────────────────────────── drivers ─────────────────────────────

  async drivers(filter: ResponseQueryFilter | null | undefined, options: { limit?: number | null } = {}): Promise<DriversReport> {
    checkFilter(filter);
    const limit = boundedInt(options.limit ?? 10, 1, 500, 'limit');
    const [result, labels] = await Promise.all([
      this.source.rows(filter, { attribute: filterAttribute(filter), withThemes: true }, 'month'),
      this.labels(),
    ]);
    const { base, themes } = allThemeStats(RowSource.merged(result));
    const { detraction, promotion } = rankDrivers(themes);
    const driver = (t: ThemeStats & { impact: number }): DriverInsight => ({
      theme: { key: t.key, label: labels(t.key) },
      impact: t.impact,
      mentions: t.mentions,
      share: round(t.share, 4),
      nps: t.figures.nps,
      npsWithout: t.without.nps,
      averageScore: t.averageScore,
      significant: t.significant,
      shareOfDetractors: round(t.shareOfDetractors, 4),
      shareOfPromoters: round(t.shareOfPromoters, 4),
      sentiment: t.sentiment,
    });
    return {
      overall: npsFigures(base),
      source: result.source,
      detraction: detraction.slice(0, limit).map(driver),
      promotion: promotion.slice(0, limit).map(driver),
    };
  }

  // ───────────────────────────── npsTrend ─────────────────────────────

  async npsTrend(
    filter: ResponseQueryFilter | null | undefined,
    interval: Interval,
    groupBy: TrendGroupBy | null | undefined,
    options: { limit?: number | null } = {},
  ): Promise<NpsTrend> {
    checkFilter(filter);
    const seriesLimit = boundedInt(options.limit ?? 25, 1, MAX_SERIES, 'limit');
    if (groupBy?.touchpoint && groupBy.attribute)
      throw new InputError([{ field: 'groupBy', message: 'group by a touchpoint or an attribute, not both' }]);
    if (groupBy?.attribute) checkAttributeKey(groupBy.attribute, 'groupBy.attribute');
    const view = { attribute: groupBy?.attribute ?? filterAttribute(filter), withThemes: false };
    const granularity = interval === 'DAY' || interval === 'WEEK' ? 'day' : 'month';
    const result = await this.source.rows(filter, view, granularity);
    if (!result.firstDay || !result.lastDay || result.units.length === 0)
      return { interval, source: result.source, series: [], total: npsFigures(emptyCounts()) };

    // Without a `from`, the trend starts with the first period that has data.
    const first = filter?.from ? result.firstDay : unitFirstDay(result.units[0].key);
    const periods = periodsBetween(first, result.lastDay, interval);
    const maxPoints = this.deps.maxTrendPoints ?? DEFAULT_MAX_TREND_POINTS;
    if (periods.length > maxPoints) {
      throw new InputError([
        {
          field: 'interval',
          message: `would give ${periods.length} points (at most ${maxPoints}); use a longer interval or a shorter range`,
        },
      ]);
    }

    const groupOf = (r: Row): string | null => (groupBy?.touchpoint ? r.tp : groupBy?.attribute ? r.av : null);
    const bySeries = new Map<string | null, Map<string, Counts>>();
    const all = emptyCounts();
    for (const unit of result.units) {
      const period = periodOfDay(unitFirstDay(unit.key), interval);
      for (const [group, rows] of groupRows(unit.rows, groupOf)) {
        const counts = baseCounts(rows, false);
        if (total(counts) === 0) continue;
        all.promoters += counts.promoters;
        all.passives += counts.passives;
        all.detractors += counts.detractors;
        all.scoreSum += counts.scoreSum;
        let points = bySeries.get(group);
        if (!points) bySeries.set(group, (points = new Map<string, Counts>()));
        const have = points.get(period) ?? emptyCounts();
        points.set(period, {
          promoters: have.promoters + counts.promoters,
          passives: have.passives + counts.passives,
          detractors: have.detractors + counts.detractors,
          scoreSum: have.scoreSum + counts.scoreSum,
        });
      }
    }
    const seriesCount = Math.min(seriesLimit, bySeries.size);
    if (periods.length * seriesCount > maxPoints) {
      throw new InputError([
        {
          field: 'limit',
          message: `would give ${periods.length * seriesCount} points (${seriesCount} series × ${periods.length} periods, at most ${maxPoints}); ask for fewer series, a longer interval or a shorter range`,
        },
      ]);
    }
    const series = [...bySeries]
      .map(([group, points]) => ({
        group,
        responses: [...points.values()].reduce((sum, c) => sum + total(c), 0),
        points: periods.map((period) => ({
          ...npsFigures(points.get(period) ?? emptyCounts()),
          period,
          start: dayStart(periodFirstDay(period, interval)),
          end: dayStart(periodEndDay(period, interval)),
        })),
      }))
      .sort((a, b) => b.responses - a.responses || String(a.group).localeCompare(String(b.group)))
      .slice(0, seriesLimit);
    return { interval, source: result.source, series, total: npsFigures(all) };
  }

  // ───────────────────────────── segments ─────────────────────────────

  async segments(
    filter: ResponseQueryFilter | null | undefined,
    attribute: string | null | undefined,
    options: { themes?: number | null } = {},
  ): Promise<SegmentReport> {
    checkFilter(filter);
    if (attribute) checkAttributeKey(attribute, 'attribute');
    const themesPerSegment = boundedInt(options.themes ?? 3, 0, 50, 'themes');
    // Theme rows and labels only for top themes: `themes: 0` (a list of segment values, the app's filter bar) reads base rows alone.
    const withThemes = themesPerSegment > 0;
    const [[touchpointRows, attributeRows = null], labels] = await Promise.all([
      this.source.rowsMany([
        { filter, view: { attribute: filterAttribute(filter), withThemes }, granularity: 'month' },
        ...(attribute ? [{ filter, view: { attribute, withThemes }, granularity: 'month' as const }] : []),
      ]),
      withThemes ? this.labels() : (key: string) => key,
    ]);
    const coreRows = RowSource.merged(touchpointRows);

    const group = (dimension: string, rows: readonly Row[], by: (r: Row) => string | null): SegmentGroup => {
      const all = total(baseCounts(rows, false));
      const segments = orderSegments(
        [...groupRows(rows, by)].map(([value, segmentRows]): Segment => {
          const counts = baseCounts(segmentRows, false);
          const n = total(counts);
          const topThemes = allThemeStats(segmentRows)
            .themes.slice(0, themesPerSegment)
            .map((t) => ({
              theme: { key: t.key, label: labels(t.key) },
              mentions: t.mentions,
              share: round(t.share, 4),
              nps: t.figures.nps,
              impact: t.impact,
            }));
          return {
            ...npsFigures(counts),
            value,
            share: all ? round(n / all, 4) : 0,
            averageScore: n ? round(counts.scoreSum / n, 2) : null,
            topThemes,
          };
        }),
      );
      const { happiest, leastSatisfied } = extremes(segments);
      return { dimension, segments, happiest, leastSatisfied };
    };

    return {
      overall: npsFigures(baseCounts(coreRows, false)),
      source: slowest(touchpointRows.source, attributeRows?.source),
      byTouchpoint: group('touchpoint', coreRows, (r) => r.tp),
      byAttribute: attribute && attributeRows ? group(attribute, RowSource.merged(attributeRows), (r) => r.av) : null,
    };
  }

  // ───────────────────────────── emergingThemes ─────────────────────────────

  async emergingThemes(
    filter: ResponseQueryFilter | null | undefined,
    options: { limit?: number | null; minCount?: number | null; sample?: number | null } = {},
  ): Promise<EmergingThemesReport> {
    checkFilter(filter);
    const limit = boundedInt(options.limit ?? 10, 1, 50, 'limit');
    const minCount = boundedInt(options.minCount ?? 3, 1, 10_000, 'minCount');
    const sampleSize = boundedInt(options.sample ?? this.deps.emergingSample, 1, this.deps.emergingSample, 'sample');

    const sample = await this.recentComments(filter, sampleSize);
    if (sample.length === 0) return { sampled: 0, nearDuplicates: 0, method: 'LEXICAL', from: null, to: null, candidates: [] };
    const taxonomy = (await this.deps.taxonomy?.current()) ?? (await defaultTaxonomy());
    const comments = sample.map((s) => s.comment);
    const vectors = (await this.deps.embedder?.embed(comments)) ?? null;
    // Every mentioning verbatim: the suggestion's examples are phrases several of them share.
    const found = await emergingCandidates(comments, taxonomy, { minCount, limit, examples: sample.length }, vectors);
    const taken = new Set(taxonomy.themes.map((t) => t.key));
    const times = sample.map((s) => s.respondedAt.getTime());
    const withDuplicates = (i: number): EmergingThemeExample => {
      const duplicates = found.duplicates.get(i) ?? [];
      return {
        ...sample[i],
        nearDuplicates: duplicates.length,
        nearDuplicateIds: duplicates.slice(0, MAX_DUPLICATE_IDS).map((d) => sample[d].id),
      };
    };
    return {
      sampled: sample.length,
      nearDuplicates: [...found.duplicates.values()].reduce((n, d) => n + d.length, 0),
      method: found.method,
      from: new Date(Math.min(...times)),
      to: new Date(Math.max(...times)),
      candidates: found.candidates.map((c) => {
        const mentioning = c.exampleIndexes.filter((i) => sample[i]);
        const suggestion = suggestTheme(
          c,
          sample.length,
          mentioning.map((i) => sample[i].comment),
          taken,
        );
        taken.add(suggestion.key);
        return {
          phrase: c.phrase,
          count: c.count,
          share: round(c.count / sample.length, 4),
          relatedPhrases: c.relatedPhrases,
          examples: mentioning.slice(0, 3).map(withDuplicates),
          suggestion,
        };
      }),
    };
  }

  /** The newest matching verbatims with a comment, at most `limit`, newest first. */
  private async recentComments(filter: ResponseQueryFilter | null | undefined, limit: number): Promise<EmergingExample[]> {
    if (!entryCanMatch(filter)) {
      return (await this.deps.responses.newestWithComment(filter, limit)).map((r) => ({
        id: String(r._id),
        comment: r.comment ?? '',
        score: r.score,
        respondedAt: r.respondedAt,
      }));
    }
    // Walk the day ledgers back from the newest day (entries carry the comment): no scan or sort of the responses.
    const clocks = await this.deps.store.clocks();
    const fromDay = filter?.from ? dayOf(filter.from) : '';
    const lastDay = filter?.to ? dayOf(new Date(filter.to.getTime() - 1)) : '9999-12-31';
    const days = [...clocks.keys()]
      .filter((d) => d >= fromDay && d <= lastDay)
      .sort()
      .reverse();
    const picked: EmergingExample[] = [];
    // Growing batches of days: the newest few usually hold enough.
    for (let i = 0, size = 2; i < days.length && picked.length < limit; i += size, size *= 2) {
      const batch = days.slice(i, i + size);
      const byDay = await this.deps.store.ledgerEntries(batch);
      for (const day of batch) {
        const matching = (byDay.get(day) ?? []).filter((e) => e.comment !== null && entryMatches(e, filter)).sort((a, b) => b.ts - a.ts);
        for (const e of matching.slice(0, limit - picked.length))
          picked.push({ id: e.id, comment: e.comment ?? '', score: e.score, respondedAt: new Date(e.ts) });
      }
    }
    return picked;
  }
}

const unitFirstDay = (key: string): string => (key.length === 7 ? firstDayOfMonth(key) : key);

const LEVELS: RowSourceLevel[] = ['ROLLUP', 'LEDGER', 'SCAN'];
const slowest = (a: RowSourceLevel, b: RowSourceLevel | undefined): RowSourceLevel => (b && LEVELS.indexOf(b) > LEVELS.indexOf(a) ? b : a);

/** The attribute whose rows serve a filter from caches: the filter's one attribute key, if it has exactly one. */
function filterAttribute(filter: ResponseQueryFilter | null | undefined): string | null {
  const keys = new Set((filter?.attributes ?? []).map((a) => a.key));
  return keys.size === 1 ? [...keys][0] : null;
}

/**
 * The two periods a change compares: the filter's own range and the one of equal length before
 * it; without a range, the last 30 days (UTC, today included) and the 30 before.
 */
export function changeWindows(
  filter: ResponseQueryFilter | null | undefined,
  now: Date,
): { current: Period; previous: Period; reuseMain: boolean } {
  if (filter?.from) {
    const to = filter.to ?? now;
    const length = Math.max(to.getTime() - filter.from.getTime(), 1);
    return {
      current: { from: filter.from, to },
      previous: { from: new Date(filter.from.getTime() - length), to: filter.from },
      reuseMain: true,
    };
  }
  const end = filter?.to ?? dayStart(addDays(dayOf(now), 1));
  const start = new Date(end.getTime() - CHANGE_WINDOW_DAYS * DAY_MS);
  return {
    current: { from: start, to: end },
    previous: { from: new Date(start.getTime() - CHANGE_WINDOW_DAYS * DAY_MS), to: start },
    reuseMain: false,
  };
}

function boundedInt(value: number, min: number, max: number, field: string): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new InputError([{ field, message: `must be an integer from ${min} to ${max}` }]);
  return value;
}

function checkAttributeKey(key: string, field: string): void {
  if (!ATTRIBUTE_KEY.test(key)) throw new InputError([{ field, message: 'must be an attribute key (letters, digits, _ or -)' }]);
}
