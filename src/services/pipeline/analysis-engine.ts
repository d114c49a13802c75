/**
 * The engine the worker (and `verbatim analyze`) analyses with, per taxonomy version: the lexical
 * engine (no files needed) or the transformer backend on top of it (models from a local directory
 * only, unless remote loading is explicitly allowed). Chosen by VERBATIM_ANALYSIS_ENGINE; `auto`
 * (the default) takes the transformer engine when its model files are present, else lexical.
 */
import { join, resolve } from 'node:path';
import { analyze, compileTaxonomy, type AnalysisResult, type CompiledTaxonomy, type Taxonomy } from '../../analysis/index.js';
import type { LexicalEngine, TransformerBackendOptions } from '../../analysis/backends/index.js';
import type { Config } from '../../config.js';

/** Analyses texts against one compiled taxonomy. */
export interface TaxonomyAnalyzer {
  analyze(text: string): Promise<AnalysisResult>;
  /** Several texts, results in order: the transformer engine embeds them in shared model runs. */
  analyzeBatch(texts: readonly string[]): Promise<AnalysisResult[]>;
  dispose(): Promise<void>;
}

/** Builds the analyzer of a taxonomy version (compiles it, and for transformers embeds its themes). */
export type AnalyzerFactory = (taxonomy: Taxonomy) => Promise<TaxonomyAnalyzer>;

export type EngineChoice = 'lexical' | 'transformer' | 'auto';

/**
 * The batch of a synchronous engine: one text after another, yielding to the event loop every 10
 * so that timers (BullMQ's lock renewals of a batch's jobs) are not held up.
 */
export function analyzeInTurn(analyzeOne: (text: string) => AnalysisResult): TaxonomyAnalyzer['analyzeBatch'] {
  return async (texts) => {
    const results: AnalysisResult[] = [];
    for (const [i, text] of texts.entries()) {
      if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
      results.push(analyzeOne(text));
    }
    return results;
  };
}

export const lexicalAnalyzer: AnalyzerFactory = async (taxonomy) => {
  const compiled = compileTaxonomy(taxonomy);
  const analyzeOne = (text: string) => analyze(text, compiled);
  return { analyze: async (text) => analyzeOne(text), analyzeBatch: analyzeInTurn(analyzeOne), dispose: async () => undefined };
};

/** VERBATIM_MODEL_DIR, else <VERBATIM_DATA_DIR>/models; absolute. */
export function modelDirFromConfig(config: Config): string {
  return resolve(config.VERBATIM_MODEL_DIR ?? join(resolve(config.VERBATIM_DATA_DIR), 'models'));
}

/** The backend's options and the sentiment head file (unset: the shipped one). */
export interface TransformerEngineOptions extends TransformerBackendOptions {
  sentimentHead?: string;
}

export function transformerOptionsFromConfig(config: Config): TransformerEngineOptions {
  return {
    modelDir: modelDirFromConfig(config),
    embeddingModel: config.VERBATIM_EMBEDDING_MODEL,
    sentimentModel: config.VERBATIM_SENTIMENT_MODEL,
    allowRemote: config.VERBATIM_ALLOW_REMOTE_MODELS,
    cacheDir: join(resolve(config.VERBATIM_DATA_DIR), 'transformers-cache'),
    sentimentHead: config.VERBATIM_SENTIMENT_HEAD,
  };
}

export interface ResolvedEngine {
  engine: 'lexical' | 'transformer';
  /** Set when `auto` fell back to lexical: why, and how to get the transformer engine. */
  warning?: string;
}

/** The `auto` rule: transformer when every configured model's files are present locally (and the sentiment head reads), else lexical. */
export async function resolveEngine(choice: EngineChoice, options: TransformerEngineOptions): Promise<ResolvedEngine> {
  if (choice !== 'auto') return { engine: choice };
  const { resolveLocalModel } = await import('../../analysis/backends/model-files.js');
  const { loadSentimentHead } = await import('../../analysis/backends/sentiment-head.js');
  try {
    await resolveLocalModel(options.modelDir, options.embeddingModel, options.quantized);
    if (options.sentimentModel) await resolveLocalModel(options.modelDir, options.sentimentModel, options.quantized);
    await loadSentimentHead(options.sentimentHead);
    return { engine: 'transformer' };
  } catch (err) {
    return {
      engine: 'lexical',
      warning: `analysis engine auto: using the lexical engine, the transformer model is not available (${(err as Error).message})`,
    };
  }
}

/**
 * Verbatims shorter than this are embedded whole: one model run per text instead of one per clause
 * (about 3× fewer on typical reviews). Longer ones, which often cover several topics, also per clause.
 */
export const CLAUSE_EMBEDDING_MIN_CHARS = 200;

/** The transformer engine for one taxonomy; rejects with a clear error when model files are missing. */
export function transformerAnalyzer(
  options: TransformerEngineOptions,
  lexical: LexicalEngine<CompiledTaxonomy> = { compileTaxonomy, analyze },
): AnalyzerFactory {
  return async (taxonomy) => {
    // Loaded only when used: lexical deployments never load onnxruntime.
    const { createTransformerAnalyzer } = await import('../../analysis/backends/index.js');
    return createTransformerAnalyzer(lexical, taxonomy, options, {
      clauseEmbeddingMinChars: CLAUSE_EMBEDDING_MIN_CHARS,
      sentimentHead: options.sentimentHead,
    });
  };
}

/**
 * The configured engine. `auto` is decided once, on the first taxonomy, and a fallback to
 * lexical is reported through `warn`.
 */
export function analyzerFactoryFromConfig(config: Config, warn: (message: string) => void = () => undefined): AnalyzerFactory {
  const choice = config.VERBATIM_ANALYSIS_ENGINE;
  if (choice === 'lexical') return lexicalAnalyzer;
  const options = transformerOptionsFromConfig(config);
  if (choice === 'transformer') return transformerAnalyzer(options);
  let decided: Promise<AnalyzerFactory> | undefined;
  return async (taxonomy) => {
    decided ??= resolveEngine(choice, options).then(({ engine, warning }) => {
      if (warning) warn(warning);
      return engine === 'transformer' ? transformerAnalyzer(options) : lexicalAnalyzer;
    });
    return (await decided)(taxonomy);
  };
}
