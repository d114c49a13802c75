/**
 * The engine the worker analyses with, per taxonomy version: the lexical engine (default, no
 * files needed) or the transformer backend on top of it (models from a local directory only,
 * unless remote loading is explicitly allowed). Chosen by VERBATIM_ANALYSIS_ENGINE.
 */
import { join, resolve } from 'node:path';
import { analyze, compileTaxonomy, type AnalysisResult, type Taxonomy } from '../analysis/index.js';
import type { Config } from '../config.js';

/** Analyses texts against one compiled taxonomy. */
export interface TaxonomyAnalyzer {
  analyze(text: string): Promise<AnalysisResult>;
  dispose(): Promise<void>;
}

/** Builds the analyzer of a taxonomy version (compiles it, and for transformers embeds its themes). */
export type AnalyzerFactory = (taxonomy: Taxonomy) => Promise<TaxonomyAnalyzer>;

export const lexicalAnalyzer: AnalyzerFactory = async (taxonomy) => {
  const compiled = compileTaxonomy(taxonomy);
  return { analyze: async (text) => analyze(text, compiled), dispose: async () => undefined };
};

export function analyzerFactoryFromConfig(config: Config): AnalyzerFactory {
  if (config.VERBATIM_ANALYSIS_ENGINE === 'lexical') return lexicalAnalyzer;
  const dataDir = resolve(config.VERBATIM_DATA_DIR);
  const backendOptions = {
    modelDir: resolve(config.VERBATIM_MODEL_DIR ?? join(dataDir, 'models')),
    embeddingModel: config.VERBATIM_EMBEDDING_MODEL,
    sentimentModel: config.VERBATIM_SENTIMENT_MODEL,
    allowRemote: config.VERBATIM_ALLOW_REMOTE_MODELS,
    cacheDir: join(dataDir, 'transformers-cache'),
  };
  return async (taxonomy) => {
    // Loaded only when configured: lexical deployments never load onnxruntime.
    const { createTransformerAnalyzer } = await import('../analysis/backends/index.js');
    return createTransformerAnalyzer({ compileTaxonomy, analyze }, taxonomy, backendOptions);
  };
}
