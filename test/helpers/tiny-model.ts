/**
 * Builds tiny BERT-shaped models on disk, in the layout @xenova/transformers
 * loads from a local model directory:
 *
 *   <modelDir>/<modelId>/config.json
 *   <modelDir>/<modelId>/tokenizer.json
 *   <modelDir>/<modelId>/tokenizer_config.json
 *   <modelDir>/<modelId>/onnx/model.onnx (and/or model_quantized.onnx)
 *
 * The "encoder" is an embedding lookup: each token's vector is deterministic
 * (seeded by the token itself). Words of the same concept (e.g. invoice /
 * billing / charged) share a direction, so mean-pooled sentence vectors of
 * related sentences are close and those of unrelated ones are not.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodeOnnxModel, OnnxDataType, type OnnxGraph, type OnnxNode } from '../../src/analysis/backends/onnx/onnx-writer.js';

export const TINY_HIDDEN_SIZE = 24;

/** Concept axes of the embedding space; the remaining axes carry per-word noise. */
const CONCEPT_AXIS = {
  billing: 0,
  price: 1,
  support: 2,
  speed: 3,
  delivery: 4,
  reliability: 5,
  ease: 6,
  onboarding: 7,
  positive: 8,
  negative: 9,
} as const;
type Concept = keyof typeof CONCEPT_AXIS;
const FIRST_NOISE_AXIS = 10;

/** Words that carry meaning, with their concept weights. */
const CONCEPT_WORDS: Record<string, Partial<Record<Concept, number>>> = {};
function addWords(words: string, concepts: Partial<Record<Concept, number>>): void {
  for (const word of words.split(/\s+/).filter(Boolean)) CONCEPT_WORDS[word] = concepts;
}
addWords('invoice invoices billing billed bill bills charge charged charges payment payments card receipt', { billing: 1 });
addWords('overcharged double', { billing: 1, negative: 0.4 });
addWords('refund refunded', { billing: 0.8 });
addWords('price prices pricing cost costs money value affordable fee fees subscription', { price: 1 });
addWords('expensive pricey overpriced', { price: 1, negative: 0.4 });
addWords('cheap', { price: 1, positive: 0.3 });
addWords('support agent agents helpdesk ticket tickets representative rep answered reply replied staff', { support: 1 });
addWords('helpful', { support: 0.7, positive: 0.6 });
addWords('rude', { support: 0.6, negative: 0.8 });
addWords('slow slowly sluggish laggy lag', { speed: 1, negative: 0.4 });
addWords('fast quick quickly speed performance loading loads load', { speed: 1 });
addWords('delivery delivered deliver shipping shipped package packages parcel courier arrived arrival', { delivery: 1 });
addWords('late', { delivery: 0.6, negative: 0.4 });
addWords('crash crashes crashed crashing bug bugs buggy broken error errors outage glitch freezes', { reliability: 1, negative: 0.3 });
addWords('reliable stable', { reliability: 1, positive: 0.3 });
addWords('easy ease usability intuitive simple straightforward', { ease: 1, positive: 0.3 });
addWords('confusing complicated clunky', { ease: 1, negative: 0.4 });
addWords('interface navigate navigation menu menus design', { ease: 1 });
addWords('onboarding setup install installation configure tutorial welcome', { onboarding: 1 });
addWords('great love loved excellent amazing awesome happy good wonderful fantastic perfect best pleased', { positive: 1 });
addWords('terrible awful bad hate horrible worst disappointed poor useless angry annoying frustrating', { negative: 1 });

/** Function words: small vectors so they barely move a sentence's mean. */
const FUNCTION_WORDS = (
  'the a an and or but so of to in on at for with from by was were is are be been it its this that these those ' +
  'i me my we our you your they them their he she his her not no never very really too just also again still ' +
  'have has had do does did can could would will should there here what when why how all any some more most ' +
  'than then if as up out about after before over into twice once every'
).split(/\s+/);

/** Ordinary content words with no concept: random directions in the noise axes. */
const NEUTRAL_WORDS = (
  'app product products service team company account order orders item items phone email website site web ' +
  'month months week weeks day days year time times today yesterday monday tuesday friday morning night ' +
  'update version feature features report reports dashboard data file files user users people customer ' +
  'store shop box door home office car weather garden dog cat coffee music book movie football game ' +
  'red blue green table chair window train city street park beach mountain river ' +
  'like likes use used using work works worked working get got make made need needed want wanted try tried ' +
  'went go going come came see saw say said call called told ask asked wait waited waiting ' +
  'new old big small first last other same many much one two three'
).split(/\s+/);

const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/** The tokenizer vocabulary: special tokens first (ids 0..4), then words. */
export function tinyVocabulary(): string[] {
  const words = new Set<string>([...Object.keys(CONCEPT_WORDS), ...FUNCTION_WORDS, ...NEUTRAL_WORDS]);
  return [...SPECIAL_TOKENS, ...[...words].sort()];
}

