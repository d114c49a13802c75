/**
 * Optional transformer backend: sentence embeddings (and, when configured, a
 * sentiment classifier) run locally through @xenova/transformers + onnxruntime.
 *
 * Models are read from a local directory only; fetching from the Hugging Face
 * hub happens only when `allowRemote` is explicitly set. The library is
 * imported lazily so the lexical engine never pays for loading it.
 */
import path from 'node:path';
import { resolveLocalModel, assertModelId, INSTALL_HINT, ModelFilesError } from './model-files.js';
import { labelWeightsFromConfig, toModelSentiment, type LabelWeights, type ModelSentiment } from './sentiment-labels.js';
import { lengthBatches, type LengthBatchLimits } from './length-batches.js';
import { meanPooledRows } from './mean-pooling.js';

export interface TransformerBackendOptions {
  /** Local model directory; a model id such as "Xenova/all-MiniLM-L6-v2" is a folder inside it. */
  modelDir: string;
  /** Sentence-embedding model (feature-extraction, mean pooling). */
  embeddingModel: string;
  /** Optional text-classification model whose classes read as sentiment. */
  sentimentModel?: string;
  /** Allow downloading missing files from the model hub. Off unless explicitly enabled. */
  allowRemote?: boolean;
  /** Load onnx/model_quantized.onnx (true) or onnx/model.onnx (false); default: quantized when present. */
  quantized?: boolean;
  /** Where downloaded files are cached (only used with allowRemote), e.g. <data dir>/transformers-cache. */
  cacheDir?: string;
  /** Most texts per embedding run (default 64); see lengthBatches. */
  batchSize?: number;
  /**
   * Most padded word pieces per embedding run (default 1024). On a 2-core AVX2 machine runs of
   * 512–1024 word pieces embedded the most texts per CPU second; 2048 and more were slower.
   */
  batchTokens?: number;
}

export interface TransformerBackend {
  /** Embedding model id, for result metadata and logs. */
  readonly embeddingModel: string;
  readonly sentimentModel?: string;
  /** One L2-normalised vector per text, in input order. */
  embed(texts: string[]): Promise<Float32Array[]>;
  /** Present only when a sentiment model is configured (a plain function: it is passed on alone). */
  classifySentiment?(this: void, texts: string[]): Promise<ModelSentiment[]>;
  /** Releases the ONNX sessions; the backend cannot be used afterwards. */
  dispose(): Promise<void>;
}

/** Longest text handed to the tokenizer; models truncate at a few hundred tokens anyway. */
const MAX_TEXT_CHARS = 8192;
const DEFAULT_BATCH_SIZE = 64;
const DEFAULT_BATCH_TOKENS = 1024;

// Minimal structural types of the parts of @xenova/transformers used here.
interface OutputTensor {
  dims: number[];
  data: Float32Array;
}
interface ModelInputs {
  attention_mask: { dims: number[]; data: BigInt64Array };
}
interface LoadedPipeline {
  (texts: string[], options?: Record<string, unknown>): Promise<unknown>;
  dispose(): Promise<void>;
  /** The encoder: tokenizer output in, hidden states out. */
  model: { (inputs: ModelInputs): Promise<{ last_hidden_state?: OutputTensor }>; config: { id2label?: Record<string, string> } };
  /** The pipeline's own tokenizer: a padded batch, or one text's word pieces (with [CLS] and [SEP], before truncation). */
  tokenizer: {
    (texts: string[], options: { padding: boolean; truncation: boolean }): ModelInputs;
    encode(text: string): number[];
    model_max_length?: number;
  };
}
interface TransformersModule {
  env: {
    allowRemoteModels: boolean;
    allowLocalModels: boolean;
    localModelPath: string;
    cacheDir: string;
    useFSCache: boolean;
    useBrowserCache: boolean;
    backends: { onnx: { logLevel?: string } };
  };
  pipeline(task: string, model: string, options: Record<string, unknown>): Promise<LoadedPipeline>;
}

async function importTransformers(): Promise<TransformersModule> {
  return (await import('@xenova/transformers')) as unknown as TransformersModule;
}

