/** Object types of a stored response and its analysis. */
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Attribute } from '../common/attribute.types.js';
import { AnalysisStatus, NpsCategory, RiskLevel, SentimentLabel } from '../common/enums.js';
import { PageInfo } from '../common/page-info.js';
import { DateTime } from '../common/scalars.js';

@ObjectType({ description: 'Sentiment of a whole verbatim.' })
export class Sentiment {
  @Field(() => SentimentLabel)
  label!: SentimentLabel;

  @Field(() => Float, { description: 'Polarity from −1 (most negative) to 1 (most positive).' })
  score!: number;

  @Field(() => Float, { description: 'Confidence of the label, 0–1.' })
  confidence!: number;
}

@ObjectType({ description: 'A character range of the comment (UTF-16 offsets, end exclusive), for highlighting.' })
export class EvidenceSpan {
  @Field(() => Int)
  start!: number;

  @Field(() => Int)
  end!: number;

  @Field(() => String)
  text!: string;
}

@ObjectType({ description: 'A theme of the taxonomy that the verbatim mentions.' })
export class ThemeMention {
  @Field(() => String, { description: 'Stable theme key.' })
  key!: string;

  @Field(() => String)
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

  @Field(() => EvidenceSpan)
  evidence!: EvidenceSpan;
}

@ObjectType({ description: 'Explainable churn risk of a response.' })
export class ChurnRisk {
  @Field(() => Int, { description: '0 (no risk) to 100.' })
  score!: number;

  @Field(() => RiskLevel)
  level!: RiskLevel;

  @Field(() => [String], { description: 'Why the score is what it is, in plain words.' })
  reasons!: string[];
}

@ObjectType({ description: 'Language of the verbatim; only English is analysed.' })
export class LanguageInfo {
  @Field(() => String, { description: "ISO 639-3 code, or 'und' when too short to tell." })
  code!: string;

  @Field(() => Boolean)
  supported!: boolean;
}

@ObjectType({ description: 'What the analysis engine found in the verbatim.' })
export class Analysis {
  @Field(() => Sentiment)
  sentiment!: Sentiment;

  @Field(() => [ThemeMention])
  themes!: ThemeMention[];

  @Field(() => [String], { description: 'Salient noun phrases, normalised to lower-case lemmas.' })
  keyPhrases!: string[];

  @Field(() => [ChurnSignal])
  churnSignals!: ChurnSignal[];

  @Field(() => ChurnRisk, { nullable: true })
  churnRisk!: ChurnRisk | null;

  @Field(() => LanguageInfo)
  language!: LanguageInfo;

  @Field(() => Boolean, { description: 'The comment was longer than the engine reads; only its start was analysed.' })
  truncated!: boolean;

  @Field(() => String, { description: 'Engine and version that produced this analysis.' })
  engine!: string;

  @Field(() => Int, { description: 'Taxonomy version the themes were matched against.' })
  taxonomyVersion!: number;

  @Field(() => DateTime)
  analyzedAt!: Date;

  @Field(() => Boolean, {
    description: 'A person corrected the themes or sentiment (see `Response.correction`); these are the corrected values.',
  })
  corrected!: boolean;

  @Field(() => String, { nullable: true, description: 'Name of the API key that made the latest correction.' })
  correctedBy!: string | null;

  @Field(() => DateTime, { nullable: true })
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

  @Field(() => DateTime)
  at!: Date;

  @Field(() => Analysis, {
    nullable: true,
    description: 'The machine analysis before the first correction; null if the response was not analysed yet.',
  })
  original!: Analysis | null;
}

@ObjectType({ description: 'The customer who answered (contact details only for roles allowed to see them).' })
export class CustomerRef {
  @Field(() => String)
  externalId!: string;
}

@ObjectType({ description: 'One NPS survey response.' })
export class Response {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Id in the survey tool; resubmitting it returns this response.' })
  externalId!: string;

  @Field(() => Int, { description: '0–10.' })
  score!: number;

  @Field(() => String, { nullable: true, description: 'The verbatim.' })
  comment!: string | null;

  @Field(() => NpsCategory)
  category!: NpsCategory;

  @Field(() => DateTime)
  respondedAt!: Date;

  @Field(() => DateTime, { description: 'When Verbatim stored it.' })
  receivedAt!: Date;

  @Field(() => String, { nullable: true, description: 'Journey point that triggered the survey.' })
  touchpoint!: string | null;

  @Field(() => String, { nullable: true, description: 'How the survey was answered (email, in-app, sms …).' })
  channel!: string | null;

  @Field(() => [Attribute])
  attributes!: Attribute[];

  @Field(() => CustomerRef, { nullable: true })
  customer!: CustomerRef | null;

  @Field(() => AnalysisStatus)
  analysisStatus!: AnalysisStatus;

  @Field(() => String, { nullable: true, description: 'Why analysis failed, when it did.' })
  analysisError!: string | null;

  @Field(() => Analysis, { nullable: true, description: 'Null until analysed.' })
  analysis!: Analysis | null;

  @Field(() => Correction, { nullable: true, description: 'The latest correction by a person, if any (correctAnalysis).' })
  correction!: Correction | null;
}

@ObjectType()
export class ResponseEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => Response)
  node!: Response;
}

@ObjectType({ description: 'A page of responses, newest first.' })
export class ResponseConnection {
  @Field(() => Int, { description: 'Responses matching the filter (all pages).' })
  totalCount!: number;

  @Field(() => [ResponseEdge])
  edges!: ResponseEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ObjectType({ description: 'NPS of a set of responses, with its sample size and 95% margin of error.' })
export class NpsSummary {
  @Field(() => Float, { nullable: true, description: '%promoters − %detractors, −100…100; null with no responses.' })
  nps!: number | null;

  @Field(() => Int)
  responses!: number;

  @Field(() => Int)
  promoters!: number;

  @Field(() => Int)
  passives!: number;

  @Field(() => Int)
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

  @Field(() => String)
  message!: string;
}

@ObjectType({ description: 'Outcome of an import: valid rows are stored even when others fail.' })
export class ImportResult {
  @Field(() => Int, { description: 'Rows stored by this call.' })
  accepted!: number;

  @Field(() => Int, { description: 'Rows whose externalId was already stored (nothing changed).' })
  duplicates!: number;

  @Field(() => [ImportError])
  errors!: ImportError[];
}
