import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cosineSimilarity,
  createEmbeddingThemeMatcher,
  createTransformerBackend,
  themeExemplars,
  type TransformerBackend,
} from '../../../src/analysis/backends/index.js';
import { TEST_TAXONOMY } from './fixtures.js';
import { createTinyModelDir, TINY_EMBEDDING_MODEL, type TinyModelDir } from '../../helpers/tiny-model-dir.js';

/** Counts embed calls on a real backend, to observe the theme-vector cache. */
function countingBackend(inner: TransformerBackend): TransformerBackend & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    embeddingModel: inner.embeddingModel,
    embed: (texts) => {
      calls.push(texts);
      return inner.embed(texts);
    },
    dispose: () => inner.dispose(),
  };
}

describe('embedding theme matcher', () => {
  let models: TinyModelDir;
  let backend: TransformerBackend;

  beforeAll(async () => {
    models = await createTinyModelDir();
    backend = await createTransformerBackend({ modelDir: models.modelDir, embeddingModel: TINY_EMBEDDING_MODEL });
  });

  afterAll(async () => {
    await backend?.dispose();
    await models?.remove();
  });

  it('represents a theme by its description and examples, and also by label and keywords when it has no examples', () => {
    expect(themeExemplars(TEST_TAXONOMY.themes[0])).toEqual([
      'Invoices and payments',
      'I was charged twice for one order',
      'the receipt showed the wrong payment',
    ]);
    expect(themeExemplars(TEST_TAXONOMY.themes[3])).toEqual([
      'Ease of use',
      'Ease of use: intuitive, easy to use',
      // No description: each keyword stands in the context of the label.
      'intuitive: Ease of use',
      'easy to use: Ease of use',
    ]);
    const zeroShot = { key: 'fees', label: 'Fees', description: 'Charges on the statement', keywords: ['fee', 'charge'], examples: [] };
    expect(themeExemplars(zeroShot)).toEqual([
      'Charges on the statement',
      'Fees',
      'Fees: fee, charge',
      'fee: Charges on the statement',
      'charge: Charges on the statement',
    ]);
  });

  it("scores each theme by its best exemplar's cosine, exactly as cosineSimilarity does", async () => {
    const matcher = createEmbeddingThemeMatcher(TEST_TAXONOMY, backend);
    const texts = ['they overcharged my card', 'the parcel came late', ''];
    const vectors = await backend.embed(texts);
    const exemplars = await Promise.all(TEST_TAXONOMY.themes.map((t) => backend.embed(themeExemplars(t))));
    const expected = vectors.map((v) => exemplars.map((rows) => Math.max(...rows.map((e) => cosineSimilarity(v, e)))));
    expect(await matcher.similaritiesOf(vectors)).toEqual(expected);
  });

  it('finds a theme whose keywords are absent but whose examples share the meaning', async () => {
    const matcher = createEmbeddingThemeMatcher(TEST_TAXONOMY, backend, { threshold: 0.5 });
    const text = 'they overcharged my card';
    expect(text).not.toMatch(/invoice|billing/);
    const matches = await matcher.matchThemes(text);
    expect(matches.map((m) => m.key)).toEqual(['billing']);
    expect(matches[0].similarity).toBeGreaterThan(0.5);
  });

  it('ranks several matched themes by similarity and leaves unrelated text unmatched', async () => {
    const matcher = createEmbeddingThemeMatcher(TEST_TAXONOMY, backend, { threshold: 0.4 });
    const both = await matcher.matchThemes('the parcel was late and the receipt was wrong');
    expect(new Set(both.map((m) => m.key))).toEqual(new Set(['billing', 'delivery']));
    expect(both[0].similarity).toBeGreaterThanOrEqual(both[1].similarity);

    expect(await matcher.matchThemes('my dog likes the garden in the morning')).toEqual([]);
  });

  it('gives every text a similarity to every theme, in taxonomy order', async () => {
    const matcher = createEmbeddingThemeMatcher(TEST_TAXONOMY, backend);
    const rows = await matcher.similarities(['sluggish loading', 'courier shipped it']);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toHaveLength(TEST_TAXONOMY.themes.length);
    const best = (row: number[]) => matcher.themes[row.indexOf(Math.max(...row))].key;
    expect(best(rows[0])).toBe('performance');
    expect(best(rows[1])).toBe('delivery');
  });

  it('embeds the theme exemplars once and reuses them', async () => {
    const counting = countingBackend(backend);
    const matcher = createEmbeddingThemeMatcher(TEST_TAXONOMY, counting);
    await matcher.warmUp();
    await matcher.matchThemes('late parcel');
    await Promise.all([matcher.matchThemes('slow app'), matcher.matchThemes('wrong invoice')]);
    const exemplarCount = TEST_TAXONOMY.themes.flatMap(themeExemplars).length;
    const exemplarCalls = counting.calls.filter((c) => c.length === exemplarCount);
    expect(exemplarCalls).toHaveLength(1);
    expect(counting.calls).toHaveLength(4);
  });

  it('retries the theme embeddings after a failure instead of caching the error', async () => {
    let failNext = true;
    const flaky: TransformerBackend = {
      embeddingModel: backend.embeddingModel,
      embed: (texts) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('inference failed'));
        }
        return backend.embed(texts);
      },
      dispose: () => backend.dispose(),
    };
    const matcher = createEmbeddingThemeMatcher(TEST_TAXONOMY, flaky, { threshold: 0.5 });
    await expect(matcher.warmUp()).rejects.toThrow('inference failed');
    expect((await matcher.matchThemes('they overcharged my card')).map((m) => m.key)).toEqual(['billing']);
  });
});