/**
 * The library keeps its settings (local path, remote switch) in one process-wide
 * `env` object that is read while a pipeline loads, so loads are serialised:
 * two backends with different directories must not interleave.
 */
let loadChain: Promise<unknown> = Promise.resolve();
function serialised<T>(task: () => Promise<T>): Promise<T> {
  const run = loadChain.then(task, task);
  loadChain = run.catch(() => undefined);
  return run;
}

interface LoadRequest {
  task: 'feature-extraction' | 'text-classification';
  modelId: string;
  options: TransformerBackendOptions;
}

async function loadPipeline({ task, modelId, options }: LoadRequest): Promise<LoadedPipeline> {
  const allowRemote = options.allowRemote === true;
  assertModelId(modelId);
  // Without remote access every file must be local: check first, for an error that lists what is missing.
  const quantized = allowRemote
    ? (options.quantized ?? true)
    : (await resolveLocalModel(options.modelDir, modelId, options.quantized)).quantized;

  const transformers = await importTransformers();
  return serialised(async () => {
    const { env } = transformers;
    env.allowLocalModels = true;
    env.allowRemoteModels = allowRemote;
    env.localModelPath = path.resolve(options.modelDir) + path.sep;
    env.useBrowserCache = false;
    env.useFSCache = allowRemote && options.cacheDir !== undefined;
    if (options.cacheDir) env.cacheDir = path.resolve(options.cacheDir);
    // onnxruntime prints graph-optimisation warnings by default; only errors matter here.
    env.backends.onnx.logLevel = 'error';
    try {
      return await transformers.pipeline(task, modelId, {
        quantized,
        local_files_only: !allowRemote,
        ...(options.cacheDir ? { cache_dir: path.resolve(options.cacheDir) } : {}),
      });
    } catch (err) {
      if (allowRemote) throw err;
      // The files are there (checked above) but unreadable: a truncated or corrupt download or conversion.
      const folder = path.join(path.resolve(options.modelDir), modelId);
      throw new ModelFilesError(
        `Model "${modelId}" in "${folder}" could not be loaded (${(err as Error).message}); the files may be corrupt: ${INSTALL_HINT} (add --force to replace an install).`,
      );
    }
  });
}

/**
 * `run` over the texts in runs of similar word-piece counts (lengthBatches): a run is padded to its
 * longest input. Results come back in input order.
 */
