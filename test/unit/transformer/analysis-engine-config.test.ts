/**
 * The worker's engine as configured: auto by default (transformer when the model is there, else lexical), the transformer backend from a local
 * model directory with VERBATIM_ANALYSIS_ENGINE=transformer, and a clear refusal when files are missing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTaxonomy } from '../../../src/analysis/index.js';
import { loadConfig } from '../../../src/config.js';
import { analyzerFactoryFromConfig, lexicalAnalyzer } from '../../../src/services/pipeline/analysis-engine.js';
import { CurrentTaxonomy } from '../../../src/services/pipeline/current-taxonomy.js';
import { createTinyModelDir, TINY_EMBEDDING_MODEL, TINY_SENTIMENT_MODEL, type TinyModelDir } from '../../helpers/tiny-model-dir.js';

let models: TinyModelDir;
beforeAll(async () => {
  models = await createTinyModelDir();
});
afterAll(async () => {
  await models?.remove();
});

describe('analysis engine from configuration', () => {
  it('is the lexical engine when configured so', () => {
    expect(analyzerFactoryFromConfig(loadConfig({ VERBATIM_ANALYSIS_ENGINE: 'lexical' }))).toBe(lexicalAnalyzer);
  });

  it('auto (the default) falls back to lexical with a warning naming the folder and the install command', async () => {
    const config = loadConfig({ VERBATIM_MODEL_DIR: models.modelDir, VERBATIM_EMBEDDING_MODEL: 'nobody/missing-model' });
    expect(config.VERBATIM_ANALYSIS_ENGINE).toBe('auto');
    const warnings: string[] = [];
    const factory = analyzerFactoryFromConfig(config, (m) => warnings.push(m));
    const analyzer = await factory({ ...defaultTaxonomy });
    expect((await analyzer.analyze('The invoice was wrong.')).engine).not.toMatch(/transformer/);
    await factory({ ...defaultTaxonomy });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(models.modelDir);
    expect(warnings[0]).toContain('npx verbatim models install');
  });

  it('auto picks the transformer engine when the model files are present', async () => {
    const config = loadConfig({ VERBATIM_MODEL_DIR: models.modelDir, VERBATIM_EMBEDDING_MODEL: TINY_EMBEDDING_MODEL });
    const analyzer = await analyzerFactoryFromConfig(config)({ ...defaultTaxonomy });
    try {
      expect((await analyzer.analyze('The invoice was wrong.')).engine).toMatch(/transformer/);
    } finally {
      await analyzer.dispose();
    }
  });

  it('loads the transformer models from the local model directory', async () => {
    const config = loadConfig({
      VERBATIM_ANALYSIS_ENGINE: 'transformer',
      VERBATIM_MODEL_DIR: models.modelDir,
      VERBATIM_EMBEDDING_MODEL: TINY_EMBEDDING_MODEL,
      VERBATIM_SENTIMENT_MODEL: TINY_SENTIMENT_MODEL,
    });
    const analyzer = await analyzerFactoryFromConfig(config)({ ...defaultTaxonomy });
    try {
      const result = await analyzer.analyze('The invoice was wrong and support never answered.');
      expect(result.engine).toMatch(/transformer/);
      expect(['positive', 'neutral', 'negative']).toContain(result.sentiment.label);
    } finally {
      await analyzer.dispose();
    }
  });

  it('refuses to start when a model file is missing, naming the folder', async () => {
    const config = loadConfig({
      VERBATIM_ANALYSIS_ENGINE: 'transformer',
      VERBATIM_MODEL_DIR: models.modelDir,
      VERBATIM_EMBEDDING_MODEL: 'nobody/missing-model',
    });
    await expect(analyzerFactoryFromConfig(config)({ ...defaultTaxonomy })).rejects.toThrow(/missing-model/);
  });

  it('rebuilds the analyzer only when the taxonomy version moves', async () => {
    let version = 1;
    let builds = 0;
    const current = new CurrentTaxonomy(
      { version: async () => version, current: async () => ({ ...defaultTaxonomy, version }) },
      async (taxonomy) => {
        builds++;
        return lexicalAnalyzer(taxonomy);
      },
    );
    expect((await current.get()).version).toBe(1);
    await current.get();
    expect(builds).toBe(1);
    version = 2;
    expect((await current.get()).version).toBe(2);
    expect(builds).toBe(2);
    await current.close();
  });
});
