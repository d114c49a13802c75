/** Object types of the insight queries. Shares are fractions (0–1); NPS, margins and impacts are in points. */
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { NpsCategory, SentimentLabel } from '../common/enums.js';
import { DateTime } from '../common/scalars.js';
import { EvidenceSpan, NpsSummary } from '../response/response.types.js';

export const InsightSource = {
  ROLLUP: 'ROLLUP',
  LEDGER: 'LEDGER',
  SCAN: 'SCAN',
} as const;
export type InsightSource = (typeof InsightSource)[keyof typeof InsightSource];
registerEnumType(InsightSource, {
  name: 'InsightSource',
  description: 'Where the figures were computed from (for diagnosis; every source gives the same figures).',
  valuesConfig: {
    ROLLUP: { description: 'Precomputed day/month sums.' },
    LEDGER: { description: 'Per-response rollup entries of the days in range (theme filters, several attribute keys).' },
    SCAN: { description: 'The responses themselves (comment search, analysis status filters).' },
  },
});

export const EmergingMethod = {
  LEXICAL: 'LEXICAL',
  EMBEDDING: 'EMBEDDING',
} as const;
export type EmergingMethod = (typeof EmergingMethod)[keyof typeof EmergingMethod];
registerEnumType(EmergingMethod, {
  name: 'EmergingMethod',
  description: 'How emerging-theme candidates and near-duplicates were found.',
  valuesConfig: {
    LEXICAL: {
      description:
        'Shared key phrases folded together; near-duplicates by shared character 5-grams (the lexical engine, the model not installed, or the transformer engine still embedding many new verbatims in the background: a later query uses EMBEDDING).',
    },
    EMBEDDING: {
      description:
        'Verbatims clustered by sentence embeddings and named by their key phrases; near-duplicates by embedding cosine (the transformer engine).',
    },
  },
});

export const TrendInterval = {
  DAY: 'DAY',
  WEEK: 'WEEK',
  MONTH: 'MONTH',
  QUARTER: 'QUARTER',
} as const;
export type TrendInterval = (typeof TrendInterval)[keyof typeof TrendInterval];
registerEnumType(TrendInterval, {
  valuesConfig: {
    DAY: { description: 'One UTC day.' },
    WEEK: { description: 'One ISO week (Monday to Sunday, UTC).' },
    MONTH: { description: 'One calendar month (UTC).' },
    QUARTER: { description: 'One calendar quarter (UTC).' },
  },
  name: 'TrendInterval',
  description: 'Length of a trend point (UTC; weeks are ISO weeks starting on Monday).',
});

@ObjectType({ description: 'A theme of the taxonomy: stable key and current label.' })
export class ThemeRef {
  @Field(() => String, { description: 'Stable theme key.' })
  key!: string;

  @Field(() => String, { description: 'Current theme label.' })
  label!: string;
}

@ObjectType({ description: 'How many mentions of a theme were positive, neutral and negative (aspect-level sentiment).' })
export class ThemeSentimentSplit {
  @Field(() => Int, { description: 'Positive mentions.' })
  positive!: number;

  @Field(() => Int, { description: 'Neutral mentions.' })
  neutral!: number;

  @Field(() => Int, { description: 'Negative mentions.' })
  negative!: number;
}

@ObjectType({ description: 'A verbatim that mentions the theme, with the spans that do.' })
export class ThemeExample {
  @Field(() => ID, { description: 'Response id.' })
  id!: string;

  @Field(() => String, { description: 'The verbatim.' })
  comment!: string;

  @Field(() => Int, { description: 'The 0–10 score.' })
  score!: number;

  @Field(() => NpsCategory, { description: 'Promoter, passive or detractor.' })
  category!: NpsCategory;

  @Field(() => DateTime, { description: 'When the customer answered.' })
  respondedAt!: Date;

  @Field(() => String, { nullable: true, description: 'Touchpoint of the response; null if none.' })
  touchpoint!: string | null;

  @Field(() => SentimentLabel, { description: "The theme's sentiment in this verbatim." })
  sentiment!: SentimentLabel;

  @Field(() => Float, { description: 'How sure the engine is that the theme is mentioned, 0–1.' })
  confidence!: number;

  @Field(() => [EvidenceSpan], { description: 'Spans of the comment that mention the theme.' })
  evidence!: EvidenceSpan[];

  @Field(() => Int, {
    description:
      "Other kept examples of this theme whose verbatim nearly repeats this one (copy-pasted or templated answers, a customer submitting twice); they are not listed separately. Counted among the theme's kept examples only (the 20 most confident per month), so a lower bound.",
  })
  nearDuplicates!: number;
}

@ObjectType({ description: 'A time range [from, to).' })
export class InsightPeriod {
  @Field(() => DateTime, { description: 'Start (inclusive).' })
  from!: Date;

