import { mkdtemp, rm, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { env } from '@xenova/transformers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTransformerBackend, type TransformerBackend } from '../../../src/analysis/backends/index.js';
import { cosineSimilarity } from '../../../src/analysis/backends/embedding-theme-matcher.js';
import { createTinyModelDir, TINY_EMBEDDING_MODEL, TINY_SENTIMENT_MODEL, type TinyModelDir } from '../../helpers/tiny-model-dir.js';
import { TINY_HIDDEN_SIZE, writeTinyEmbeddingModel } from '../../helpers/tiny-model.js';

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

describe('transformer backend on a tiny local model', () => {
  let models: TinyModelDir;
  let backend: TransformerBackend;

  beforeAll(async () => {
    models = await createTinyModelDir();
    backend = await createTransformerBackend({
      modelDir: models.modelDir,
      embeddingModel: TINY_EMBEDDING_MODEL,
      sentimentModel: TINY_SENTIMENT_MODEL,
    });
  });

  afterAll(async () => {
    await backend?.dispose();
    await models?.remove();
  });

  it('loads from the local directory with remote loading disabled', () => {
    expect(env.allowRemoteModels).toBe(false);
    expect(env.localModelPath.startsWith(path.resolve(models.modelDir))).toBe(true);
    expect(backend.embeddingModel).toBe(TINY_EMBEDDING_MODEL);
    expect(typeof backend.classifySentiment).toBe('function');
  });

  it('returns one normalised vector of the hidden size per text', async () => {
    const vectors = await backend.embed(['the invoice was wrong', 'support answered quickly', 'great app']);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v).toHaveLength(TINY_HIDDEN_SIZE);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
  });

  it('gives the same vector for the same text, alone or in a batch', async () => {
    const [alone] = await backend.embed(['they billed my card twice']);
    const batch = await backend.embed(['a much longer sentence about the courier and the parcel', 'they billed my card twice']);
    const [again] = await backend.embed(['they billed my card twice']);
    expect(Array.from(again)).toEqual(Array.from(alone));
    for (let i = 0; i < alone.length; i++) expect(batch[1][i]).toBeCloseTo(alone[i], 5);
  });

  it('places sentences with related words closer than unrelated ones', async () => {
    const [invoice, billed, courier] = await backend.embed([
      'I was overcharged on my invoice',
      'they billed my card twice',
      'the courier delivered the parcel late',
    ]);
    const related = cosineSimilarity(invoice, billed);
    expect(related).toBeGreaterThan(0.6);
    expect(related).toBeGreaterThan(cosineSimilarity(invoice, courier) + 0.4);
    expect(related).toBeGreaterThan(cosineSimilarity(billed, courier) + 0.4);
  });

  it('splits long lists into batches without changing the results', async () => {
    const small = await createTransformerBackend({ modelDir: models.modelDir, embeddingModel: TINY_EMBEDDING_MODEL, batchSize: 2 });
    try {
      const texts = ['slow app', 'great support', 'late parcel', 'invoice error', 'easy setup'];
      const batched = await small.embed(texts);
      const whole = await backend.embed(texts);
      expect(batched).toHaveLength(5);
      batched.forEach((v, i) => v.forEach((x, j) => expect(x).toBeCloseTo(whole[i][j], 5)));
    } finally {
      await small.dispose();
    }
  });

  it('handles empty lists and awkward text without failing', async () => {
    expect(await backend.embed([])).toEqual([]);
    const awkward = ['', '   ', '😀😀', 'broken \uD800 surrogate', '<b>html</b>\u0000\u0007', 'invoice '.repeat(20_000)];
    const vectors = await backend.embed(awkward);
    expect(vectors).toHaveLength(awkward.length);
    for (const v of vectors) expect(v.every(Number.isFinite)).toBe(true);
  });

  it('classifies sentiment with the configured model', async () => {
    const results = await backend.classifySentiment!([
      'great support, I love it',
      'terrible awful service',
      'the package arrived on tuesday',
    ]);
    expect(results.map((r) => r.label)).toEqual(['positive', 'negative', 'neutral']);
    expect(results[0].score).toBeGreaterThan(0.5);
    expect(results[1].score).toBeLessThan(-0.5);
    for (const r of results) {
      expect(r.score).toBeGreaterThanOrEqual(-1);
      expect(r.score).toBeLessThanOrEqual(1);
      expect(r.confidence).toBeGreaterThan(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
    }
  });

  it('has no sentiment classifier when no sentiment model is configured', async () => {
    const embeddingsOnly = await createTransformerBackend({ modelDir: models.modelDir, embeddingModel: TINY_EMBEDDING_MODEL });
    expect(embeddingsOnly.classifySentiment).toBeUndefined();
    await embeddingsOnly.dispose();
    await expect(embeddingsOnly.embed(['x'])).rejects.toThrow(/disposed/);
  });
});

describe('transformer backend configuration', () => {
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'verbatim-models-cfg-'));
  });

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('names the directory and the expected files when the model directory is missing', async () => {
    const missing = path.join(scratch, 'no-such-dir');
    const attempt = createTransformerBackend({ modelDir: missing, embeddingModel: 'Xenova/all-MiniLM-L6-v2' });
    await expect(attempt).rejects.toThrow(missing);
    await expect(attempt).rejects.toThrow(
      /config\.json, tokenizer\.json, tokenizer_config\.json and onnx\/model\.onnx or onnx\/model_quantized\.onnx/,
    );
  });

  it('names the model folder when the model is not in the directory', async () => {
    const attempt = createTransformerBackend({ modelDir: scratch, embeddingModel: 'Xenova/all-MiniLM-L6-v2' });
    await expect(attempt).rejects.toThrow(path.join(scratch, 'Xenova/all-MiniLM-L6-v2'));
  });

  it('lists the files missing from an incomplete model folder', async () => {
    const folder = await writeTinyEmbeddingModel(scratch, 'incomplete/model');
    await unlink(path.join(folder, 'tokenizer.json'));
    await unlink(path.join(folder, 'onnx', 'model.onnx'));
    const attempt = createTransformerBackend({ modelDir: scratch, embeddingModel: 'incomplete/model' });
    await expect(attempt).rejects.toThrow(/missing tokenizer\.json, onnx\/model\.onnx or onnx\/model_quantized\.onnx/);
  });

  it('uses model_quantized.onnx when it is the only model file, and insists on it when asked', async () => {
    await writeTinyEmbeddingModel(scratch, 'quantized/only', { full: false, quantized: true });
    const backend = await createTransformerBackend({ modelDir: scratch, embeddingModel: 'quantized/only' });
    expect((await backend.embed(['fast delivery']))[0]).toHaveLength(TINY_HIDDEN_SIZE);
    await backend.dispose();

    await writeTinyEmbeddingModel(scratch, 'full/only');
    await expect(createTransformerBackend({ modelDir: scratch, embeddingModel: 'full/only', quantized: true })).rejects.toThrow(
      /missing onnx\/model_quantized\.onnx/,
    );
  });

  it('rejects model ids that leave the model directory', async () => {
    await expect(createTransformerBackend({ modelDir: scratch, embeddingModel: '../etc' })).rejects.toThrow(/Invalid model id/);
    await expect(createTransformerBackend({ modelDir: scratch, embeddingModel: '/abs/model' })).rejects.toThrow(/Invalid model id/);
  });

  it('enables remote loading only when explicitly opted in', async () => {
    // The model is local, so nothing is fetched; only the library switch is observed.
    await writeTinyEmbeddingModel(scratch, 'remote/opt-in');
    const remote = await createTransformerBackend({
      modelDir: scratch,
      embeddingModel: 'remote/opt-in',
      allowRemote: true,
      quantized: false,
      cacheDir: path.join(scratch, 'cache'),
    });
    expect(env.allowRemoteModels).toBe(true);
    expect(env.cacheDir).toBe(path.join(scratch, 'cache'));
    await remote.dispose();

    const local = await createTransformerBackend({ modelDir: scratch, embeddingModel: 'remote/opt-in' });
    expect(env.allowRemoteModels).toBe(false);
    expect(env.useFSCache).toBe(false);
    await local.dispose();
  });

  it('reports a sentiment model it cannot find', async () => {
    await writeTinyEmbeddingModel(scratch, 'embed/ok');
    await expect(
      createTransformerBackend({ modelDir: scratch, embeddingModel: 'embed/ok', sentimentModel: 'missing/sentiment' }),
    ).rejects.toThrow(/Model "missing\/sentiment" not found/);
  });
});
