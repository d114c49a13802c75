/**
 * The weights of a BERT encoder (Hugging Face `BertModel` names) with their
 * expected shapes checked once, shared by the ONNX converter and the plain
 * TypeScript reference forward pass.
 */
import type { Float32Tensor } from './safetensors.js';

/** The fields of a Hugging Face BERT config.json that the encoder needs. */
export interface BertConfig {
  vocab_size: number;
  hidden_size: number;
  num_hidden_layers: number;
  num_attention_heads: number;
  intermediate_size: number;
  max_position_embeddings: number;
  type_vocab_size: number;
  layer_norm_eps: number;
  hidden_act: string;
}

export interface LayerNormWeights {
  weight: Float32Array;
  bias: Float32Array;
}

/** A dense layer as stored by PyTorch: weight is [out, in] row-major. */
export interface DenseWeights {
  weight: Float32Array;
  bias: Float32Array;
  inFeatures: number;
  outFeatures: number;
}

interface BertLayerWeights {
  query: DenseWeights;
  key: DenseWeights;
  value: DenseWeights;
  attentionOutput: DenseWeights;
  attentionLayerNorm: LayerNormWeights;
  intermediate: DenseWeights;
  output: DenseWeights;
  outputLayerNorm: LayerNormWeights;
}

export interface BertWeights {
  config: BertConfig;
  wordEmbeddings: Float32Array;
  positionEmbeddings: Float32Array;
  tokenTypeEmbeddings: Float32Array;
  embeddingLayerNorm: LayerNormWeights;
  layers: BertLayerWeights[];
}

class BertWeightsError extends Error {
  override name = 'BertWeightsError';
}

/** Reads and validates the config fields; rejects anything but a GELU BERT encoder. */
export function parseBertConfig(json: unknown): BertConfig {
  const raw = (json ?? {}) as Record<string, unknown>;
  const int = (name: keyof BertConfig): number => {
    const v = raw[name];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0)
      throw new BertWeightsError(`config.json: ${name} must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  };
  if (raw.model_type !== 'bert')
    throw new BertWeightsError(`config.json: model_type must be "bert", got ${JSON.stringify(raw.model_type)}`);
  const hiddenAct = raw.hidden_act ?? 'gelu';
  if (hiddenAct !== 'gelu')
    throw new BertWeightsError(`config.json: hidden_act ${JSON.stringify(hiddenAct)} is not supported (only "gelu")`);
  const config: BertConfig = {
    vocab_size: int('vocab_size'),
    hidden_size: int('hidden_size'),
    num_hidden_layers: int('num_hidden_layers'),
    num_attention_heads: int('num_attention_heads'),
    intermediate_size: int('intermediate_size'),
    max_position_embeddings: int('max_position_embeddings'),
    type_vocab_size: int('type_vocab_size'),
    layer_norm_eps: typeof raw.layer_norm_eps === 'number' ? raw.layer_norm_eps : 1e-12,
    hidden_act: 'gelu',
  };
  if (config.hidden_size % config.num_attention_heads !== 0) {
    throw new BertWeightsError(
      `config.json: hidden_size ${config.hidden_size} is not a multiple of num_attention_heads ${config.num_attention_heads}`,
    );
  }
  return config;
}

/** Picks the encoder's tensors out of a safetensors map, checking every shape. */
export function bertWeights(config: BertConfig, tensors: Map<string, Float32Tensor>): BertWeights {
  // Checkpoints saved from BertForXxx prefix every name with "bert.".
  const prefix = tensors.has('bert.embeddings.word_embeddings.weight') ? 'bert.' : '';
  const tensor = (name: string, shape: number[]): Float32Array => {
    const t = tensors.get(prefix + name);
    if (!t) throw new BertWeightsError(`model.safetensors has no tensor ${prefix + name}`);
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      throw new BertWeightsError(`tensor ${prefix + name} has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
    return t.data;
  };
  const H = config.hidden_size;
  const I = config.intermediate_size;
  const dense = (name: string, inFeatures: number, outFeatures: number): DenseWeights => ({
    weight: tensor(`${name}.weight`, [outFeatures, inFeatures]),
    bias: tensor(`${name}.bias`, [outFeatures]),
    inFeatures,
    outFeatures,
  });
  const layerNorm = (name: string): LayerNormWeights => ({ weight: tensor(`${name}.weight`, [H]), bias: tensor(`${name}.bias`, [H]) });

  const layers = Array.from({ length: config.num_hidden_layers }, (_, i): BertLayerWeights => {
    const p = `encoder.layer.${i}`;
    return {
      query: dense(`${p}.attention.self.query`, H, H),
      key: dense(`${p}.attention.self.key`, H, H),
      value: dense(`${p}.attention.self.value`, H, H),
      attentionOutput: dense(`${p}.attention.output.dense`, H, H),
      attentionLayerNorm: layerNorm(`${p}.attention.output.LayerNorm`),
      intermediate: dense(`${p}.intermediate.dense`, H, I),
      output: dense(`${p}.output.dense`, I, H),
      outputLayerNorm: layerNorm(`${p}.output.LayerNorm`),
    };
  });
  return {
    config,
    wordEmbeddings: tensor('embeddings.word_embeddings.weight', [config.vocab_size, H]),
    positionEmbeddings: tensor('embeddings.position_embeddings.weight', [config.max_position_embeddings, H]),
    tokenTypeEmbeddings: tensor('embeddings.token_type_embeddings.weight', [config.type_vocab_size, H]),
    embeddingLayerNorm: layerNorm('embeddings.LayerNorm'),
    layers,
  };
}
