/**
 * Converts BERT encoder weights into an ONNX graph (opset 13, standard ops only)
 * with the inputs and output @xenova/transformers expects of a feature-extraction
 * model: input_ids, attention_mask, token_type_ids [batch, sequence] int64 in,
 * last_hidden_state [batch, sequence, hidden] out. The pipeline does the mean
 * pooling and L2 normalisation itself.
 *
 * The graph is the Hugging Face BertModel forward pass:
 *   embeddings = LayerNorm(word[ids] + position[0..S) + token_type[types])
 *   each layer: h = LayerNorm(h + Dense(SelfAttention(h)))
 *               h = LayerNorm(h + Dense(GELU(Dense(h))))
 * LayerNorm and GELU are spelled out in primitive ops (ReduceMean, Erf, ...);
 * onnxruntime fuses them back when it optimises the graph.
 */
import type { BertWeights, DenseWeights, LayerNormWeights } from './bert-weights.js';
import { OnnxDataType, type OnnxAttribute, type OnnxGraph, type OnnxNode, type OnnxTensor } from './onnx-writer.js';

/** What a padded position adds to the attention scores (softmax makes it ~0). */
const MASKED_SCORE = -10000;

class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  private counter = 0;

  op(opType: string, inputs: string[], attributes?: OnnxAttribute[], output?: string): string {
    const name = output ?? `${opType.toLowerCase()}_${this.counter++}`;
    this.nodes.push({ opType, inputs, outputs: [name], name: `${opType}_${this.nodes.length}`, attributes });
    return name;
  }

  float(name: string, dims: number[], data: Float32Array): string {
    this.initializers.push({ name, dataType: OnnxDataType.FLOAT, dims, data });
    return name;
  }

  int64(name: string, dims: number[], values: number[]): string {
    this.initializers.push({ name, dataType: OnnxDataType.INT64, dims, data: BigInt64Array.from(values.map(BigInt)) });
    return name;
  }

  scalar(name: string, value: number): string {
    return this.float(name, [], Float32Array.of(value));
  }
}

/** PyTorch stores dense weights as [out, in]; MatMul wants [in, out]. */
function transposed({ weight, inFeatures, outFeatures }: DenseWeights): Float32Array {
  const out = new Float32Array(weight.length);
  for (let o = 0; o < outFeatures; o++) {
    for (let i = 0; i < inFeatures; i++) out[i * outFeatures + o] = weight[o * inFeatures + i];
  }
  return out;
}

/**
 * Largest weight magnitude after int8 quantisation: 7 bits, not 8, because onnxruntime's AVX2 kernel
 * adds pairs of uint8 × int8 products in int16, which saturates with full-range weights.
 */
const INT8_WEIGHT_MAX = 63;

/** Per output column: int8 weights [in, out] and the scale that turns them back into floats. */
function quantisedColumns(w: DenseWeights, weight: Float32Array): { values: Int8Array; scales: Float32Array } {
  const scales = new Float32Array(w.outFeatures);
  for (let i = 0; i < w.inFeatures; i++) {
    for (let o = 0; o < w.outFeatures; o++) scales[o] = Math.max(scales[o], Math.abs(weight[i * w.outFeatures + o]));
  }
  for (let o = 0; o < w.outFeatures; o++) scales[o] = scales[o] > 0 ? scales[o] / INT8_WEIGHT_MAX : 1;
  const values = new Int8Array(weight.length);
  for (let i = 0; i < weight.length; i++) values[i] = Math.round(weight[i] / scales[i % w.outFeatures]);
  return { values, scales };
}

/**
 * x · W + b. Quantised, it is the graph onnxruntime's own dynamic quantisation writes (and fuses
 * into one kernel): the activations are quantised to uint8 per call, the weights are int8.
 */
function dense(g: GraphBuilder, x: string, w: DenseWeights, name: string, quantised: boolean): string {
  const weight = transposed(w);
  const bias = g.float(`${name}.bias`, [w.outFeatures], w.bias);
  if (!quantised) return g.op('Add', [g.op('MatMul', [x, g.float(`${name}.weight`, [w.inFeatures, w.outFeatures], weight)]), bias]);

  const { values, scales } = quantisedColumns(w, weight);
  g.initializers.push({ name: `${name}.weight_int8`, dataType: OnnxDataType.INT8, dims: [w.inFeatures, w.outFeatures], data: values });
  const weightScale = g.float(`${name}.weight_scale`, [w.outFeatures], scales);
  const xQuantised = `${name}.x_uint8`;
  const xScale = `${name}.x_scale`;
  const xZeroPoint = `${name}.x_zero_point`;
  g.nodes.push({
    opType: 'DynamicQuantizeLinear',
    inputs: [x],
    outputs: [xQuantised, xScale, xZeroPoint],
    name: `DynamicQuantizeLinear_${g.nodes.length}`,
  });
  const product = g.op('MatMulInteger', [xQuantised, `${name}.weight_int8`, xZeroPoint]);
  const scale = g.op('Mul', [xScale, weightScale]);
  return g.op('Add', [g.op('Mul', [g.op('Cast', [product], [{ name: 'to', int: OnnxDataType.FLOAT }]), scale]), bias]);
}

function layerNorm(g: GraphBuilder, x: string, w: LayerNormWeights, name: string, eps: string): string {
  const lastAxis: OnnxAttribute[] = [
    { name: 'axes', ints: [-1] },
    { name: 'keepdims', int: 1 },
  ];
  const centred = g.op('Sub', [x, g.op('ReduceMean', [x], lastAxis)]);
  const variance = g.op('ReduceMean', [g.op('Mul', [centred, centred])], lastAxis);
  const normalised = g.op('Div', [centred, g.op('Sqrt', [g.op('Add', [variance, eps])])]);
  const gamma = g.float(`${name}.weight`, [w.weight.length], w.weight);
  const beta = g.float(`${name}.bias`, [w.bias.length], w.bias);
  return g.op('Add', [g.op('Mul', [normalised, gamma]), beta]);
}

