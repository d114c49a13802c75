/** segments: NPS and top themes per touchpoint and per value of one attribute, happiest and least satisfied. */
import { npsFigures, round, type NpsFigures } from '../../../domain/nps.js';
import type { ResponseQueryFilter } from '../../../../models/response/response.filter.js';
import { checkFilter } from '../../response-query.service.js';
import { allThemeStats, baseCounts, extremes, groupRows, orderSegments, total } from '../math.js';
import { RowSource, type RowSourceLevel } from '../rollups/row-source.js';
import type { Row } from '../rollups/rows.js';
import { boundedInt, checkAttributeKey, filterAttribute, slowest, type ReportContext, type ThemeRef } from './context.js';

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

export async function segments(
  ctx: ReportContext,
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
    ctx.source.rowsMany([
      { filter, view: { attribute: filterAttribute(filter), withThemes }, granularity: 'month' },
      ...(attribute ? [{ filter, view: { attribute, withThemes }, granularity: 'month' as const }] : []),
    ]),
    withThemes ? ctx.labels() : (key: string) => key,
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
