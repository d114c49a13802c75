/** Object types of a stored response and its analysis. */
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Attribute } from '../common/attribute.types.js';
import { AnalysisStatus, NpsCategory, RiskLevel, SentimentLabel } from '../common/enums.js';
import { PageInfo } from '../common/page-info.js';
import { DateTime } from '../common/scalars.js';

@ObjectType({ description: 'Sentiment of a whole verbatim.' })
export class Sentiment {
  @Field(() => SentimentLabel, { description: 'Overall polarity.' })
  label!: SentimentLabel;

  @Field(() => Float, { description: 'Polarity from −1 (most negative) to 1 (most positive).' })
  score!: number;

  @Field(() => Float, { description: 'Confidence of the label, 0–1.' })
  confidence!: number;
}

@ObjectType({ description: 'A character range of the comment (UTF-16 offsets, end exclusive), for highlighting.' })
export class EvidenceSpan {
  @Field(() => Int, { description: 'Offset of the first character.' })
  start!: number;

  @Field(() => Int, { description: 'Offset just after the span (exclusive).' })
  end!: number;

  @Field(() => String, { description: 'The text of the span.' })
  text!: string;
}

@ObjectType({ description: 'A theme of the taxonomy that the verbatim mentions.' })
export class ThemeMention {
  @Field(() => String, { description: 'Stable theme key.' })
  key!: string;

  @Field(() => String, { description: 'Current theme label.' })
  label!: string;

  @Field(() => Float, { description: 'How sure the engine is that the theme is mentioned, 0–1.' })
  confidence!: number;

  @Field(() => SentimentLabel, { description: 'How the customer feels about this theme (aspect-level sentiment).' })
  sentiment!: SentimentLabel;

  @Field(() => Float, { description: 'Aspect-level polarity, −1 to 1.' })
  sentimentScore!: number;

  @Field(() => [EvidenceSpan], { description: 'Where the comment mentions the theme.' })
  evidence!: EvidenceSpan[];
}

@ObjectType({ description: 'Explicit intent to leave or downgrade found in the verbatim.' })
export class ChurnSignal {
  @Field(() => String, { description: 'cancel, switch, not_renewing, refund, alternatives or downgrade.' })
  type!: string;

  @Field(() => EvidenceSpan, { description: 'Where in the comment the signal is.' })
  evidence!: EvidenceSpan;
}

@ObjectType({ description: 'Explainable churn risk of a response.' })
export class ChurnRisk {
  @Field(() => Int, { description: '0 (no risk) to 100.' })
  score!: number;

  @Field(() => RiskLevel, { description: 'The score banded by VERBATIM_RISK_THRESHOLDS.' })
  level!: RiskLevel;

  @Field(() => [String], { description: 'Why the score is what it is, in plain words.' })
  reasons!: string[];
}

@ObjectType({ description: 'Language of the verbatim; only English is analysed.' })
export class LanguageInfo {
  @Field(() => String, { description: "ISO 639-3 code, or 'und' when too short to tell." })
  code!: string;

  @Field(() => Boolean, {
    description: 'False: the engine does not analyse this language, so it finds no themes and leaves sentiment neutral.',
  })
  supported!: boolean;
}

@ObjectType({ description: 'What the analysis engine found in the verbatim.' })
export class Analysis {
  @Field(() => Sentiment, { description: 'Sentiment of the whole verbatim.' })
  sentiment!: Sentiment;

  @Field(() => [ThemeMention], { description: 'Taxonomy themes the verbatim mentions.' })
  themes!: ThemeMention[];

  @Field(() => [String], { description: 'Salient noun phrases, normalised to lower-case lemmas.' })
  keyPhrases!: string[];

  @Field(() => [ChurnSignal], { description: 'Churn cues found in the verbatim, with their evidence.' })
  churnSignals!: ChurnSignal[];

  @Field(() => ChurnRisk, { nullable: true, description: 'Churn risk of the customer from this verbatim; null when not scored.' })
  churnRisk!: ChurnRisk | null;

  @Field(() => LanguageInfo, { description: 'Detected language of the comment.' })
  language!: LanguageInfo;

  @Field(() => Boolean, { description: 'The comment was longer than the engine reads; only its start was analysed.' })
  truncated!: boolean;

  @Field(() => String, { description: 'Engine and version that produced this analysis.' })
  engine!: string;

  @Field(() => Int, { description: 'Taxonomy version the themes were matched against.' })
  taxonomyVersion!: number;

  @Field(() => DateTime, { description: 'When the analysis was stored.' })
  analyzedAt!: Date;

  @Field(() => Boolean, {
    description: 'A person corrected the themes or sentiment (see `Response.correction`); these are the corrected values.',
  })
  corrected!: boolean;

  @Field(() => String, { nullable: true, description: 'Name of the API key that made the latest correction.' })
  correctedBy!: string | null;

