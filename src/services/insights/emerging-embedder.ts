/**
 * Sentence vectors for emerging-theme discovery in the API process, when the configured engine is
 * the transformer engine (VERBATIM_ANALYSIS_ENGINE `transformer`, or `auto` with the model
 * installed): the model is loaded on the first emergingThemes query, and vectors are kept in memory
 * by text (at most MEMO_TEXTS, least recently used dropped first), so a repeated query embeds only
 * the verbatims that arrived since. Without the model the discovery stays lexical.
 */
import type { TransformerBackend } from '../../analysis/backends/index.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { resolveEngine, transformerOptionsFromConfig } from '../analysis-engine.js';

/** 20,000 vectors of 384 floats: about 30 MB. */
const MEMO_TEXTS = 20_000;

export interface TextEmbedder {
  /** One vector per text, or null when the engine is lexical (or the model could not be loaded). */
  embed(texts: readonly string[]): Promise<Float32Array[] | null>;
  dispose(): Promise<void>;
}

export function emergingEmbedderFromConfig(config: Config, log: Logger): TextEmbedder {
  let backend: Promise<TransformerBackend | null> | undefined;
  const memo = new Map<string, Float32Array>();
  const load = async (): Promise<TransformerBackend | null> => {
    if (config.VERBATIM_ANALYSIS_ENGINE === 'lexical') return null;
    const options = transformerOptionsFromConfig(config);
    try {
      const { engine, warning } = await resolveEngine(config.VERBATIM_ANALYSIS_ENGINE, options);
      if (engine !== 'transformer') {
        log.warn({ warning }, 'emerging themes: lexical discovery');
        return null;
      }
      const { createTransformerBackend } = await import('../../analysis/backends/index.js');
      return await createTransformerBackend(options);
    } catch (err) {
      // Emerging themes still answer, lexically; the worker reports the engine problem itself.
      log.error({ err }, 'emerging themes: the embedding model could not be loaded, lexical discovery');
      return null;
    }
  };
  return {
    async embed(texts) {
      const model = await (backend ??= load());
      if (!model) return null;
      const known = texts.map((t) => memo.get(t));
      const missing = [...new Set(texts.filter((_, i) => !known[i]))];
      const fresh = new Map<string, Float32Array>();
      if (missing.length) (await model.embed(missing)).forEach((v, i) => fresh.set(missing[i], v));
      const out = texts.map((t, i) => {
        const v = known[i] ?? fresh.get(t);
        if (!v) throw new Error(`the embedding model returned no vector for text ${i}`);
        // Re-inserted: the Map's order is the recency order the eviction below relies on.
        memo.delete(t);
        memo.set(t, v);
        return v;
      });
      for (const oldest of memo.keys()) {
        if (memo.size <= MEMO_TEXTS) break;
        memo.delete(oldest);
      }
      return out;
    },
    async dispose() {
      await (await backend)?.dispose();
    },
  };
}