/** Small seeded PRNG (mulberry32) so vectors are the same on every run. */
function seededRandom(seedText: string): () => number {
  let seed = 2166136261;
  for (let i = 0; i < seedText.length; i++) seed = Math.imul(seed ^ seedText.charCodeAt(i), 16777619);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296 - 0.5;
  };
}

function noiseVector(token: string, scale: number, fromAxis: number): number[] {
  const random = seededRandom(token);
  const v = new Array<number>(TINY_HIDDEN_SIZE).fill(0);
  for (let i = fromAxis; i < TINY_HIDDEN_SIZE; i++) v[i] = random() * 2 * scale;
  return v;
}

/** The deterministic vector of one vocabulary token. */
function tokenVector(token: string): number[] {
  if (token === '[PAD]') return new Array<number>(TINY_HIDDEN_SIZE).fill(0);
  // Special tokens get a tiny shared vector so an empty text still has a direction.
  if (token === '[CLS]' || token === '[SEP]' || token === '[MASK]') return noiseVector('[special]', 0.02, FIRST_NOISE_AXIS);
  // Unknown words carry no meaning; a large shared [UNK] vector would make unrelated texts look alike.
  if (token === '[UNK]') return noiseVector(token, 0.02, FIRST_NOISE_AXIS);
  const concepts = CONCEPT_WORDS[token];
  if (concepts) {
    const v = noiseVector(token, 0.15, FIRST_NOISE_AXIS);
    for (const [concept, weight] of Object.entries(concepts)) v[CONCEPT_AXIS[concept as Concept]] = weight ?? 0;
    return v;
  }
  if (FUNCTION_WORDS.includes(token)) return noiseVector(token, 0.05, 0);
  return noiseVector(token, 0.4, FIRST_NOISE_AXIS);
}

function embeddingTable(vocab: string[]): Float32Array {
  const table = new Float32Array(vocab.length * TINY_HIDDEN_SIZE);
  vocab.forEach((token, id) => table.set(tokenVector(token), id * TINY_HIDDEN_SIZE));
  return table;
}

/**
 * The BERT embedding layer, minus position embeddings and layer norm:
 * word_embeddings[input_ids] + token_type_embeddings[token_type_ids], masked by attention_mask.
 */
function encoderNodes(): OnnxNode[] {
  return [
    { opType: 'Gather', inputs: ['word_embeddings', 'input_ids'], outputs: ['words'], attributes: [{ name: 'axis', int: 0 }] },
    { opType: 'Gather', inputs: ['token_type_embeddings', 'token_type_ids'], outputs: ['types'], attributes: [{ name: 'axis', int: 0 }] },
    { opType: 'Add', inputs: ['words', 'types'], outputs: ['summed'] },
    { opType: 'Cast', inputs: ['attention_mask'], outputs: ['mask_float'], attributes: [{ name: 'to', int: OnnxDataType.FLOAT }] },
    { opType: 'Unsqueeze', inputs: ['mask_float', 'last_axis'], outputs: ['mask_3d'] },
    { opType: 'Mul', inputs: ['summed', 'mask_3d'], outputs: ['last_hidden_state'] },
  ];
}

function encoderGraph(name: string, vocab: string[]): OnnxGraph {
  const int64Input = (inputName: string) => ({ name: inputName, dataType: OnnxDataType.INT64, shape: ['batch', 'sequence'] });
  return {
    name,
    nodes: encoderNodes(),
    initializers: [
      { name: 'word_embeddings', dataType: OnnxDataType.FLOAT, dims: [vocab.length, TINY_HIDDEN_SIZE], data: embeddingTable(vocab) },
      {
        name: 'token_type_embeddings',
        dataType: OnnxDataType.FLOAT,
        dims: [2, TINY_HIDDEN_SIZE],
        data: new Float32Array(2 * TINY_HIDDEN_SIZE),
      },
      { name: 'last_axis', dataType: OnnxDataType.INT64, dims: [1], data: BigInt64Array.from([-1n]) },
    ],
    inputs: [int64Input('input_ids'), int64Input('attention_mask'), int64Input('token_type_ids')],
    outputs: [{ name: 'last_hidden_state', dataType: OnnxDataType.FLOAT, shape: ['batch', 'sequence', TINY_HIDDEN_SIZE] }],
  };
}

const TINY_SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;

/**
 * A sequence classifier on top of the encoder: masked mean pooling, then a
 * linear layer reading the positive / negative axes; neutral has a fixed bias,
 * so it wins when a text has no sentiment words.
 */