  @Field(() => DateTime, { description: 'End (exclusive).' })
  to!: Date;
}

@ObjectType({ description: 'How a theme moved between the previous period and the current one (current minus previous).' })
export class ThemeChange {
  @Field(() => InsightPeriod, { description: "The filter's range; without one, the last 30 days." })
  period!: InsightPeriod;

  @Field(() => InsightPeriod, { description: 'The period of equal length just before.' })
  previousPeriod!: InsightPeriod;

  @Field(() => Int, { description: 'Mentions in the previous period.' })
  previousMentions!: number;

  @Field(() => Float, { description: 'Share of analysed responses mentioning the theme in the previous period (0–1).' })
  previousShare!: number;

  @Field(() => Float, { nullable: true, description: 'NPS among mentioners in the previous period; null without mentions.' })
  previousNps!: number | null;

  @Field(() => Float, { nullable: true, description: 'Impact in the previous period, in NPS points; null without mentions.' })
  previousImpact!: number | null;

  @Field(() => Int, { description: 'Change in mentions.' })
  mentions!: number;

  @Field(() => Float, { description: 'Change in share (0.05 = five percentage points).' })
  share!: number;

  @Field(() => Float, { nullable: true, description: "Change in the mentioners' NPS, in points." })
  nps!: number | null;

  @Field(() => Float, { nullable: true, description: 'Change in impact, in points.' })
  impact!: number | null;

  @Field(() => Boolean, { description: 'The share changed significantly (two-proportion z-test, 95%).' })
  shareSignificant!: boolean;

  @Field(() => Boolean, { description: "The mentioners' NPS changed significantly (z-test using both margins of error, 95%)." })
  npsSignificant!: boolean;
}

@ObjectType({ description: 'One theme across the analysed responses matching the filter.' })
export class ThemeInsight {
  @Field(() => ThemeRef, { description: 'The theme.' })
  theme!: ThemeRef;

  @Field(() => Int, { description: 'Analysed responses that mention the theme.' })
  mentions!: number;

  @Field(() => Float, { description: 'Fraction of the analysed responses that mention the theme (0–1).' })
  share!: number;

  @Field(() => Float, { nullable: true, description: 'NPS among the mentioners.' })
  nps!: number | null;

  @Field(() => Float, { nullable: true, description: "95% margin of error of the mentioners' NPS." })
  marginOfError!: number | null;

  @Field(() => Int, { description: 'Mentioners scoring 9–10.' })
  promoters!: number;

  @Field(() => Int, { description: 'Mentioners scoring 7–8.' })
  passives!: number;

  @Field(() => Int, { description: 'Mentioners scoring 0–6.' })
  detractors!: number;

  @Field(() => Boolean, { description: 'Fewer than 30 mentions: read with care.' })
  smallSample!: boolean;

  @Field(() => Float, { description: 'Average score (0–10) of the mentioners.' })
  averageScore!: number;

  @Field(() => Float, { nullable: true, description: 'NPS of the analysed responses that do not mention the theme.' })
  npsWithout!: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'NPS points the theme costs (negative) or earns (positive): overall NPS minus NPS without its mentioners.',
  })
  impact!: number | null;

  @Field(() => Boolean, { description: "The mentioners' NPS differs significantly from the others' (95%)." })
  significant!: boolean;

  @Field(() => ThemeSentimentSplit, { description: 'Positive, neutral and negative mentions.' })
  sentiment!: ThemeSentimentSplit;

  @Field(() => ThemeChange, {
    nullable: true,
    description: 'Movement against the period of equal length just before.',
  })
  change!: ThemeChange | null;

  @Field(() => [ThemeExample], { description: 'Top example verbatims (most confident mentions first) with evidence spans.' })
  examples!: ThemeExample[];
}

@ObjectType({ description: 'A theme ranked by how many NPS points it moves.' })
export class DriverInsight {
  @Field(() => ThemeRef, { description: 'The theme.' })
  theme!: ThemeRef;

  @Field(() => Float, { description: 'NPS points: negative for detraction drivers, positive for promotion drivers.' })
  impact!: number;

  @Field(() => Int, { description: 'Responses mentioning the theme.' })
  mentions!: number;

  @Field(() => Float, { description: 'Fraction of the analysed responses mentioning the theme (0–1).' })
  share!: number;

  @Field(() => Float, { nullable: true, description: 'NPS among the mentioners.' })
  nps!: number | null;

  @Field(() => Float, { nullable: true, description: 'NPS of the responses that do not mention the theme; null without any.' })
  npsWithout!: number | null;

  @Field(() => Float, { description: 'Average 0–10 score of the responses mentioning the theme.' })
  averageScore!: number;

