/**
 * The lexical analysis engine: pure functions, no I/O, nothing else of the project imported.
 *
 *   const taxonomy = compileTaxonomy(defaultTaxonomy); // once
 *   const result = analyze(text, taxonomy);            // per verbatim, synchronous
 */
import defaultTaxonomyData from './themes/default-taxonomy.json' with { type: 'json' };
import type { Taxonomy } from './types.js';
import { validateTaxonomy } from './themes/validate.js';

export type * from './types.js';
export { analyze, aspectSentiments, ENGINE_VERSION, THEME_MIN_CONFIDENCE, type AnalyzeOptions } from './analyze.js';
export { compileTaxonomy, type CompiledTaxonomy, type CompiledTheme } from './themes/compile.js';
export { validateTaxonomy, TAXONOMY_LIMITS } from './themes/validate.js';
export { discoverThemes, ThemeDiscovery, type DiscoverOptions } from './discovery/discover.js';
export { clusterCandidates, type EmbeddingClusterOptions } from './discovery/embedding-clusters.js';
export { embeddingNearDuplicates, lexicalNearDuplicateIndex, lexicalNearDuplicates } from './dedupe/near-duplicates.js';
export { DEFAULT_MAX_CHARS } from './text/sanitize.js';

/** The built-in taxonomy for customer feedback (20 themes). */
export const defaultTaxonomy: Taxonomy = validateTaxonomy(defaultTaxonomyData);
