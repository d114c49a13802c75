/**
 * The questions product managers ask: which themes cost or earn NPS points, what drives
 * detractors and promoters, how NPS moves over time, which segments and touchpoints are happiest,
 * and what new themes are emerging. One file per report in `reports/`; this service holds what
 * they share. Every query takes the same response filter; rows come from the rollups whenever
 * the filter allows (see rollups/row-source.ts), never from loading all responses.
 */
import type { Interval } from '../../domain/periods.js';
import type { ResponseQueryFilter } from '../../../models/response/response.filter.js';
import { RowSource, type RowSourceLevel } from './rollups/row-source.js';
import type { InsightsDeps, ReportContext } from './reports/context.js';
import { drivers, type DriversReport } from './reports/drivers.js';
import { emergingThemes, type EmergingThemesReport } from './reports/emerging-themes.js';
import { npsTrend, type NpsTrend, type TrendGroupBy } from './reports/nps-trend.js';
import { segments, type SegmentReport } from './reports/segments.js';
import { themeBreakdownReport, type ThemeInsight } from './reports/theme-breakdown.js';

export class InsightsService {
  readonly source: RowSource;
  private readonly context: ReportContext;

  constructor(private readonly deps: InsightsDeps) {
    this.source = new RowSource({ store: deps.store, responses: deps.responses, maxScan: deps.maxScan });
    this.context = { deps, source: this.source, now: () => deps.now?.() ?? new Date(), labels: () => this.labels() };
  }

  /**
   * Records every stored response into the rollups (one scan): for data stored before rollups
   * existed, or to repair after a restore. Safe while the service runs: newer entries win.
   */
  async rebuildRollups(): Promise<number> {
    return this.deps.store.recordAll((visit) => this.deps.responses.scan(null, visit, Number.MAX_SAFE_INTEGER));
  }

  /** Theme key → display label: the taxonomy's current label, else the last one analyses used. */
  async labels(): Promise<(key: string) => string> {
    const [stored, taxonomy] = await Promise.all([this.deps.store.labels(), this.deps.taxonomy?.current().catch(() => null)]);
    const current = new Map((taxonomy?.themes ?? []).map((t) => [t.key, t.label]));
    return (key) => current.get(key) ?? stored[key] ?? key;
  }

  async themeBreakdown(
    filter: ResponseQueryFilter | null | undefined,
    options: { examples?: number | null } = {},
  ): Promise<ThemeInsight[]> {
    return (await this.themeBreakdownReport(filter, options)).themes;
  }

  /** The breakdown and where its figures came from. */
  themeBreakdownReport(
    filter: ResponseQueryFilter | null | undefined,
    options: { examples?: number | null } = {},
  ): Promise<{ source: RowSourceLevel; themes: ThemeInsight[] }> {
    return themeBreakdownReport(this.context, filter, options);
  }

  drivers(filter: ResponseQueryFilter | null | undefined, options: { limit?: number | null } = {}): Promise<DriversReport> {
    return drivers(this.context, filter, options);
  }

  npsTrend(
    filter: ResponseQueryFilter | null | undefined,
    interval: Interval,
    groupBy: TrendGroupBy | null | undefined,
    options: { limit?: number | null } = {},
  ): Promise<NpsTrend> {
    return npsTrend(this.context, filter, interval, groupBy, options);
  }

  segments(
    filter: ResponseQueryFilter | null | undefined,
    attribute: string | null | undefined,
    options: { themes?: number | null } = {},
  ): Promise<SegmentReport> {
    return segments(this.context, filter, attribute, options);
  }

  emergingThemes(
    filter: ResponseQueryFilter | null | undefined,
    options: { limit?: number | null; minCount?: number | null; sample?: number | null } = {},
  ): Promise<EmergingThemesReport> {
    return emergingThemes(this.context, filter, options);
  }
}
