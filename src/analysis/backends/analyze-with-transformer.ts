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
import { enrichWithTransformer, type TransformerAnalysisOptions } from './enrich-with-transformer.js';
import { createTransformerBackend, type TransformerBackend, type TransformerBackendOptions } from './transformer-backend.js';

/** The lexical engine's API, generic in its compiled-taxonomy type (plain functions: `analyze` is passed on alone). */
export interface LexicalEngine<Compiled> {
  compileTaxonomy(taxonomy: Taxonomy): Compiled;
  analyze(this: void, text: string, compiled: Compiled): AnalysisResult;
}

export interface AnalyzeWithTransformerOptions<Compiled> extends TransformerAnalysisOptions {
  /** The lexical `analyze` whose result the transformer enriches. */
  analyze: LexicalEngine<Compiled>['analyze'];
}

/** Lexical `analyze(text, compiled)` merged with embedding-matched themes and model sentiment. */
export async function analyzeWithTransformer<Compiled>(
  text: string,
  compiledTaxonomy: Compiled,
  matcher: EmbeddingThemeMatcher,
  options: AnalyzeWithTransformerOptions<Compiled>,
): Promise<AnalysisResult> {
  const { analyze, ...enrichOptions } = options;
  return enrichWithTransformer(text, analyze(text, compiledTaxonomy), matcher, enrichOptions);
}

export interface TransformerAnalyzerOptions extends TransformerAnalysisOptions {
  /** Cosine similarity for a theme match; see DEFAULT_SIMILARITY_THRESHOLD. */
  threshold?: number;
  /** Lets the embeddings drop lexical themes far below the best; see EmbeddingThemeMatcherOptions. */
  lexicalMargin?: number;
}

/** A ready-to-use transformer engine for one taxonomy: models loaded, theme vectors embedded. */
export interface TransformerAnalyzer {
  readonly backend: TransformerBackend;
  analyze(text: string): Promise<AnalysisResult>;
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
  const { threshold, lexicalMargin, ...enrichOptions } = options;
  const compiled = lexical.compileTaxonomy(taxonomy);
  const backend = await createTransformerBackend(backendOptions);
  const matcher = createEmbeddingThemeMatcher(taxonomy, backend, { threshold, lexicalMargin });
  try {
    await matcher.warmUp();
  } catch (err) {
    await backend.dispose();
    throw err;
  }
  return {
    backend,
    analyze: (text) => analyzeWithTransformer(text, compiled, matcher, { ...enrichOptions, analyze: lexical.analyze }),
    dispose: () => backend.dispose(),
  };
}