/** Exact GELU, as BERT's "gelu": 0.5 · x · (1 + erf(x / √2)). */
function gelu(g: GraphBuilder, x: string): string {
  const erf = g.op('Erf', [g.op('Div', [x, 'const.sqrt2'])]);
  return g.op('Mul', [g.op('Mul', [x, 'const.half']), g.op('Add', [erf, 'const.one'])]);
}

/** Builds the encoder graph; tensors are referenced, not copied, except the transposed dense weights. */
export interface BertGraphOptions {
  name?: string;
  /** int8 weights and dynamically quantised activations in every dense layer (about 4× smaller, faster on CPU). */
  quantised?: boolean;
}

export function bertEncoderGraph(weights: BertWeights, { name = 'bert-encoder', quantised = false }: BertGraphOptions = {}): OnnxGraph {
  const { config } = weights;
  const H = config.hidden_size;
  const heads = config.num_attention_heads;
  const headSize = H / heads;
  const g = new GraphBuilder();

  g.scalar('const.one', 1);
  g.scalar('const.half', 0.5);
  g.scalar('const.sqrt2', Math.SQRT2);
  g.scalar('const.masked_score', MASKED_SCORE);
  g.scalar('const.attention_scale', 1 / Math.sqrt(headSize));
  const eps = g.scalar('const.layer_norm_eps', config.layer_norm_eps);
  g.int64('const.int_zero', [], [0]);
  g.int64('const.int_one', [], [1]);
  g.int64('const.heads_shape', [4], [0, 0, heads, headSize]);
  g.int64('const.hidden_shape', [3], [0, 0, H]);
  g.int64('const.mask_axes', [2], [1, 2]);

  // Embeddings.
  const gather0: OnnxAttribute[] = [{ name: 'axis', int: 0 }];
  const words = g.op(
    'Gather',
    [g.float('embeddings.word_embeddings', [config.vocab_size, H], weights.wordEmbeddings), 'input_ids'],
    gather0,
  );
  const sequenceLength = g.op('Gather', [g.op('Shape', ['input_ids']), 'const.int_one'], gather0);
  const positionIds = g.op('Range', ['const.int_zero', sequenceLength, 'const.int_one']);
  const positions = g.op(
    'Gather',
    [g.float('embeddings.position_embeddings', [config.max_position_embeddings, H], weights.positionEmbeddings), positionIds],
    gather0,
  );
  const types = g.op(
    'Gather',
    [g.float('embeddings.token_type_embeddings', [config.type_vocab_size, H], weights.tokenTypeEmbeddings), 'token_type_ids'],
    gather0,
  );
  let hidden = layerNorm(g, g.op('Add', [g.op('Add', [words, positions]), types]), weights.embeddingLayerNorm, 'embeddings.LayerNorm', eps);

  // Attention bias [batch, 1, 1, sequence]: 0 where attended, MASKED_SCORE at padding.
  const mask = g.op('Unsqueeze', [g.op('Cast', ['attention_mask'], [{ name: 'to', int: OnnxDataType.FLOAT }]), 'const.mask_axes']);
  const attentionBias = g.op('Mul', [g.op('Sub', ['const.one', mask]), 'const.masked_score']);

  const splitHeads = (x: string, perm: number[]) =>
    g.op('Transpose', [g.op('Reshape', [x, 'const.heads_shape'])], [{ name: 'perm', ints: perm }]);
  weights.layers.forEach((layer, i) => {
    const p = `encoder.layer.${i}`;
    const query = splitHeads(dense(g, hidden, layer.query, `${p}.query`, quantised), [0, 2, 1, 3]); // [B, heads, S, d]
    const key = splitHeads(dense(g, hidden, layer.key, `${p}.key`, quantised), [0, 2, 3, 1]); // [B, heads, d, S]
    const value = splitHeads(dense(g, hidden, layer.value, `${p}.value`, quantised), [0, 2, 1, 3]);
    const scores = g.op('Add', [g.op('Mul', [g.op('MatMul', [query, key]), 'const.attention_scale']), attentionBias]);
    const probabilities = g.op('Softmax', [scores], [{ name: 'axis', int: -1 }]);
    const context = g.op('Reshape', [
      g.op('Transpose', [g.op('MatMul', [probabilities, value])], [{ name: 'perm', ints: [0, 2, 1, 3] }]),
      'const.hidden_shape',
    ]);
    const attended = layerNorm(
      g,
      g.op('Add', [dense(g, context, layer.attentionOutput, `${p}.attention.output`, quantised), hidden]),
      layer.attentionLayerNorm,
      `${p}.attention.LayerNorm`,
      eps,
    );
    const intermediate = gelu(g, dense(g, attended, layer.intermediate, `${p}.intermediate`, quantised));
    hidden = layerNorm(
      g,
      g.op('Add', [dense(g, intermediate, layer.output, `${p}.output`, quantised), attended]),
      layer.outputLayerNorm,
      `${p}.output.LayerNorm`,
      eps,
    );
  });
  g.op('Identity', [hidden], undefined, 'last_hidden_state');

  const int64Input = (inputName: string) => ({ name: inputName, dataType: OnnxDataType.INT64, shape: ['batch', 'sequence'] });
  return {
    name,
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [int64Input('input_ids'), int64Input('attention_mask'), int64Input('token_type_ids')],
    outputs: [{ name: 'last_hidden_state', dataType: OnnxDataType.FLOAT, shape: ['batch', 'sequence', H] }],
  };
}