async function inLengthBatches<R>(
  pipeline: LoadedPipeline,
  texts: string[],
  limits: LengthBatchLimits,
  run: (batch: string[]) => Promise<R[]>,
): Promise<R[]> {
  // The pipeline truncates at the tokenizer's limit (256 word pieces for all-MiniLM-L6-v2).
  const limit = pipeline.tokenizer.model_max_length ?? Infinity;
  const lengths = texts.map((t) => Math.min(pipeline.tokenizer.encode(t).length, limit));
  const results = new Array<R>(texts.length);
  for (const batch of lengthBatches(lengths, limits)) {
    const output = await run(batch.map((i) => texts[i]));
    output.forEach((result, j) => (results[batch[j]] = result));
  }
  return results;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Keeps inputs well-formed for the tokenizer: bounded length, no lone surrogates. */
function prepareText(text: string): string {
  const bounded = text.length > MAX_TEXT_CHARS ? text.slice(0, MAX_TEXT_CHARS) : text;
  return bounded.replace(LONE_SURROGATE, '\uFFFD');
}

/** What the feature-extraction pipeline does with pooling 'mean' and normalize, the pooling done by meanPooledRows. */
async function embedRun(extractor: LoadedPipeline, texts: string[]): Promise<Float32Array[]> {
  const inputs = extractor.tokenizer(texts, { padding: true, truncation: true });
  const { last_hidden_state: hidden } = await extractor.model(inputs);
  if (!hidden || hidden.dims[0] !== texts.length) {
    throw new Error(`Embedding model returned shape [${hidden?.dims.join(', ') ?? ''}] for ${texts.length} texts.`);
  }
  return meanPooledRows(hidden.data, hidden.dims, inputs.attention_mask.data);
}

interface EmbedRequest {
  texts: string[];
  resolve(vectors: Float32Array[]): void;
  reject(err: unknown): void;
}

/**
 * Coalesces concurrent embed calls (the worker's parallel jobs, the CLI's window of records)
 * into one model run: requests that arrive while a run is in progress wait and go together
 * in the next one, so batches grow with the load.
 */
function coalescing(run: (texts: string[]) => Promise<Float32Array[]>): (texts: string[]) => Promise<Float32Array[]> {
  let pending: EmbedRequest[] = [];
  let running = false;
  const flush = async (): Promise<void> => {
    running = true;
    while (pending.length > 0) {
      const requests = pending;
      pending = [];
      try {
        const vectors = await run(requests.flatMap((r) => r.texts));
        let offset = 0;
        for (const r of requests) r.resolve(vectors.slice(offset, (offset += r.texts.length)));
      } catch (err) {
        for (const r of requests) r.reject(err);
      }
    }
    running = false;
  };
  return (texts) =>
    new Promise<Float32Array[]>((resolve, reject) => {
      if (texts.length === 0) return resolve([]);
      pending.push({ texts, resolve, reject });
      // Wait one turn of the event loop so callers started together share the run.
      if (!running) {
        running = true;
        setImmediate(() => void flush());
      }
    });
}

/** Loads the configured models from the local directory. Rejects with a clear error when files are missing. */
export async function createTransformerBackend(options: TransformerBackendOptions): Promise<TransformerBackend> {
  const limits: LengthBatchLimits = {
    maxTexts: Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE),
    maxTokens: Math.max(1, options.batchTokens ?? DEFAULT_BATCH_TOKENS),
  };
  const extractor = await loadPipeline({ task: 'feature-extraction', modelId: options.embeddingModel, options });

  let classifier: LoadedPipeline | undefined;
  let labelWeights: LabelWeights | undefined;
  if (options.sentimentModel) {
    try {
      classifier = await loadPipeline({ task: 'text-classification', modelId: options.sentimentModel, options });
      labelWeights = labelWeightsFromConfig(classifier.model.config.id2label, options.sentimentModel);
    } catch (err) {
      await classifier?.dispose();
      await extractor.dispose();
      throw err;
    }
  }

  let disposed = false;
  const assertUsable = () => {
    if (disposed) throw new Error('Transformer backend was disposed.');
  };

  const embedBatches = async (texts: string[]): Promise<Float32Array[]> => {
    const prepared = texts.map(prepareText);
    // Identical inputs (a short answer many customers give, a repeated clause) are embedded once.
    const unique = [...new Set(prepared)];
    const vectors = await inLengthBatches(extractor, unique, limits, (batch) => embedRun(extractor, batch));
    const vectorOf = new Map(unique.map((text, i) => [text, vectors[i]]));
    // A repeated input gets its own copy, so no two results share an array.
    const given = new Set<string>();
    return prepared.map((text) => {
      const vector = vectorOf.get(text) as Float32Array;
      if (given.has(text)) return vector.slice();
      given.add(text);
      return vector;
    });
  };
  const embedCoalesced = coalescing(embedBatches);

  const backend: TransformerBackend = {
    embeddingModel: options.embeddingModel,
    sentimentModel: options.sentimentModel,

    async embed(texts) {
      assertUsable();
      return embedCoalesced(texts);
    },

    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.all([extractor.dispose(), classifier?.dispose()]);
    },
  };

  if (classifier && labelWeights) {
    const sentimentClassifier = classifier;
    const weights = labelWeights;
    backend.classifySentiment = async (texts) => {
      assertUsable();
      return inLengthBatches(sentimentClassifier, texts.map(prepareText), limits, async (batch) => {
        // topk 0 returns every class, so polarity uses the whole distribution.
        const output = (await sentimentClassifier(batch, { topk: 0 })) as Array<Array<{ label: string; score: number }>>;
        return output.map((classes) => toModelSentiment(classes, weights));
      });
    };
  }
  return backend;
}
