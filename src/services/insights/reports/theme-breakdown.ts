/** themeBreakdown: which themes cost or earn NPS points, their change against the period before, and examples. */
import { categoryOf, round, type NpsCategory, type NpsFigures } from '../../../domain/nps.js';
import { DAY_MS } from '../../../domain/time.js';
import type { StoredSpan } from '../../../../models/response/response.entity.js';
import type { ResponseQueryFilter } from '../../../../models/response/response.filter.js';
import { checkFilter } from '../../response-query.service.js';
import { addDays, dayOf, dayStart, periodsBetween } from '../calendar.js';
import {
  allThemeStats,
  baseCounts,
  emptyCounts,
  tallyThemes,
  themeChange,
  type SentimentSplit,
  type ThemeChange,
  type ThemeStats,
} from '../math.js';
import { pickExamples, type ExampleLists } from '../rollups/examples.js';
import { RowSource, type RowSourceLevel } from '../rollups/row-source.js';
import type { Row } from '../rollups/rows.js';
import { boundedInt, filterAttribute, type ReportContext, type ThemeRef } from './context.js';

interface ThemeExample {
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

const MAX_EXAMPLES = 10;
const SENTIMENT_LABELS = { p: 'positive', u: 'neutral', n: 'negative' } as const;
const CHANGE_WINDOW_DAYS = 30;

/** The breakdown and where its figures came from. */
export async function themeBreakdownReport(
  ctx: ReportContext,
  filter: ResponseQueryFilter | null | undefined,
  options: { examples?: number | null } = {},
): Promise<{ source: RowSourceLevel; themes: ThemeInsight[] }> {
  checkFilter(filter);
  const examplesPerTheme = boundedInt(options.examples ?? 3, 0, MAX_EXAMPLES, 'examples');
  const view = { attribute: filterAttribute(filter), withThemes: true };
  const windows = changeWindows(filter, ctx.now());
  const inWindow = (w: Period) => ({ filter: { ...(filter ?? {}), from: w.from, to: w.to }, view, granularity: 'month' as const });
  // One read of clocks, caches and ledger for the breakdown and both comparison periods; the
  // examples meanwhile (they only need the months in range).
  const [[main, previousResult, currentResult], exampleLists, labels] = await Promise.all([
    ctx.source.rowsMany([
      { filter, view, granularity: 'month' },
      inWindow(windows.previous),
      ...(windows.reuseMain ? [] : [inWindow(windows.current)]),
    ]),
    examplesPerTheme > 0 ? exampleListsFor(ctx, filter) : Promise.resolve([]),
    ctx.labels(),
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

  const examplesByTheme = examplesOf(filter, exampleLists, themes, examplesPerTheme);
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
    examples: examplesByTheme.get(t.key) ?? [],
  }));
  return { source: main.source, themes: insights };
}

/** The kept example lists of the months the filter covers. */
async function exampleListsFor(ctx: ReportContext, filter: ResponseQueryFilter | null | undefined): Promise<ExampleLists[]> {
  let first = filter?.from ? dayOf(filter.from) : null;
  let last = filter?.to ? dayOf(new Date(filter.to.getTime() - 1)) : null;
  if (!first || !last) {
    const days = [...(await ctx.deps.store.clocks()).keys()].sort();
    first ??= days[0] ?? null;
    last ??= days[days.length - 1] ?? null;
  }
  return first && last && first <= last ? ctx.deps.store.exampleLists(periodsBetween(first, last, 'MONTH')) : [];
}

/** The best example verbatims of each theme (kept beside the rollups), with the spans that mention it. */
function examplesOf(
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
