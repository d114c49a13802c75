/**
 * The BERT-to-ONNX converter on a small random BERT: the ONNX graph, run by onnxruntime through
 * the transformer backend (batched, so shorter texts are padded), gives the same sentence
 * embeddings as the plain TypeScript reference forward pass over the same weights.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosineSimilarity, createTransformerBackend, type TransformerBackend } from '../../../src/analysis/backends/index.js';
import { bertEncoderGraph } from '../../../src/analysis/backends/onnx/bert-onnx.js';
import { bertSentenceEmbedding, erf, wordPieceIds } from '../../../src/analysis/backends/onnx/bert-reference.js';
import { bertWeights, parseBertConfig, type BertWeights } from '../../../src/analysis/backends/onnx/bert-weights.js';
import { readSafetensors, SafetensorsError, type Float32Tensor } from '../../../src/analysis/backends/onnx/safetensors.js';
import { prng } from '../../../src/domain/prng.js';
import { tinyVocabulary, writeModelFolder } from '../../helpers/tiny-model.js';

const CONFIG = {
  model_type: 'bert',
  vocab_size: tinyVocabulary().length,
  hidden_size: 16,
  num_hidden_layers: 2,
  num_attention_heads: 4,
  intermediate_size: 32,
  max_position_embeddings: 64,
  type_vocab_size: 2,
  layer_norm_eps: 1e-12,
  hidden_act: 'gelu',
};

/** Random tensors with Hugging Face BertModel names and shapes; layer-norm gains near 1. */
function randomCheckpoint(seed: number): Map<string, Float32Tensor> {
  const random = prng(seed);
  const tensors = new Map<string, Float32Tensor>();
  const add = (name: string, shape: number[], around = 0, spread = 0.5) => {
    const data = Float32Array.from({ length: shape.reduce((n, d) => n * d, 1) }, () => around + (random() - 0.5) * 2 * spread);
    tensors.set(name, { shape, data });
  };
  const { hidden_size: H, intermediate_size: I } = CONFIG;
  add('embeddings.word_embeddings.weight', [CONFIG.vocab_size, H]);
  add('embeddings.position_embeddings.weight', [CONFIG.max_position_embeddings, H]);
  add('embeddings.token_type_embeddings.weight', [2, H]);
  const layerNorm = (name: string) => {
    add(`${name}.weight`, [H], 1, 0.2);
    add(`${name}.bias`, [H], 0, 0.1);
  };
  const dense = (name: string, inF: number, outF: number) => {
    add(`${name}.weight`, [outF, inF]);
    add(`${name}.bias`, [outF], 0, 0.1);
  };
  layerNorm('embeddings.LayerNorm');
  for (let i = 0; i < CONFIG.num_hidden_layers; i++) {
    const p = `encoder.layer.${i}`;
    for (const part of ['query', 'key', 'value']) dense(`${p}.attention.self.${part}`, H, H);
    dense(`${p}.attention.output.dense`, H, H);
    layerNorm(`${p}.attention.output.LayerNorm`);
    dense(`${p}.intermediate.dense`, H, I);
    dense(`${p}.output.dense`, I, H);
    layerNorm(`${p}.output.LayerNorm`);
  }
  return tensors;
}

/** Serialises tensors in the safetensors format (the inverse of readSafetensors). */
function toSafetensors(tensors: Map<string, Float32Tensor>): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const [name, t] of tensors) {
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors.values()) {
    out.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), at);
    at += t.data.byteLength;
  }
  return out;
}

const SENTENCES = [
  'the invoice was wrong',
  'support never answered my ticket and the app crashed twice after the update',
  'great',
  'delivery was late but the staff were helpful',
];

