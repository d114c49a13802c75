/**
 * Turns the files of a sentence-transformers BERT checkpoint (model.safetensors,
 * config.json, tokenizer files, sentence_bert_config.json) into the folder
 * layout the transformer backend loads: the same configs and tokenizer, and
 * onnx/model.onnx converted from the weights, and onnx/model_quantized.onnx with int8
 * dense layers (the one the backend loads by default). Pure: bytes in, bytes out.
 */
import { bertEncoderGraph } from './bert-onnx.js';
import { bertWeights, parseBertConfig, type BertWeights } from './bert-weights.js';
import { encodeOnnxModel } from './onnx-writer.js';
import { readSafetensors } from './safetensors.js';

export const CHECKPOINT_FILES = ['model.safetensors', 'config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;
/** Read when present: sentence-transformers' max_seq_length lives there. */
export const OPTIONAL_CHECKPOINT_FILES = ['sentence_bert_config.json', 'special_tokens_map.json'] as const;

export interface ConvertedModel {
  /** Relative path in the model folder → contents. */
  files: Map<string, Uint8Array>;
  weights: BertWeights;
  /** WordPiece vocabulary from tokenizer.json, for the reference check. */
  vocab: Record<string, number>;
}

function file(files: Map<string, Uint8Array>, name: string): Uint8Array {
  const bytes = files.get(name);
  if (!bytes) throw new Error(`checkpoint has no ${name}`);
  return bytes;
}

function json(files: Map<string, Uint8Array>, name: string): Record<string, unknown> {
  const bytes = file(files, name);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    throw new Error(`checkpoint file ${name} is not valid JSON`);
  }
}

export function convertSentenceTransformer(checkpoint: Map<string, Uint8Array>): ConvertedModel {
  for (const name of CHECKPOINT_FILES) if (!checkpoint.has(name)) throw new Error(`checkpoint has no ${name}`);
  const config = parseBertConfig(json(checkpoint, 'config.json'));
  const weights = bertWeights(config, readSafetensors(file(checkpoint, 'model.safetensors')));
  const tokenizer = json(checkpoint, 'tokenizer.json') as { model?: { type?: string; vocab?: Record<string, number> } };
  if (tokenizer.model?.type !== 'WordPiece' || !tokenizer.model.vocab) throw new Error('tokenizer.json is not a WordPiece tokenizer');

  // sentence-transformers truncates at max_seq_length (256 for all-MiniLM-L6-v2), not at the tokenizer's 512.
  const tokenizerConfig = json(checkpoint, 'tokenizer_config.json');
  const maxSeqLength = checkpoint.has('sentence_bert_config.json')
    ? json(checkpoint, 'sentence_bert_config.json').max_seq_length
    : undefined;
  if (typeof maxSeqLength === 'number') tokenizerConfig.model_max_length = maxSeqLength;

  const files = new Map<string, Uint8Array>([
    ['config.json', file(checkpoint, 'config.json')],
    ['tokenizer.json', file(checkpoint, 'tokenizer.json')],
    ['tokenizer_config.json', new TextEncoder().encode(JSON.stringify(tokenizerConfig, null, 2))],
    ['onnx/model.onnx', encodeOnnxModel(bertEncoderGraph(weights))],
    ['onnx/model_quantized.onnx', encodeOnnxModel(bertEncoderGraph(weights, { quantised: true }))],
  ]);
  const specialTokens = checkpoint.get('special_tokens_map.json');
  if (specialTokens) files.set('special_tokens_map.json', specialTokens);
  return { files, weights, vocab: tokenizer.model.vocab };
}
