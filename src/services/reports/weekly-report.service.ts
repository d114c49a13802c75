/**
 * The weekly report of one scope: gathers its figures through the query services (the same
 * calls the GraphQL queries make, so a report's numbers equal theirs) and renders them.
 */
import type { Attribute } from '../../../models/response/response.entity.js';
import type { ResponseEntity, StoredSpan } from '../../../models/response/response.entity.js';
import type { ResponseQueryFilter } from '../../../models/response/response.filter.js';
import { npsChange, type NpsChange } from '../../domain/nps-change.js';
import type { NpsFigures } from '../../domain/nps.js';
import { InputError } from '../../errors.js';
import type { FollowUpMetricsService, FollowUpStats } from '../alerts/follow-up-metrics.service.js';
import type { Benchmark, BenchmarkService } from '../benchmarks/benchmark.service.js';
import type { InsightsService } from '../insights/insights.service.js';
import type { TargetService, TargetView } from '../goals/target.service.js';
import type { ResponseQueryService } from '../response-query.service.js';
import { ATTRIBUTE_KEY } from '../pipeline/response-input.js';
import { lastCompleteWeek, parseWeek, weekOf, weeksEndingWith, type ReportWeek } from './report-week.js';
import { fmt, renderReportHtml, renderReportText, signed } from './render-report.js';
import { DAY_MS } from '../../domain/time.js';

const TREND_WEEKS = 13;
const QUOTES = 3;
const THEMES_EACH_WAY = 3;
/** Most verbatims of one category read to pick the quotes from (the newest of the week), within the page-size limit. */
const QUOTE_POOL = 100;

export interface ReportVerbatim {
  id: string;
  score: number;
  comment: string;
  respondedAt: Date;
  touchpoint: string | null;
  /** Spans of the comment the analysis found as evidence (themes, churn signals), sorted, not overlapping. */
  highlights: StoredSpan[];
  riskLevel: string | null;
}

export interface ReportTheme {
  key: string;
  label: string;
  mentions: number;
  share: number;
  /** Change of share against the 4 weeks before, in fraction points. */
  shareChange: number;
  impact: number | null;
  impactChange: number | null;
  significant: boolean;
}

export interface ReportTrendPoint {
  week: string;
  nps: number | null;
  responses: number;
  marginOfError: number | null;
}

export interface WeeklyReportData {
  week: string;
  from: Date;
  to: Date;
  generatedAt: Date;
  scope: Attribute[];
  /** False when the scope has no responses in the 13 weeks: the report says so instead of showing figures. */
  hasResponses: boolean;
  /** One sentence for the top of the report. */
  headline: string;
  weekNps: NpsFigures;
  previousWeekNps: NpsFigures;
  weekChange: NpsChange;
  last4Weeks: NpsFigures;
  previous4Weeks: NpsFigures;
  fourWeekChange: NpsChange;
  last13Weeks: NpsFigures;
  trend: ReportTrendPoint[];
  themesRising: ReportTheme[];
  themesFalling: ReportTheme[];
  promoterQuotes: ReportVerbatim[];
  detractorVerbatims: ReportVerbatim[];
  /** Follow-ups (alerts) raised in the last 4 weeks: overall and per owner (each owner with its target in this scope, if set). */
  followUps: FollowUpStats;
  owners: (FollowUpStats & { target: TargetView | null })[];
  /** The scope's NPS target with progress measured on the last 13 weeks at the end of the week; null when none is set. */
  target: TargetView | null;
  benchmark: Benchmark | null;
  /** Last-13-weeks NPS minus the benchmark, in points. */
  benchmarkGap: number | null;
}

export interface WeeklyReport extends WeeklyReportData {
  html: string;
  text: string;
}

export interface WeeklyReportDeps {
  responses: ResponseQueryService;
  insights: InsightsService;
  followUps: FollowUpMetricsService;
  benchmarks: BenchmarkService;
  targets: TargetService;
  /** VERBATIM_MAX_PAGE_SIZE: the quote pool is read as one page of the responses query. */
  maxPageSize: number;
  now?: () => Date;
}

