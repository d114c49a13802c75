import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { FollowUpStats } from '../alerts/alert.types.js';
import { Benchmark } from '../benchmarks/benchmark.types.js';
import { Attribute } from '../common/attribute.types.js';
import { DateTime } from '../common/scalars.js';
import { EvidenceSpan, NpsSummary } from '../response/response.types.js';

@ObjectType({ description: 'How NPS moved between two periods, and whether the move exceeds sampling noise (95%).' })
export class NpsChangeSummary {
  @Field(() => Float, { nullable: true, description: 'Points, current minus previous; null when either period has no responses.' })
  points!: number | null;

  @Field(() => Boolean, { description: 'True when |points| exceeds the 95% margin of the difference.' })
  significant!: boolean;
}

@ObjectType({ description: 'NPS of one week of the trend.' })
export class ReportTrendPoint {
  @Field(() => String, { description: 'ISO week, e.g. 2026-W47.' })
  week!: string;

  @Field(() => Float, { nullable: true, description: 'NPS of the week, −100…100; null without responses.' })
  nps!: number | null;

  @Field(() => Int, { description: 'Responses of the week.' })
  responses!: number;

  @Field(() => Float, { nullable: true, description: '95% margin of error in NPS points; null without responses.' })
  marginOfError!: number | null;
}

@ObjectType({ description: 'A theme whose share of the verbatims moved (last 4 weeks against the 4 before).' })
export class ReportTheme {
  @Field(() => String, { description: 'Stable theme key.' })
  key!: string;

  @Field(() => String, { description: 'Current theme label.' })
  label!: string;

  @Field(() => Int, { description: 'Mentions in the last 4 weeks.' })
  mentions!: number;

  @Field(() => Float, { description: 'Share of analysed verbatims mentioning it (0–1).' })
  share!: number;

  @Field(() => Float, { description: 'Change of share, in fraction points (0.05 = five percentage points).' })
  shareChange!: number;

  @Field(() => Float, { nullable: true, description: 'NPS points the theme costs (negative) or earns.' })
  impact!: number | null;

  @Field(() => Float, { nullable: true, description: 'Change of impact, in points.' })
  impactChange!: number | null;

  @Field(() => Boolean, { description: 'The change of share is statistically significant.' })
  significant!: boolean;
}

@ObjectType({ description: 'A verbatim quoted in the report, with its evidence spans.' })
export class ReportVerbatim {
  @Field(() => ID, { description: 'Response id.' })
  id!: string;

  @Field(() => Int, { description: 'The 0–10 score.' })
  score!: number;

  @Field(() => String, { description: 'The verbatim.' })
  comment!: string;

  @Field(() => DateTime, { description: 'When the customer answered.' })
  respondedAt!: Date;

  @Field(() => String, { nullable: true, description: 'Touchpoint of the response; null if none.' })
  touchpoint!: string | null;

  @Field(() => [EvidenceSpan], { description: 'Spans of the comment to highlight.' })
  highlights!: EvidenceSpan[];

  @Field(() => String, { nullable: true, description: 'Churn-risk level, when scored.' })
  riskLevel!: string | null;
}

@ObjectType({ description: 'The weekly report of a scope, as data and rendered as e-mail HTML and plain text.' })
export class WeeklyReport {
  @Field(() => String, { description: 'ISO week reported, e.g. 2026-W47 (UTC, Monday to Monday).' })
  week!: string;

  @Field(() => DateTime, { description: 'Start of the report week (inclusive).' })
  from!: Date;

  @Field(() => DateTime, { description: 'End of the week (exclusive).' })
  to!: Date;

  @Field(() => DateTime, { description: 'When the report was built.' })
  generatedAt!: Date;

  @Field(() => [Attribute], { description: 'The scope reported on (empty: all responses).' })
  scope!: Attribute[];

  @Field(() => Boolean, {
    description: 'False when the scope has no responses in the 13 weeks: the report says so instead of showing figures.',
  })
  hasResponses!: boolean;

  @Field(() => String, { description: 'One sentence summing the week up.' })
  headline!: string;

  @Field(() => NpsSummary, { description: 'NPS of the report week.' })
  weekNps!: NpsSummary;

  @Field(() => NpsSummary, { description: 'NPS of the week before.' })
  previousWeekNps!: NpsSummary;

  @Field(() => NpsChangeSummary, { description: 'The week against the week before.' })
  weekChange!: NpsChangeSummary;

  @Field(() => NpsSummary, { description: 'The 4 weeks ending with the report week.' })
  last4Weeks!: NpsSummary;

  @Field(() => NpsSummary, { description: 'The 4 weeks before those.' })
  previous4Weeks!: NpsSummary;

  @Field(() => NpsChangeSummary, { description: 'The last 4 weeks against the 4 before.' })
  fourWeekChange!: NpsChangeSummary;

  @Field(() => NpsSummary, { description: 'The 13 weeks ending with the report week.' })
  last13Weeks!: NpsSummary;

  @Field(() => [ReportTrendPoint], { description: 'NPS of each of the 13 weeks, oldest first.' })
  trend!: ReportTrendPoint[];

  @Field(() => [ReportTheme], { description: 'Themes gaining share most, last 4 weeks against the 4 before.' })
  themesRising!: ReportTheme[];

  @Field(() => [ReportTheme], { description: 'Themes losing share most.' })
  themesFalling!: ReportTheme[];

  @Field(() => [ReportVerbatim], { description: "The week's best promoter quotes." })
  promoterQuotes!: ReportVerbatim[];

  @Field(() => [ReportVerbatim], { description: "The week's most urgent detractor verbatims (highest churn risk first)." })
  detractorVerbatims!: ReportVerbatim[];

  @Field(() => FollowUpStats, {
    description: 'Follow-ups (alerts) raised in the last 4 weeks: open, overdue, closed-loop rate, time to first action.',
  })
  followUps!: FollowUpStats;

  @Field(() => [FollowUpStats], { description: 'The same per owner, best closed-loop rate first.' })
  owners!: FollowUpStats[];

  @Field(() => Benchmark, {
    nullable: true,
    description: 'The industry benchmark compared with; null when none is configured or asked for.',
  })
  benchmark!: Benchmark | null;

  @Field(() => Float, { nullable: true, description: 'Last-13-weeks NPS minus the benchmark, in points.' })
  benchmarkGap!: number | null;

  @Field(() => String, { description: 'The report as an e-mail-safe HTML document (every verbatim escaped).' })
  html!: string;

  @Field(() => String, { description: 'The report as plain text.' })
  text!: string;
}
