/** Insight queries: theme breakdown, drivers, NPS trend, segments and emerging themes. */
import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import type { NpsWithAttributes } from '../goals/target.resolver.js';
import type { Context } from '../context.js';
import { READ_ROLES } from '../auth/roles.js';
import { scopedFilter } from '../auth/scope.js';
import { ResponseFilter } from '../response/response.inputs.js';
import { TrendGroupBy } from './insights.inputs.js';
import { DriversReport, EmergingThemesReport, NpsTrend, SegmentReport, ThemeInsight, TrendInterval } from './insights.types.js';

// The services return the same strings as these enums' values; only TypeScript's enum nominality needs the casts.
const filterArg = { nullable: true, description: 'Which responses; all when omitted.' } as const;

@Resolver()
export class InsightsResolver {
  @Authorized(READ_ROLES)
  @Query(() => [ThemeInsight], {
    description:
      'Every mentioned theme of the analysed responses matching the filter, most mentioned first: NPS among mentioners, impact, sentiment, change and examples.',
  })
  async themeBreakdown(
    @Arg('filter', () => ResponseFilter, filterArg) filter: ResponseFilter | null,
    @Arg('examples', () => Int, { nullable: true, description: 'Example verbatims per theme, 0–10 (default 3).' }) examples: number | null,
    @Ctx() ctx: Context,
  ): Promise<ThemeInsight[]> {
    return await ctx.services.insights.themeBreakdown(scopedFilter(ctx, filter), { examples });
  }

  @Authorized(READ_ROLES)
  @Query(() => DriversReport, { description: 'Themes ranked by the NPS points they cost (detraction) and earn (promotion).' })
  async drivers(
    @Arg('filter', () => ResponseFilter, filterArg) filter: ResponseFilter | null,
    @Arg('limit', () => Int, { nullable: true, description: 'Drivers per list (default 10).' }) limit: number | null,
    @Ctx() ctx: Context,
  ): Promise<DriversReport> {
    return await ctx.services.insights.drivers(scopedFilter(ctx, filter), { limit });
  }

  @Authorized(READ_ROLES)
  @Query(() => NpsTrend, {
    description: 'NPS per period with counts and margin of error, optionally one series per touchpoint or attribute value.',
  })
  async npsTrend(
    @Arg('filter', () => ResponseFilter, filterArg) filter: ResponseFilter | null,
    @Arg('interval', () => TrendInterval, { description: 'Length of each trend point.' }) interval: TrendInterval,
    @Arg('groupBy', () => TrendGroupBy, {
      nullable: true,
      description: 'Adds one series per touchpoint or attribute value; only the total when omitted.',
    })
    groupBy: TrendGroupBy | null,
    @Arg('limit', () => Int, { nullable: true, description: 'Most series returned, largest first (default 25).' }) limit: number | null,
    @Ctx() ctx: Context,
  ): Promise<NpsTrend> {
    const scoped = scopedFilter(ctx, filter);
    const trend = await ctx.services.insights.npsTrend(scoped, interval, groupBy, { limit });
    // The total is the NPS of exactly these attributes, so it carries their target as `nps(…)` does.
    const total: NpsWithAttributes = { ...trend.total, targetAttributes: scoped?.attributes ?? null };
    return { ...trend, total };
  }

  @Authorized(READ_ROLES)
  @Query(() => SegmentReport, {
    description: "NPS per value of an attribute and per touchpoint, happiest first, with each segment's top themes.",
  })
  async segments(
    @Arg('filter', () => ResponseFilter, filterArg) filter: ResponseFilter | null,
    @Arg('attribute', () => String, {
      nullable: true,
      description: 'Attribute key, e.g. region, plan, account_manager, or account_value_band (spend bands).',
    })
    attribute: string | null,
    @Arg('themes', () => Int, {
      nullable: true,
      description:
        'Top themes per segment (default 3); 0 lists the segments without reading any theme row, the cheap way to list the values.',
    })
    themes: number | null,
    @Ctx() ctx: Context,
  ): Promise<SegmentReport> {
    return await ctx.services.insights.segments(scopedFilter(ctx, filter), attribute, { themes });
  }

  @Authorized(READ_ROLES)
  @Query(() => EmergingThemesReport, {
    description:
      'Candidate new themes in the most recent matching verbatims that the taxonomy does not cover, each with a ready-to-accept theme definition.',
  })
  async emergingThemes(
    @Arg('filter', () => ResponseFilter, filterArg) filter: ResponseFilter | null,
    @Arg('limit', () => Int, { nullable: true, description: 'Most candidates (default 10).' }) limit: number | null,
    @Arg('minCount', () => Int, { nullable: true, description: 'Fewest sampled verbatims a candidate must appear in (default 3).' })
    minCount: number | null,
    @Arg('sample', () => Int, { nullable: true, description: 'Recent verbatims to read (default and maximum: VERBATIM_EMERGING_SAMPLE).' })
    sample: number | null,
    @Ctx() ctx: Context,
  ): Promise<EmergingThemesReport> {
    return ctx.services.insights.emergingThemes(scopedFilter(ctx, filter), { limit, minCount, sample });
  }
}