function classifierGraph(name: string, vocab: string[]): OnnxGraph {
  const encoder = encoderGraph(name, vocab);
  const weights = new Float32Array(TINY_HIDDEN_SIZE * 3);
  weights[CONCEPT_AXIS.negative * 3 + 0] = 12;
  weights[CONCEPT_AXIS.positive * 3 + 2] = 12;
  return {
    ...encoder,
    nodes: [
      ...encoder.nodes,
      {
        opType: 'ReduceSum',
        inputs: ['last_hidden_state', 'sequence_axis'],
        outputs: ['token_sum'],
        attributes: [{ name: 'keepdims', int: 0 }],
      },
      { opType: 'ReduceSum', inputs: ['mask_3d', 'sequence_axis'], outputs: ['token_count'], attributes: [{ name: 'keepdims', int: 0 }] },
      { opType: 'Div', inputs: ['token_sum', 'token_count'], outputs: ['pooled'] },
      { opType: 'MatMul', inputs: ['pooled', 'classifier_weight'], outputs: ['scores'] },
      { opType: 'Add', inputs: ['scores', 'classifier_bias'], outputs: ['logits'] },
    ],
    initializers: [
      ...encoder.initializers,
      { name: 'sequence_axis', dataType: OnnxDataType.INT64, dims: [1], data: BigInt64Array.from([1n]) },
      { name: 'classifier_weight', dataType: OnnxDataType.FLOAT, dims: [TINY_HIDDEN_SIZE, 3], data: weights },
      { name: 'classifier_bias', dataType: OnnxDataType.FLOAT, dims: [3], data: Float32Array.from([0, 0.5, 0]) },
    ],
    outputs: [{ name: 'logits', dataType: OnnxDataType.FLOAT, shape: ['batch', 3] }],
  };
}

/** tokenizer.json in the Hugging Face `tokenizers` format (BERT-style WordPiece). */
function tokenizerJson(vocab: string[]): object {
  const ids = Object.fromEntries(vocab.map((token, id) => [token, id]));
  const special = (token: string) => ({ id: token, ids: [ids[token]], tokens: [token] });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((token) => ({
      id: ids[token],
      content: token,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
      ],
      pair: [
        { SpecialToken: { id: '[CLS]', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { SpecialToken: { id: '[SEP]', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 1 } },
        { SpecialToken: { id: '[SEP]', type_id: 1 } },
      ],
      special_tokens: { '[CLS]': special('[CLS]'), '[SEP]': special('[SEP]') },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: ids },
  };
}

const TOKENIZER_CONFIG = {
  tokenizer_class: 'BertTokenizer',
  do_lower_case: true,
  model_max_length: 128,
  cls_token: '[CLS]',
  sep_token: '[SEP]',
  pad_token: '[PAD]',
  unk_token: '[UNK]',
  mask_token: '[MASK]',
};

function bertConfig(vocabSize: number, extra: object = {}): object {
  return {
    model_type: 'bert',
    architectures: ['BertModel'],
    hidden_size: TINY_HIDDEN_SIZE,
    num_hidden_layers: 0,
    num_attention_heads: 1,
    intermediate_size: TINY_HIDDEN_SIZE,
    max_position_embeddings: 128,
    type_vocab_size: 2,
    vocab_size: vocabSize,
    ...extra,
  };
}

export interface TinyModelOptions {
  /** Write onnx/model.onnx (default true). */
  full?: boolean;
  /** Write onnx/model_quantized.onnx too (default false). It is the same graph; only the file name differs. */
  quantized?: boolean;
}

export async function writeModelFolder(
  folder: string,
  config: object,
  graph: OnnxGraph,
  vocab: string[],
  options: TinyModelOptions = {},
): Promise<string> {
  await mkdir(path.join(folder, 'onnx'), { recursive: true });
  const onnx = encodeOnnxModel(graph);
  await writeFile(path.join(folder, 'config.json'), JSON.stringify(config, null, 2));
  await writeFile(path.join(folder, 'tokenizer.json'), JSON.stringify(tokenizerJson(vocab)));
  await writeFile(path.join(folder, 'tokenizer_config.json'), JSON.stringify(TOKENIZER_CONFIG, null, 2));
  if (options.full ?? true) await writeFile(path.join(folder, 'onnx', 'model.onnx'), onnx);
  if (options.quantized) await writeFile(path.join(folder, 'onnx', 'model_quantized.onnx'), onnx);
  return folder;
}

/** Writes the tiny sentence-embedding model to <modelDir>/<modelId>; returns that folder. */
export function writeTinyEmbeddingModel(modelDir: string, modelId: string, options: TinyModelOptions = {}): Promise<string> {
  const vocab = tinyVocabulary();
  return writeModelFolder(path.join(modelDir, modelId), bertConfig(vocab.length), encoderGraph('tiny-embedding', vocab), vocab, options);
}

/** Writes the tiny 3-class sentiment model (negative / neutral / positive) to <modelDir>/<modelId>. */
export function writeTinySentimentModel(modelDir: string, modelId: string, options: TinyModelOptions = {}): Promise<string> {
  const vocab = tinyVocabulary();
  const config = bertConfig(vocab.length, {
    architectures: ['BertForSequenceClassification'],
    id2label: Object.fromEntries(TINY_SENTIMENT_LABELS.map((label, i) => [String(i), label])),
    label2id: Object.fromEntries(TINY_SENTIMENT_LABELS.map((label, i) => [label, i])),
  });
  return writeModelFolder(path.join(modelDir, modelId), config, classifierGraph('tiny-sentiment', vocab), vocab, options);
}