/** A scope is a list of attribute pairs, each key at most once (twice would mean "either value"). */
export function checkScope(scope: readonly Attribute[], field = 'scope'): void {
  const seen = new Set<string>();
  for (const [i, a] of scope.entries()) {
    if (!ATTRIBUTE_KEY.test(a.key))
      throw new InputError([{ field: `${field}[${i}].key`, message: 'must be an attribute key (letters, digits, _ or -)' }]);
    if (a.value.trim() === '' || a.value.length > 200)
      throw new InputError([{ field: `${field}[${i}].value`, message: 'must be 1–200 characters' }]);
    if (seen.has(a.key))
      throw new InputError([{ field: `${field}[${i}].key`, message: `names ${a.key} twice; a scope has one value per key` }]);
    seen.add(a.key);
  }
}

export class WeeklyReportService {
  constructor(private readonly deps: WeeklyReportDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** The report of `week` (default: the last complete week) for `scope`. */
  async report(scope: Attribute[], weekKey?: string | null, options: { industry?: string | null } = {}): Promise<WeeklyReport> {
    checkScope(scope);
    const week = weekKey ? parseWeek(weekKey) : lastCompleteWeek(this.now());
    const data = await this.gather(scope, week, options.industry ?? null);
    return { ...data, html: renderReportHtml(data), text: renderReportText(data) };
  }

  private async gather(scope: Attribute[], week: ReportWeek, industry: string | null): Promise<WeeklyReportData> {
    const inRange = (range: { from: Date; to: Date }): ResponseQueryFilter => ({
      attributes: scope.length ? scope : null,
      from: range.from,
      to: range.to,
    });
    const weekRange = { from: week.from, to: week.to };
    const four = weeksEndingWith(week, 4);
    const previousFour = { from: new Date(four.from.getTime() - (four.to.getTime() - four.from.getTime())), to: four.from };
    const thirteen = weeksEndingWith(week, TREND_WEEKS);
    const weeks = Array.from({ length: TREND_WEEKS }, (_, i) => weekOf(new Date(thirteen.from.getTime() + i * 7 * DAY_MS)));
    const previousWeek = weeks[TREND_WEEKS - 2];

    const [weekNps, previousWeekNps, last4Weeks, previous4Weeks, last13Weeks, trendFigures] = await Promise.all([
      this.deps.responses.nps(inRange(weekRange)),
      this.deps.responses.nps(inRange(previousWeek)),
      this.deps.responses.nps(inRange(four)),
      this.deps.responses.nps(inRange(previousFour)),
      this.deps.responses.nps(inRange(thirteen)),
      Promise.all(weeks.map((w) => this.deps.responses.nps(inRange(w)))),
    ]);
    const hasResponses = last13Weeks.responses > 0;
    const pool = Math.min(QUOTE_POOL, this.deps.maxPageSize);
    const [themes, promoters, detractors, followUps, target] = await Promise.all([
      hasResponses ? this.deps.insights.themeBreakdown(inRange(four), { examples: 0 }) : Promise.resolve([]),
      weekNps.promoters ? this.deps.responses.page({ ...inRange(weekRange), categories: ['PROMOTER'] }, pool, null) : null,
      weekNps.detractors ? this.deps.responses.page({ ...inRange(weekRange), categories: ['DETRACTOR'] }, pool, null) : null,
      this.deps.followUps
        .metrics(four.from, four.to, 'OWNER', scope)
        .then((m) => this.deps.targets.onLeaderboard(m, 'OWNER', scope, week.to)),
      this.deps.targets.forAttributes(scope),
    ]);

    const reportThemes = themes.map((t): ReportTheme => ({
      key: t.theme.key,
      label: t.theme.label,
      mentions: t.mentions,
      share: t.share,
      shareChange: t.change?.share ?? 0,
      impact: t.impact,
      impactChange: t.change?.impact != null && t.change.previousImpact != null ? round2(t.change.impact - t.change.previousImpact) : null,
      significant: t.change?.shareSignificant ?? false,
    }));
    const benchmark = this.deps.benchmarks.compareWith(industry);
    const data: Omit<WeeklyReportData, 'headline'> = {
      week: week.key,
      from: week.from,
      to: week.to,
      generatedAt: this.now(),
      scope,
      hasResponses,
      weekNps,
      previousWeekNps,
      weekChange: npsChange(weekNps, previousWeekNps),
      last4Weeks,
      previous4Weeks,
      fourWeekChange: npsChange(last4Weeks, previous4Weeks),
      last13Weeks,
      trend: weeks.map((w, i) => ({
        week: w.key,
        nps: trendFigures[i].nps,
        responses: trendFigures[i].responses,
        marginOfError: trendFigures[i].marginOfError,
      })),
      themesRising: reportThemes
        .filter((t) => t.shareChange > 0)
        .sort((a, b) => b.shareChange - a.shareChange)
        .slice(0, THEMES_EACH_WAY),
      themesFalling: reportThemes
        .filter((t) => t.shareChange < 0)
        .sort((a, b) => a.shareChange - b.shareChange)
        .slice(0, THEMES_EACH_WAY),
      promoterQuotes: bestPromoterQuotes(promoters?.edges.map((e) => e.node) ?? []),
      detractorVerbatims: mostUrgentDetractors(detractors?.edges.map((e) => e.node) ?? []),
      followUps: followUps.overall,
      owners: followUps.rows,
      target: target ? this.deps.targets.progress(target, last13Weeks.nps, week.to) : null,
      benchmark,
      benchmarkGap: benchmark && last13Weeks.nps !== null ? round2(last13Weeks.nps - benchmark.value) : null,
    };
    return { ...data, headline: headline(data) };
  }
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function headline(d: Omit<WeeklyReportData, 'headline'>): string {
  if (!d.hasResponses) return `No responses in this scope in the ${TREND_WEEKS} weeks to ${d.week}: nothing to report yet.`;
  if (d.weekNps.nps === null)
    return `No responses in ${d.week}; the last ${TREND_WEEKS} weeks' NPS is ${fmt(d.last13Weeks.nps)} (${d.last13Weeks.responses} responses).`;
  const change =
    d.weekChange.points === null
      ? 'no previous week to compare with'
      : `${signed(d.weekChange.points)} on the previous week${d.weekChange.significant ? ' (significant)' : ' (within the margin of error)'}`;
  return `NPS ${fmt(d.weekNps.nps)} in ${d.week} from ${d.weekNps.responses} responses, ${change}.`;
}

/** The analysis's evidence spans of a comment, merged so they never overlap. */
export function highlightsOf(r: Pick<ResponseEntity, 'analysis' | 'comment'>): StoredSpan[] {
  const spans = [...(r.analysis?.themes ?? []).flatMap((t) => t.evidence), ...(r.analysis?.churnSignals ?? []).map((s) => s.evidence)]
    .filter((s) => s.start >= 0 && s.end > s.start && s.end <= (r.comment ?? '').length)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: StoredSpan[] = [];
  for (const s of spans) {
    const last = merged.at(-1);
    if (last && s.start < last.end) {
      if (s.end > last.end) merged[merged.length - 1] = { start: last.start, end: s.end, text: (r.comment ?? '').slice(last.start, s.end) };
    } else merged.push({ start: s.start, end: s.end, text: (r.comment ?? '').slice(s.start, s.end) });
  }
  return merged;
}

function verbatim(r: ResponseEntity): ReportVerbatim {
  return {
    id: r._id.toHexString(),
    score: r.score,
    comment: r.comment ?? '',
    respondedAt: r.respondedAt,
    touchpoint: r.touchpoint,
    highlights: highlightsOf(r),
    riskLevel: r.analysis?.churnRisk?.level ?? null,
  };
}

const hasComment = (r: ResponseEntity) => (r.comment ?? '').trim().length > 0;

/** Best promoter quotes: highest score, then most positive, then most specific (more evidence). */
function bestPromoterQuotes(items: ResponseEntity[]): ReportVerbatim[] {
  const key = (r: ResponseEntity) => [r.score, r.analysis?.sentiment.score ?? 0, highlightsOf(r).length];
  return items
    .filter(hasComment)
    .sort((a, b) => compareDesc(key(a), key(b)) || a._id.toHexString().localeCompare(b._id.toHexString()))
    .slice(0, QUOTES)
    .map(verbatim);
}

/** Most urgent detractors: highest churn risk, then lowest score, then newest. */
function mostUrgentDetractors(items: ResponseEntity[]): ReportVerbatim[] {
  const key = (r: ResponseEntity) => [r.analysis?.churnRisk?.score ?? 0, -r.score, r.respondedAt.getTime()];
  return items
    .filter(hasComment)
    .sort((a, b) => compareDesc(key(a), key(b)) || a._id.toHexString().localeCompare(b._id.toHexString()))
    .slice(0, QUOTES)
    .map(verbatim);
}

function compareDesc(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return b[i] - a[i];
  return 0;
}
