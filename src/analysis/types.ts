/**
 * Public types of the analysis engine. The engine is pure: no I/O, no database,
 * nothing from the rest of the project is imported here.
 */

export type SentimentLabel = 'positive' | 'neutral' | 'negative';

export interface Sentiment {
  label: SentimentLabel;
  /** Polarity in [-1, 1]. */
  score: number;
  /** How sure the engine is of the label, in [0, 1]. */
  confidence: number;
}

/** A character range of the analysed text (UTF-16 offsets, end exclusive). */
export interface Span {
  start: number;
  end: number;
  text: string;
}

export interface ClauseResult extends Span {
  sentiment: Sentiment;
}

export interface ThemeMatch {
  key: string;
  label: string;
  /** In [0, 1]. */
  confidence: number;
  /** Aspect-level sentiment: from the clauses that mention the theme. */
  sentiment: Sentiment;
  /** Where in the text the theme is mentioned, so a UI can highlight why. */
  evidence: Span[];
}

export type ChurnSignalType = 'cancel' | 'switch' | 'not_renewing' | 'refund' | 'alternatives' | 'downgrade';

export interface ChurnSignal {
  type: ChurnSignalType;
  evidence: Span;
}

export interface LanguageInfo {
  /** ISO 639-3 code as detected, or 'und' when the text is too short to tell. */
  code: string;
  /** Only English is analysed; other languages are flagged, not guessed at. */
  supported: boolean;
}

export interface AnalysisResult {
  language: LanguageInfo;
  /** True when the input was longer than the engine's bound and only its start was analysed. */
  truncated: boolean;
  sentiment: Sentiment;
  clauses: ClauseResult[];
  themes: ThemeMatch[];
  keyPhrases: string[];
  churnSignals: ChurnSignal[];
  /** Which engine produced the result, e.g. 'lexical@1' or 'transformer@1'. */
  engine: string;
}

export interface ThemeDefinition {
  /** Stable identifier (snake_case); never changes when the label is edited. */
  key: string;
  label: string;
  description?: string;
  keywords: string[];
  examples: string[];
  parent?: string | null;
}

export interface Taxonomy {
  version?: number;
  themes: ThemeDefinition[];
}

export interface ThemeCandidate {
  /** Normalised phrase that names the candidate theme. */
  phrase: string;
  /** Number of verbatims that mention it. */
  count: number;
  /** Related phrases folded into this candidate. */
  relatedPhrases: string[];
  /** Indexes (into the input array) of example verbatims. */
  exampleIndexes: number[];
}
