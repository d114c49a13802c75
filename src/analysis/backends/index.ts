/** The optional transformer backend of the analysis engine: what the services and the CLI use. */
export { createTransformerBackend } from './transformer-backend.js';
export type { TransformerBackend, TransformerBackendOptions } from './transformer-backend.js';
export { createEmbeddingThemeMatcher, cosineSimilarity, themeExemplars } from './embedding-theme-matcher.js';
export type { EmbeddingThemeMatcher } from './embedding-theme-matcher.js';
export { TRANSFORMER_ENGINE } from './merge-transformer-results.js';
export { enrichWithTransformer } from './enrich-with-transformer.js';
export { REQUIRED_MODEL_FILES, FULL_ONNX_FILE, QUANTIZED_ONNX_FILE } from './model-files.js';
export { analyzeWithTransformer, createTransformerAnalyzer } from './analyze-with-transformer.js';
export type { LexicalEngine, TransformerAnalyzer } from './analyze-with-transformer.js';
export { loadSentimentHead, sentimentHeadFromData } from './sentiment-head.js';
export type { SentimentHead, SentimentHeadData } from './sentiment-head.js';
