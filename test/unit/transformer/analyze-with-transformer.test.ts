import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  analyzeWithTransformer,
  createEmbeddingThemeMatcher,
  createTransformerAnalyzer,
  TRANSFORMER_ENGINE,
  type LexicalEngine,
  type TransformerAnalyzer,
  type TransformerBackendOptions,
} from '../../../src/analysis/backends/index.js';
import type { Taxonomy, ThemeMatch } from '../../../src/analysis/types.js';
import { createTinyModelDir, TINY_EMBEDDING_MODEL, TINY_SENTIMENT_MODEL, type TinyModelDir } from '../../helpers/tiny-model-dir.js';
import { clausesOf, lexicalResult, sentiment, TEST_TAXONOMY } from './fixtures.js';

/**
 * A minimal keyword engine with the lexical engine's API, so the wiring is
 * tested on its own: clauses split on "but", themes by exact keyword.
 */
function keywordEngine(): LexicalEngine<Taxonomy> & { compiled: number } {
  const engine = {
    compiled: 0,
    compileTaxonomy(taxonomy: Taxonomy) {
      engine.compiled++;
      return taxonomy;
    },
    analyze(text: string, taxonomy: Taxonomy) {
      const parts = text.split(/\s+but\s+/i).filter(Boolean);
      const clauses = clausesOf(
        text,
        parts.map((p) => [p, sentiment('neutral', 0, 0.5)]),
      );
      const themes: ThemeMatch[] = [];
      for (const theme of taxonomy.themes) {
        for (const keyword of theme.keywords) {
          const start = text.toLowerCase().indexOf(keyword);
          if (start >= 0) {
            const evidence = [{ start, end: start + keyword.length, text: text.slice(start, start + keyword.length) }];
            themes.push({ key: theme.key, label: theme.label, confidence: 0.8, sentiment: sentiment('neutral', 0, 0.5), evidence });
            break;
          }
        }
      }
      return lexicalResult(text, { clauses, themes });
    },
  };
  return engine;
}

describe('analyzeWithTransformer', () => {
  let models: TinyModelDir;
  let backendOptions: TransformerBackendOptions;
  let analyzer: TransformerAnalyzer;
  let engine: ReturnType<typeof keywordEngine>;

  beforeAll(async () => {
    models = await createTinyModelDir();
    backendOptions = { modelDir: models.modelDir, embeddingModel: TINY_EMBEDDING_MODEL, sentimentModel: TINY_SENTIMENT_MODEL };
    engine = keywordEngine();
    analyzer = await createTransformerAnalyzer(engine, TEST_TAXONOMY, backendOptions, { threshold: 0.5 });
  });

  afterAll(async () => {
    await analyzer?.dispose();
    await models?.remove();
  });

  it('keeps keyword themes and adds themes found by meaning', async () => {
    const text = 'the delivery came on monday but they overcharged my card';
    const result = await analyzer.analyze(text);
    expect(result.engine).toBe(TRANSFORMER_ENGINE);
    expect(result.themes.map((t) => t.key)).toEqual(['delivery', 'billing']);
    expect(result.themes[0].evidence).toEqual([{ start: 4, end: 12, text: 'delivery' }]);
    expect(result.themes[1].evidence[0].text).toBe('they overcharged my card');
    expect(engine.compiled).toBe(1);
  });

  it('takes sentiment from the sentiment model', async () => {
    const happy = await analyzer.analyze('I love it, great and excellent');
    const angry = await analyzer.analyze('terrible, awful, I hate it');
    expect(happy.sentiment.label).toBe('positive');
    expect(angry.sentiment.label).toBe('negative');
  });

  it('analyses a batch as it analyses each text, results in order', async () => {
    const texts = [
      'the delivery came on monday but they overcharged my card',
      'sluggish and laggy all week',
      'I love it, great and excellent',
      'sluggish and laggy all week',
    ];
    const batch = await analyzer.analyzeBatch(texts);
    const single = [];
    for (const text of texts) single.push(await analyzer.analyze(text));
    expect(batch).toEqual(single);
  });

  it('works as a plain function over a compiled taxonomy and a matcher', async () => {
    const matcher = createEmbeddingThemeMatcher(TEST_TAXONOMY, analyzer.backend, { threshold: 0.5 });
    const compiled = engine.compileTaxonomy(TEST_TAXONOMY);
    const result = await analyzeWithTransformer('sluggish and laggy all week', compiled, matcher, {
      analyze: engine.analyze,
      useSentimentModel: false,
    });
    expect(result.themes.map((t) => t.key)).toEqual(['performance']);
    expect(result.sentiment).toEqual(sentiment('neutral', 0, 0.5));
  });

  it('fails to start, naming the missing model, when the directory is incomplete', async () => {
    await expect(
      createTransformerAnalyzer(keywordEngine(), TEST_TAXONOMY, { ...backendOptions, embeddingModel: 'not/there' }),
    ).rejects.toThrow(/Model "not\/there" not found/);
  });
});
