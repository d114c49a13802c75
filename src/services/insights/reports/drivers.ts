/** drivers: the themes that most pull NPS down (detraction) and up (promotion). */
import { npsFigures, round, type NpsFigures } from '../../../domain/nps.js';
import type { ResponseQueryFilter } from '../../../../models/response/response.filter.js';
import { checkFilter } from '../../response-query.service.js';
import { allThemeStats, rankDrivers, type SentimentSplit, type ThemeStats } from '../math.js';
import { RowSource, type RowSourceLevel } from '../rollups/row-source.js';
import { boundedInt, filterAttribute, type ReportContext, type ThemeRef } from './context.js';

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

export async function drivers(
  ctx: ReportContext,
  filter: ResponseQueryFilter | null | undefined,
  options: { limit?: number | null } = {},
): Promise<DriversReport> {
  checkFilter(filter);
  const limit = boundedInt(options.limit ?? 10, 1, 500, 'limit');
  const [result, labels] = await Promise.all([
    ctx.source.rows(filter, { attribute: filterAttribute(filter), withThemes: true }, 'month'),
    ctx.labels(),
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
