/**
 * The transformer engine's sentiment head: the shipped file loads with the shapes the engine needs;
 * a missing or corrupt file is refused with an error naming it (and `auto` falls back to lexical);
 * a head trained on another embedding model is not used; its probabilities reach the lexical
 * engine's sentiment as a prior the rules still weigh.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSentimentHead, sentimentHeadFromData, type SentimentHeadData } from '../../../src/analysis/backends/index.js';
import { headForModel } from '../../../src/analysis/backends/analyze-with-transformer.js';
import { analyze, compileTaxonomy, defaultTaxonomy } from '../../../src/analysis/index.js';
import { loadConfig } from '../../../src/config.js';
import { analyzerFactoryFromConfig } from '../../../src/services/pipeline/analysis-engine.js';
import { createTinyModelDir, TINY_EMBEDDING_MODEL, type TinyModelDir } from '../../helpers/tiny-model-dir.js';

let scratch: string;
let models: TinyModelDir;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'verbatim-head-'));
  models = await createTinyModelDir();
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
  await models?.remove();
});

const tinyHead = (over: Partial<SentimentHeadData> = {}): SentimentHeadData => ({
  version: 1,
  embeddingModel: 'sentence-transformers/all-MiniLM-L6-v2',
  dim: 2,
  weights: [-1, 0, 0, 0, 1, 0],
  bias: [0, 0, 0],
  lexicalWeight: 1,
  trainedOn: ['a'],
  ...over,
});

describe('the shipped sentiment head', () => {
  it('is a 3-class head over all-MiniLM-L6-v2 embeddings, trained on the corpora', async () => {
    const head = await loadSentimentHead();
    expect(head.embeddingModel).toMatch(/all-MiniLM-L6-v2$/);
    expect(head.dim).toBe(384);
    expect(head.trainedOn).toEqual(expect.arrayContaining(['tweeteval', 'uci', 'amazon5', 'clothing', 'alexa', 'laptops']));
    const p = head.probabilities(new Float32Array(384).fill(1 / Math.sqrt(384)));
    expect(p).toHaveLength(3);
    expect(p[0] + p[1] + p[2]).toBeCloseTo(1, 9);
    expect(() => head.probabilities(new Float32Array(8))).toThrow(/384-dimensional/);
  });
});

describe('a missing or corrupt head file', () => {
  it('is an error naming the path and the command that rebuilds it', async () => {
    const missing = path.join(scratch, 'nope.json');
    await expect(loadSentimentHead(missing)).rejects.toThrow(missing);
    await expect(loadSentimentHead(missing)).rejects.toThrow(/npm run train:head/);

    const broken = path.join(scratch, 'broken.json');
    await writeFile(broken, '{"version": 1, "weights": [');
    await expect(loadSentimentHead(broken)).rejects.toThrow(`Sentiment head "${broken}" is corrupt: invalid JSON`);

    const wrongShape = path.join(scratch, 'shape.json');
    await writeFile(wrongShape, JSON.stringify(tinyHead({ weights: [1, 2, 3] })));
    await expect(loadSentimentHead(wrongShape)).rejects.toThrow(`Sentiment head "${wrongShape}" is corrupt: weights must be 3 × 2 numbers`);
  });

  it('makes `auto` fall back to the lexical engine with a warning naming it', async () => {
    const broken = path.join(scratch, 'auto.json');
    await writeFile(broken, 'not json');
    const config = loadConfig({
      VERBATIM_MODEL_DIR: models.modelDir,
      VERBATIM_EMBEDDING_MODEL: TINY_EMBEDDING_MODEL,
      VERBATIM_SENTIMENT_HEAD: broken,
    });
    const warnings: string[] = [];
    const analyzer = await analyzerFactoryFromConfig(config, (m) => warnings.push(m))({ ...defaultTaxonomy });
    expect((await analyzer.analyze('The invoice was wrong.')).engine).not.toMatch(/transformer/);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(broken);
  });

  it('stops the transformer engine when it is asked for explicitly', async () => {
    const missing = path.join(scratch, 'missing-for-transformer.json');
    const config = loadConfig({
      VERBATIM_ANALYSIS_ENGINE: 'transformer',
      VERBATIM_MODEL_DIR: models.modelDir,
      VERBATIM_EMBEDDING_MODEL: TINY_EMBEDDING_MODEL,
      VERBATIM_SENTIMENT_HEAD: missing,
    });
    await expect(analyzerFactoryFromConfig(config)({ ...defaultTaxonomy })).rejects.toThrow(missing);
  });
});

describe('using the head', () => {
  it('computes softmax(W·x + b) and is used only with the embedding model it was trained on', () => {
    const head = sentimentHeadFromData(tinyHead(), 'test head');
    // Weights are class-major: z = (−3, 0, 3) for x = (3, 0).
    const p = Array.from(head.probabilities([3, 0]));
    const sum = Math.exp(-3) + 1 + Math.exp(3);
    [Math.exp(-3) / sum, 1 / sum, Math.exp(3) / sum].forEach((expected, c) => expect(p[c]).toBeCloseTo(expected, 9));
    expect(headForModel(head, 'Xenova/all-MiniLM-L6-v2')).toBe(head);
    expect(headForModel(head, TINY_EMBEDDING_MODEL)).toBeUndefined();
  });

  it('enters the lexical sentiment as a prior that the rules still weigh', () => {
    const compiled = compileTaxonomy(defaultTaxonomy);
    const text = 'The parcel came on Tuesday.';
    const positive = { probabilities: [0.01, 0.01, 0.98], lexicalWeight: 0 };
    expect(analyze(text, compiled, { textPrior: positive }).sentiment.label).toBe('positive');
    // Churn intent still makes a text negative, whatever the prior says.
    expect(analyze('I am cancelling my subscription.', compiled, { textPrior: positive }).sentiment.label).toBe('negative');
  });

  it("enters a clause's prior into that clause's sentiment and its themes' sentiment, not the text's", () => {
    const compiled = compileTaxonomy(defaultTaxonomy);
    const text = 'The invoice arrived on Tuesday, and the staff answered my call.';
    const plain = analyze(text, compiled);
    expect(plain.clauses).toHaveLength(2);
    const negative = [0.98, 0.01, 0.01];
    const withPrior = analyze(text, compiled, { clausePriors: { probabilities: [negative, null], lexicalWeight: 0 } });
    expect(withPrior.clauses[0].sentiment.label).toBe('negative');
    expect(withPrior.clauses[1].sentiment).toEqual(plain.clauses[1].sentiment);
    expect(withPrior.sentiment).toEqual(plain.sentiment);
    const billing = withPrior.themes.find((t) => t.key === 'billing');
    expect(billing?.sentiment.label).toBe('negative');
  });
});