let scratch: string;
let weights: BertWeights;
let backend: TransformerBackend;
const vocab = Object.fromEntries(tinyVocabulary().map((token, id) => [token, id]));

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'verbatim-bert-onnx-'));
  const config = parseBertConfig(CONFIG);
  // Through the safetensors bytes, as the installer reads them.
  weights = bertWeights(config, readSafetensors(toSafetensors(randomCheckpoint(7))));
  await writeModelFolder(path.join(scratch, 'random/bert'), CONFIG, bertEncoderGraph(weights), tinyVocabulary());
  backend = await createTransformerBackend({ modelDir: scratch, embeddingModel: 'random/bert' });
});
afterAll(async () => {
  await backend?.dispose();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('BERT encoder converted to ONNX', () => {
  it('embeds a padded batch like the reference forward pass (cosine >= 0.9999)', async () => {
    const onnx = await backend.embed(SENTENCES);
    SENTENCES.forEach((sentence, i) => {
      const reference = bertSentenceEmbedding(weights, wordPieceIds(sentence, vocab));
      expect(cosineSimilarity(onnx[i], reference)).toBeGreaterThanOrEqual(0.9999);
    });
  });

  it('with int8 dense layers, stays close to the reference forward pass (cosine >= 0.98)', async () => {
    const modelId = 'random/bert-int8';
    await writeModelFolder(path.join(scratch, modelId), CONFIG, bertEncoderGraph(weights, { quantised: true }), tinyVocabulary(), {
      full: false,
      quantized: true,
    });
    const int8 = await createTransformerBackend({ modelDir: scratch, embeddingModel: modelId, quantized: true });
    try {
      const onnx = await int8.embed(SENTENCES);
      SENTENCES.forEach((sentence, i) => {
        const reference = bertSentenceEmbedding(weights, wordPieceIds(sentence, vocab));
        expect(cosineSimilarity(onnx[i], reference)).toBeGreaterThanOrEqual(0.98);
      });
    } finally {
      await int8.dispose();
    }
  });

  it('differs from the reference when a weight differs (the check can fail)', async () => {
    const [onnx] = await backend.embed([SENTENCES[1]]);
    const altered = {
      ...weights,
      layers: weights.layers.map((layer) => ({ ...layer, query: { ...layer.query, weight: layer.query.weight.map((v) => -v) } })),
    };
    const reference = bertSentenceEmbedding(altered, wordPieceIds(SENTENCES[1], vocab));
    expect(cosineSimilarity(onnx, reference)).toBeLessThan(0.999);
  });
});

describe('safetensors and BERT weights', () => {
  it('refuses truncated files and missing or misshapen tensors, naming the tensor', () => {
    const bytes = toSafetensors(randomCheckpoint(1));
    expect(() => readSafetensors(bytes.subarray(0, bytes.length - 4))).toThrow(SafetensorsError);
    expect(() => readSafetensors(bytes.subarray(0, 4))).toThrow(/header length/);
    const tensors = randomCheckpoint(1);
    tensors.delete('encoder.layer.1.output.dense.bias');
    expect(() => bertWeights(parseBertConfig(CONFIG), tensors)).toThrow(/encoder\.layer\.1\.output\.dense\.bias/);
    expect(() => bertWeights(parseBertConfig({ ...CONFIG, hidden_size: 8, num_attention_heads: 2 }), randomCheckpoint(1))).toThrow(/shape/);
  });

  it('accepts only GELU BERT configs', () => {
    expect(() => parseBertConfig({ ...CONFIG, model_type: 'roberta' })).toThrow(/model_type/);
    expect(() => parseBertConfig({ ...CONFIG, hidden_act: 'relu' })).toThrow(/hidden_act/);
    expect(() => parseBertConfig({ ...CONFIG, num_attention_heads: 3 })).toThrow(/multiple/);
  });
});

describe('reference helpers', () => {
  it('erf matches known values', () => {
    expect(erf(0)).toBe(0);
    expect(erf(0.5)).toBeCloseTo(0.5204998778, 9);
    expect(erf(-1)).toBeCloseTo(-0.8427007929, 9);
    expect(erf(2.5)).toBeCloseTo(0.999593048, 9);
    expect(erf(4)).toBeCloseTo(0.9999999846, 9);
  });

  it('WordPiece splits words into the longest known pieces', () => {
    const pieces = { '[CLS]': 0, '[SEP]': 1, '[UNK]': 2, un: 3, '##happy': 4, '!': 5, happy: 6 };
    expect(wordPieceIds('Unhappy!', pieces)).toEqual([0, 3, 4, 5, 1]);
    expect(wordPieceIds('happy zzz', pieces)).toEqual([0, 6, 2, 1]);
  });
});