  @Field(() => Boolean, { description: "The mentioners' NPS differs significantly from the others' (95%)." })
  significant!: boolean;

  @Field(() => Float, { description: 'Fraction of all detractors who mention the theme.' })
  shareOfDetractors!: number;

  @Field(() => Float, { description: 'Fraction of all promoters who mention the theme.' })
  shareOfPromoters!: number;

  @Field(() => ThemeSentimentSplit, { description: 'Positive, neutral and negative mentions of the theme.' })
  sentiment!: ThemeSentimentSplit;
}

@ObjectType({ description: 'What pulls NPS down and what pushes it up.' })
export class DriversReport {
  @Field(() => NpsSummary, { description: 'NPS of the analysed responses matching the filter.' })
  overall!: NpsSummary;

  @Field(() => InsightSource, { description: 'Where the figures were computed from.' })
  source!: InsightSource;

  @Field(() => [DriverInsight], { description: 'Themes that cost NPS points, most costly first.' })
  detraction!: DriverInsight[];

  @Field(() => [DriverInsight], { description: 'Themes that earn NPS points, most earning first.' })
  promotion!: DriverInsight[];
}

/** NPS of a set of responses with its sample and 95% margin of error, shared by trend points and segments. */
@ObjectType() // never returned itself, so not emitted: only its subclasses are
abstract class NpsFigureFields {
  @Field(() => Float, { nullable: true, description: '%promoters − %detractors, −100…100; null without responses.' })
  nps!: number | null;

  @Field(() => Int, { description: 'Responses counted (the sample size).' })
  responses!: number;

  @Field(() => Int, { description: 'Responses scoring 9–10.' })
  promoters!: number;

  @Field(() => Int, { description: 'Responses scoring 7–8.' })
  passives!: number;

  @Field(() => Int, { description: 'Responses scoring 0–6.' })
  detractors!: number;

  @Field(() => Float, { nullable: true, description: '95% margin of error in NPS points.' })
  marginOfError!: number | null;

  @Field(() => Boolean, { description: 'Fewer than 30 responses: read with care.' })
  smallSample!: boolean;
}

@ObjectType({ description: 'NPS of one period.' })
export class NpsTrendPoint extends NpsFigureFields {
  @Field(() => String, { description: 'Period key: 2026-11-22, 2026-W47, 2026-11 or 2026-Q4.' })
  period!: string;

  @Field(() => DateTime, { description: 'Start of the period (UTC).' })
  start!: Date;

  @Field(() => DateTime, { description: 'Start of the next period.' })
  end!: Date;
}

@ObjectType({ description: 'The trend of one group (or of all responses when not grouped).' })
export class NpsTrendSeries {
  @Field(() => String, { nullable: true, description: 'Touchpoint or attribute value; null when not grouped (or no touchpoint).' })
  group!: string | null;

  @Field(() => Int, { description: 'Responses of the series over the whole range.' })
  responses!: number;

  @Field(() => [NpsTrendPoint], { description: 'One point per period, periods without responses included.' })
  points!: NpsTrendPoint[];
}

@ObjectType({ description: 'NPS over time: the total series and, with groupBy, one series per group.' })
export class NpsTrend {
  @Field(() => TrendInterval, { description: 'Length of each point.' })
  interval!: TrendInterval;

  @Field(() => InsightSource, { description: 'Where the figures were computed from.' })
  source!: InsightSource;

  @Field(() => [NpsTrendSeries], { description: 'Largest group first.' })
  series!: NpsTrendSeries[];

  @Field(() => NpsSummary, {
    description:
      'NPS of every response the trend counts, all series together (also those past `limit`), from the same rollups: the headline figure of a period without a second read.',
  })
  total!: NpsSummary;
}

@ObjectType({ description: 'A theme within a segment.' })
export class SegmentTheme {
  @Field(() => ThemeRef, { description: 'The theme.' })
  theme!: ThemeRef;

  @Field(() => Int, { description: 'Responses of the segment mentioning the theme.' })
  mentions!: number;

  @Field(() => Float, { description: "Fraction of the segment's analysed responses." })
  share!: number;

  @Field(() => Float, { nullable: true, description: 'NPS of those responses; null without any.' })
  nps!: number | null;

  @Field(() => Float, { nullable: true, description: 'NPS points the theme costs or earns within the segment.' })
  impact!: number | null;
}

@ObjectType({ description: 'NPS of one attribute value or touchpoint.' })
export class Segment extends NpsFigureFields {
  @Field(() => String, { nullable: true, description: 'Attribute value or touchpoint (null: responses without a touchpoint).' })
  value!: string | null;

  @Field(() => Float, { description: "Fraction of the group's responses." })
  share!: number;

