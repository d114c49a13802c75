/** The optional transformer backend of the analysis engine. */
export { createTransformerBackend, MAX_TEXT_CHARS } from './transformer-backend.js';
export type { TransformerBackend, TransformerBackendOptions, ModelSentiment } from './transformer-backend.js';
export {
  createEmbeddingThemeMatcher,
  cosineSimilarity,
  themeExemplars,
  DEFAULT_SIMILARITY_THRESHOLD,
} from './embedding-theme-matcher.js';
export type { EmbeddingThemeMatcher, EmbeddingThemeMatcherOptions, ThemeSimilarity } from './embedding-theme-matcher.js';
export {
  mergeEmbeddingThemes,
  applyModelSentiment,
  combineSentiments,
  similarityToConfidence,
  TRANSFORMER_ENGINE,
} from './merge-transformer-results.js';
export type { EmbeddingThemeScores, ModelSentiments } from './merge-transformer-results.js';
export { enrichWithTransformer } from './enrich-with-transformer.js';
export type { TransformerAnalysisOptions } from './enrich-with-transformer.js';
export { ModelFilesError, REQUIRED_MODEL_FILES, FULL_ONNX_FILE, QUANTIZED_ONNX_FILE } from './model-files.js';
export { labelWeightsFromConfig, toModelSentiment } from './sentiment-labels.js';
export { analyzeWithTransformer, createTransformerAnalyzer } from './analyze-with-transformer.js';
export type {
  AnalyzeWithTransformerOptions,
  LexicalEngine,
  TransformerAnalyzer,
  TransformerAnalyzerOptions,
} from './analyze-with-transformer.js';