  @Field(() => DateTime, { nullable: true, description: 'When an analyst last corrected this analysis (correctAnalysis); null if never.' })
  correctedAt!: Date | null;
}

@ObjectType({ description: "A person's correction of an analysis, with the machine analysis it replaced (for audit)." })
export class Correction {
  @Field(() => [String], { nullable: true, description: 'Corrected theme keys; null when themes were not corrected.' })
  themes!: string[] | null;

  @Field(() => SentimentLabel, { nullable: true, description: 'Corrected overall sentiment; null when not corrected.' })
  sentiment!: SentimentLabel | null;

  @Field(() => String, { description: 'Name of the API key that made the latest correction.' })
  by!: string;

  @Field(() => DateTime, { description: 'When the correction was made.' })
  at!: Date;

  @Field(() => Analysis, {
    nullable: true,
    description: 'The machine analysis before the first correction; null if the response was not analysed yet.',
  })
  original!: Analysis | null;
}

@ObjectType({ description: 'The customer who answered (contact details only for roles allowed to see them).' })
export class CustomerRef {
  @Field(() => String, { description: 'Customer id in the source system.' })
  externalId!: string;
}

@ObjectType({ description: 'One NPS survey response.' })
export class Response {
  @Field(() => ID, { description: 'Id of the response.' })
  id!: string;

  @Field(() => String, { description: 'Id in the survey tool; resubmitting it returns this response.' })
  externalId!: string;

  @Field(() => Int, { description: '0–10.' })
  score!: number;

  @Field(() => String, { nullable: true, description: 'The verbatim.' })
  comment!: string | null;

  @Field(() => NpsCategory, { description: 'Promoter, passive or detractor, from the score.' })
  category!: NpsCategory;

  @Field(() => DateTime, { description: 'When the customer answered.' })
  respondedAt!: Date;

  @Field(() => DateTime, { description: 'When Verbatim stored it.' })
  receivedAt!: Date;

  @Field(() => String, { nullable: true, description: 'Journey point that triggered the survey.' })
  touchpoint!: string | null;

  @Field(() => String, { nullable: true, description: 'How the survey was answered (email, in-app, sms …).' })
  channel!: string | null;

  @Field(() => [Attribute], { description: 'Segment attributes of the response, e.g. region.' })
  attributes!: Attribute[];

  @Field(() => CustomerRef, { nullable: true, description: 'The customer who answered; null if anonymous.' })
  customer!: CustomerRef | null;

  @Field(() => AnalysisStatus, { description: 'Where the response is in the analysis pipeline.' })
  analysisStatus!: AnalysisStatus;

  @Field(() => String, { nullable: true, description: 'Why analysis failed, when it did.' })
  analysisError!: string | null;

  @Field(() => Analysis, { nullable: true, description: 'Null until analysed.' })
  analysis!: Analysis | null;

  @Field(() => Correction, { nullable: true, description: 'The latest correction by a person, if any (correctAnalysis).' })
  correction!: Correction | null;
}

@ObjectType({ description: 'One response of a page, with its cursor.' })
export class ResponseEdge {
  @Field(() => String, { description: 'Pass as `after` to continue after this response.' })
  cursor!: string;

  @Field(() => Response, { description: 'The response.' })
  node!: Response;
}

@ObjectType({ description: 'A page of responses, newest first.' })
export class ResponseConnection {
  @Field(() => Int, { description: 'Responses matching the filter (all pages).' })
  totalCount!: number;

  @Field(() => [ResponseEdge], { description: 'The responses of this page.' })
  edges!: ResponseEdge[];

  @Field(() => PageInfo, { description: 'Cursor of the next page.' })
  pageInfo!: PageInfo;
}

@ObjectType({ description: 'NPS of a set of responses, with its sample size and 95% margin of error.' })
export class NpsSummary {
  @Field(() => Float, { nullable: true, description: '%promoters − %detractors, −100…100; null with no responses.' })
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

  @Field(() => Boolean, { description: 'True below 30 responses: read the figure with care.' })
  smallSample!: boolean;
}

@ObjectType({ description: 'A row of an import that was not stored.' })
export class ImportError {
  @Field(() => Int, { description: 'Position of the row in the input list (0-based).' })
  index!: number;

  @Field(() => String, { nullable: true, description: 'The offending field, e.g. `score`.' })
  field!: string | null;

  @Field(() => String, { description: 'What is wrong with the row.' })
  message!: string;
}

@ObjectType({ description: 'Outcome of an import: valid rows are stored even when others fail.' })
export class ImportResult {
  @Field(() => Int, { description: 'Rows stored by this call.' })
  accepted!: number;

  @Field(() => Int, { description: 'Rows whose externalId was already stored (nothing changed).' })
  duplicates!: number;

  @Field(() => [ImportError], { description: 'Rows that were not stored, with the reason; the others were stored.' })
  errors!: ImportError[];
}
