/**
 * Sentence vectors for emerging-theme discovery in the API process, when the configured engine is
 * the transformer engine (VERBATIM_ANALYSIS_ENGINE `transformer`, or `auto` with the model
 * installed): the model is loaded on the first emergingThemes query, and vectors are kept in memory
 * by text (at most MEMO_TEXTS, least recently used dropped first), so a repeated query embeds only
 * the verbatims that arrived since. Without the model the discovery stays lexical.
 *
 * A query never waits for a large embedding run: a few new verbatims (at most INLINE_TEXTS) are
 * embedded at once, more are embedded in the background (one run at a time) while the query is
 * answered lexically (`method: LEXICAL`); the queries after it find the vectors in memory. On a
 * 2-core machine the model embeds 5–25 texts/s, so a 2,000-verbatim sample would hold a query for
 * minutes.
 */
import type { TransformerBackend } from '../../analysis/backends/index.js';
import type { Config } from '../../config.js';
import type { Logger } from '../../logger.js';
import { resolveEngine, transformerOptionsFromConfig } from '../pipeline/analysis-engine.js';

/** 20,000 vectors of 384 floats: about 30 MB. */
const MEMO_TEXTS = 20_000;
/** New texts a query embeds itself (a few seconds at worst); more go to the background. */
const INLINE_TEXTS = 64;
/** Texts per model call of a background run, so other queries interleave. */
const BACKGROUND_CHUNK = 32;

export interface TextEmbedder {
  /** One vector per text; null when the engine is lexical, the model could not be loaded, or too many texts are new (embedded in the background meanwhile). */
  embed(texts: readonly string[]): Promise<Float32Array[] | null>;
  dispose(): Promise<void>;
}

export function emergingEmbedderFromConfig(config: Config, log: Logger): TextEmbedder {
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
  return createTextEmbedder(load, log);
}

/** The embedder over a backend loaded on first use (`load` resolves null: lexical). */
export function createTextEmbedder(
  load: () => Promise<Pick<TransformerBackend, 'embed' | 'dispose'> | null>,
  log: Pick<Logger, 'info' | 'error'>,
): TextEmbedder {
  let backend: Promise<Pick<TransformerBackend, 'embed' | 'dispose'> | null> | undefined;
  const memo = new Map<string, Float32Array>();
  const remember = (text: string, vector: Float32Array) => {
    // Re-inserted: the Map's order is the recency order the eviction below relies on.
    memo.delete(text);
    memo.set(text, vector);
    for (const oldest of memo.keys()) {
      if (memo.size <= MEMO_TEXTS) break;
      memo.delete(oldest);
    }
  };
  let background: Promise<void> | null = null;
  let disposed = false;
  const embedInBackground = (model: Pick<TransformerBackend, 'embed'>, missing: string[]) => {
    if (background) return;
    log.info({ texts: missing.length }, 'emerging themes: embedding new verbatims in the background; answering lexically meanwhile');
    background = (async () => {
      for (let i = 0; i < missing.length && !disposed; i += BACKGROUND_CHUNK) {
        const chunk = missing.slice(i, i + BACKGROUND_CHUNK);
        (await model.embed(chunk)).forEach((v, j) => remember(chunk[j], v));
      }
    })()
      .catch((err: Error) => log.error({ err }, 'emerging themes: background embedding failed; the next query tries again'))
      .finally(() => {
        background = null;
      });
  };
  return {
    async embed(texts) {
      const model = await (backend ??= load());
      if (!model) return null;
      const missing = [...new Set(texts.filter((t) => !memo.has(t)))];
      if (missing.length > INLINE_TEXTS) {
        embedInBackground(model, missing);
        return null;
      }
      if (missing.length) (await model.embed(missing)).forEach((v, i) => remember(missing[i], v));
      return texts.map((t, i) => {
        const v = memo.get(t);
        if (!v) throw new Error(`the embedding model returned no vector for text ${i}`);
        remember(t, v);
        return v;
      });
    },
    async dispose() {
      disposed = true; // a background run stops after its current chunk
      await background;
      await (await backend)?.dispose();
    },
  };
}
