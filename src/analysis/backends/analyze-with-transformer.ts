/**
 * The transformer engine end to end: lexical analysis, then embedding theme
 * matching and model sentiment on top.
 *
 * The lexical engine is passed in (`{ compileTaxonomy, analyze }` from
 * src/analysis/index.ts) rather than imported, so this folder does not import
 * the engine's entry point: index.ts can re-export the backend without an import cycle.
 */
import type { AnalysisResult, Taxonomy } from '../types.js';
import { createEmbeddingThemeMatcher, type EmbeddingThemeMatcher } from './embedding-theme-matcher.js';
import { enrichWithTransformer, type HeadPriors, type TransformerAnalysisOptions } from './enrich-with-transformer.js';
import { createTransformerBackend, type TransformerBackend, type TransformerBackendOptions } from './transformer-backend.js';
import { loadSentimentHead, type SentimentHead } from './sentiment-head.js';

/** The lexical engine's API, generic in its compiled-taxonomy type (plain functions: `analyze` is passed on alone). */
export interface LexicalEngine<Compiled> {
  compileTaxonomy(taxonomy: Taxonomy): Compiled;
  analyze(
    this: void,
    text: string,
    compiled: Compiled,
    options?: {
      textPrior?: { probabilities: ArrayLike<number>; lexicalWeight: number };
      clausePriors?: { probabilities: readonly (ArrayLike<number> | null)[]; lexicalWeight: number };
    },
  ): AnalysisResult;
}

export interface AnalyzeWithTransformerOptions<Compiled> extends Omit<TransformerAnalysisOptions, 'headSentiment'> {
  /** The lexical `analyze` whose result the transformer enriches. */
  analyze: LexicalEngine<Compiled>['analyze'];
  /** The embedding sentiment head (unset: the lexical sentiment stays). */
  sentimentHead?: SentimentHead;
}

/** Lexical `analyze(text, compiled)` merged with embedding-matched themes and sentiment. */
export async function analyzeWithTransformer<Compiled>(
  text: string,
  compiledTaxonomy: Compiled,
  matcher: EmbeddingThemeMatcher,
  options: AnalyzeWithTransformerOptions<Compiled>,
): Promise<AnalysisResult> {
  const { analyze, sentimentHead, ...enrichOptions } = options;
  const headSentiment = sentimentHead && {
    head: sentimentHead,
    reanalyze: (priors: HeadPriors) => analyze(text, compiledTaxonomy, priors),
  };
  return enrichWithTransformer(text, analyze(text, compiledTaxonomy), matcher, { ...enrichOptions, headSentiment });
}

/** A model id's last segment: "Xenova/all-MiniLM-L6-v2" and "sentence-transformers/all-MiniLM-L6-v2" are one model. */
const modelName = (id: string) => id.slice(id.lastIndexOf('/') + 1).toLowerCase();

/** The head, when it was trained on the embedding model in use (another model's vectors mean nothing to it). */
export function headForModel(head: SentimentHead | undefined, embeddingModel: string): SentimentHead | undefined {
  return head && modelName(head.embeddingModel) === modelName(embeddingModel) ? head : undefined;
}

export interface TransformerAnalyzerOptions extends TransformerAnalysisOptions {
  /** Cosine similarity for a theme match; see DEFAULT_SIMILARITY_THRESHOLD. */
  threshold?: number;
  /** How far below the best theme the embeddings drop a lexical theme (default 0.1, Infinity: never); see EmbeddingThemeMatcherOptions. */
  lexicalMargin?: number;
  /**
   * The sentiment head file (default: the shipped data/sentiment-head.json), or false for none. A
   * missing or corrupt file rejects with an error naming it; a head trained on another embedding
   * model is not used (the sentiment stays lexical).
   */
  sentimentHead?: string | false;
}

/** A ready-to-use transformer engine for one taxonomy: models loaded, theme vectors embedded. */
export interface TransformerAnalyzer {
  readonly backend: TransformerBackend;
  analyze(text: string): Promise<AnalysisResult>;
  /** Several texts, results in order, their embeddings computed in shared model runs. */
  analyzeBatch(texts: readonly string[]): Promise<AnalysisResult[]>;
  dispose(): Promise<void>;
}

/**
 * Loads the models, compiles the taxonomy and embeds its themes once, so the
 * first verbatim does not pay for it. Rejects (naming the missing files) when
 * the model directory is incomplete.
 */
export async function createTransformerAnalyzer<Compiled>(
  lexical: LexicalEngine<Compiled>,
  taxonomy: Taxonomy,
  backendOptions: TransformerBackendOptions,
  options: TransformerAnalyzerOptions = {},
): Promise<TransformerAnalyzer> {
  const { threshold, lexicalMargin, sentimentHead: headPath, ...enrichOptions } = options;
  const compiled = lexical.compileTaxonomy(taxonomy);
  const head = headPath === false ? undefined : headForModel(await loadSentimentHead(headPath), backendOptions.embeddingModel);
  const backend = await createTransformerBackend(backendOptions);
  const matcher = createEmbeddingThemeMatcher(taxonomy, backend, { threshold, lexicalMargin });
  try {
    await matcher.warmUp();
  } catch (err) {
    await backend.dispose();
    throw err;
  }
  const analyze = (text: string) =>
    analyzeWithTransformer(text, compiled, matcher, { ...enrichOptions, analyze: lexical.analyze, sentimentHead: head });
  return {
    backend,
    analyze,
    // Started together, the texts' embed calls are coalesced by the backend into one run (sorted by length, split by size).
    analyzeBatch: (texts) => Promise.all(texts.map(analyze)),
    dispose: () => backend.dispose(),
  };
}
