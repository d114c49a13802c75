/** npsTrend: NPS per period, whole or one series per touchpoint or attribute value. */
import { npsFigures, type NpsFigures } from '../../../domain/nps.js';
import type { Interval } from '../../../domain/periods.js';
import { InputError } from '../../../errors.js';
import type { ResponseQueryFilter } from '../../../../models/response/response.filter.js';
import { checkFilter } from '../../response-query.service.js';
import { dayStart, periodEndDay, periodFirstDay, periodOfDay, periodsBetween } from '../calendar.js';
import { baseCounts, emptyCounts, groupRows, total, type Counts } from '../math.js';
import type { RowSourceLevel } from '../rollups/row-source.js';
import type { Row } from '../rollups/rows.js';
import { boundedInt, checkAttributeKey, filterAttribute, unitFirstDay, type ReportContext } from './context.js';

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

const DEFAULT_MAX_TREND_POINTS = 1_000;
const MAX_SERIES = 100;

export async function npsTrend(
  ctx: ReportContext,
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
  const result = await ctx.source.rows(filter, view, granularity);
  if (!result.firstDay || !result.lastDay || result.units.length === 0)
    return { interval, source: result.source, series: [], total: npsFigures(emptyCounts()) };

  // Without a `from`, the trend starts with the first period that has data.
  const first = filter?.from ? result.firstDay : unitFirstDay(result.units[0].key);
  const periods = periodsBetween(first, result.lastDay, interval);
  const maxPoints = ctx.deps.maxTrendPoints ?? DEFAULT_MAX_TREND_POINTS;
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