  @Field(() => Float, { nullable: true, description: 'Average 0–10 score; null without responses.' })
  averageScore!: number | null;

  @Field(() => [SegmentTheme], { description: 'Most mentioned themes.' })
  topThemes!: SegmentTheme[];
}

@ObjectType({ description: 'Segments of one dimension, happiest first.' })
export class SegmentGroup {
  @Field(() => String, { description: "'touchpoint' or the attribute key." })
  dimension!: string;

  @Field(() => [Segment], { description: 'One entry per value, most responses first.' })
  segments!: Segment[];

  @Field(() => Segment, { nullable: true, description: 'Highest NPS among segments of 30+ responses (among all if none is that large).' })
  happiest!: Segment | null;

  @Field(() => Segment, { nullable: true, description: 'Lowest NPS, same rule.' })
  leastSatisfied!: Segment | null;
}

@ObjectType({ description: 'NPS overall, per touchpoint and (when an attribute is asked for) per attribute value.' })
export class SegmentReport {
  @Field(() => NpsSummary, { description: 'NPS of all matching responses.' })
  overall!: NpsSummary;

  @Field(() => InsightSource, { description: 'Where the figures were computed from.' })
  source!: InsightSource;

  @Field(() => SegmentGroup, { nullable: true, description: 'Per value of the requested attribute (responses without it are left out).' })
  byAttribute!: SegmentGroup | null;

  @Field(() => SegmentGroup, { description: 'NPS per touchpoint.' })
  byTouchpoint!: SegmentGroup;
}

@ObjectType({ description: 'A suggested theme definition: pass it to the taxonomy createTheme mutation to accept it.' })
export class ThemeSuggestion {
  @Field(() => String, { description: 'Suggested stable key.' })
  key!: string;

  @Field(() => String, { description: 'Suggested display name.' })
  label!: string;

  @Field(() => String, { description: 'What the theme would cover.' })
  description!: string;

  @Field(() => [String], { description: 'Words and phrases that signal it.' })
  keywords!: string[];

  @Field(() => [String], { description: 'Example verbatims.' })
  examples!: string[];
}

@ObjectType({ description: 'A sampled verbatim that mentions an emerging phrase.' })
export class EmergingExample {
  @Field(() => ID, { description: 'Response id.' })
  id!: string;

  @Field(() => String, { description: 'The verbatim.' })
  comment!: string;

  @Field(() => Int, { description: 'The 0–10 score of the response.' })
  score!: number;

  @Field(() => DateTime, { description: 'When the customer answered.' })
  respondedAt!: Date;

  @Field(() => Int, {
    description:
      "Other sampled responses whose verbatim nearly repeats this one (copy-pasted or templated answers, a customer submitting twice, bots). They are counted once, as this example, in the candidate's count.",
  })
  nearDuplicates!: number;

  @Field(() => [ID], { description: 'Ids of those near-duplicate responses, newest first (at most 10).' })
  nearDuplicateIds!: string[];
}

@ObjectType({ description: 'A recurring subject of recent verbatims that no taxonomy theme covers.' })
export class EmergingTheme {
  @Field(() => String, { description: 'The recurring phrase.' })
  phrase!: string;

  @Field(() => Int, { description: 'Sampled verbatims that mention it, near-duplicates of one another counted once.' })
  count!: number;

  @Field(() => Float, { description: 'Fraction of the sample.' })
  share!: number;

  @Field(() => [String], { description: 'Other phrases found in the same verbatims.' })
  relatedPhrases!: string[];

  @Field(() => [EmergingExample], { description: 'Sampled verbatims that mention the phrase.' })
  examples!: EmergingExample[];

  @Field(() => ThemeSuggestion, { description: 'A theme definition built from the phrase, ready for createTheme.' })
  suggestion!: ThemeSuggestion;
}

@ObjectType({ description: 'Recurring subjects of recent verbatims that no taxonomy theme covers.' })
export class EmergingThemesReport {
  @Field(() => Int, { description: 'Recent verbatims read (the newest matching ones with a comment).' })
  sampled!: number;

  @Field(() => Int, {
    description:
      'Sampled verbatims set aside as near-duplicates of a newer sampled one, so a repeated text cannot make a theme on its own.',
  })
  nearDuplicates!: number;

  @Field(() => EmergingMethod, { description: 'How the candidates and near-duplicates were found.' })
  method!: EmergingMethod;

  @Field(() => DateTime, { nullable: true, description: 'Oldest sampled verbatim.' })
  from!: Date | null;

  @Field(() => DateTime, { nullable: true, description: 'Newest sampled verbatim.' })
  to!: Date | null;

  @Field(() => [EmergingTheme], { description: 'Uncovered subjects, most mentioned first.' })
  candidates!: EmergingTheme[];
}
