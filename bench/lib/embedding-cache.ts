/**
 * Sentence embeddings of corpus texts, cached on disk: training the sentiment head and scoring the
 * transformer engine in `npm run eval` embed the same ~25,000 texts, which takes many minutes on
 * two cores, so each text is embedded once per model file. The cache is keyed by the SHA-256 of the
 * ONNX file the backend loads, so a different or re-converted model never reads stale vectors.
 *
 * File: "VEC1", uint32 dimension, then records of sha1(text) (20 bytes) + dimension float32s,
 * appended as batches finish (an interrupted run keeps what it embedded).
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { resolveLocalModel } from '../../src/analysis/backends/model-files.js';
import type { TransformerBackend, TransformerBackendOptions } from '../../src/analysis/backends/index.js';

const MAGIC = 'VEC1';
const KEY_BYTES = 20;
/** Texts per backend call: progress is written (and logged) after each. */
const CHUNK = 256;

const keyOf = (text: string) => createHash('sha1').update(text).digest('hex');

export interface EmbeddingCache {
  readonly file: string;
  /** One vector per text (trimmed, as the engine embeds them), from the cache or the model. */
  embed(this: void, texts: readonly string[]): Promise<Float32Array[]>;
  /** A cached vector, or undefined. */
  get(this: void, text: string): Float32Array | undefined;
}

/** Default place: $VERBATIM_EMBEDDING_CACHE, else ~/.cache/verbatim/embeddings. */
function defaultCacheDir(): string {
  return resolve(process.env.VERBATIM_EMBEDDING_CACHE ?? join(homedir(), '.cache/verbatim/embeddings'));
}

function read(file: string): { dim: number; vectors: Map<string, Float32Array> } | null {
  if (!existsSync(file)) return null;
  const buf = readFileSync(file);
  if (buf.length < 8 || buf.toString('latin1', 0, 4) !== MAGIC) throw new Error(`${file}: not an embedding cache (delete it)`);
  const dim = buf.readUInt32LE(4);
  const size = KEY_BYTES + 4 * dim;
  const vectors = new Map<string, Float32Array>();
  // A record cut short by an interrupted write is ignored (and overwritten by nothing: it is re-embedded).
  for (let at = 8; at + size <= buf.length; at += size) {
    const key = buf.toString('hex', at, at + KEY_BYTES);
    const v = new Float32Array(dim);
    for (let j = 0; j < dim; j++) v[j] = buf.readFloatLE(at + KEY_BYTES + 4 * j);
    vectors.set(key, v);
  }
  return { dim, vectors };
}

/**
 * A cache for the backend's model. `log` gets progress lines while many texts are embedded.
 */
export async function openEmbeddingCache(
  backend: TransformerBackend,
  options: Pick<TransformerBackendOptions, 'modelDir' | 'embeddingModel' | 'quantized'>,
  log: (s: string) => void = () => undefined,
  dir = defaultCacheDir(),
): Promise<EmbeddingCache> {
  const model = await resolveLocalModel(options.modelDir, options.embeddingModel, options.quantized);
  const onnx = join(model.folder, model.quantized ? 'onnx/model_quantized.onnx' : 'onnx/model.onnx');
  const sha = createHash('sha256').update(readFileSync(onnx)).digest('hex').slice(0, 16);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${options.embeddingModel.replace(/[^\w.-]+/g, '_')}-${sha}.vec`);
  const loaded = read(file);
  const vectors = loaded?.vectors ?? new Map<string, Float32Array>();
  let dim = loaded?.dim;

  const store = (keys: string[], got: Float32Array[]) => {
    dim ??= got[0].length;
    if (!existsSync(file)) {
      const header = Buffer.alloc(8);
      header.write(MAGIC, 0, 'latin1');
      header.writeUInt32LE(dim, 4);
      writeFileSync(file, header);
    }
    const size = KEY_BYTES + 4 * dim;
    const out = Buffer.alloc(size * keys.length);
    keys.forEach((key, i) => {
      out.write(key, i * size, 'hex');
      got[i].forEach((x, j) => out.writeFloatLE(x, i * size + KEY_BYTES + 4 * j));
      vectors.set(key, got[i]);
    });
    appendFileSync(file, out);
  };

  return {
    file,
    get: (text) => vectors.get(keyOf(text.trim())),
    async embed(texts) {
      const trimmed = texts.map((t) => t.trim());
      const keys = trimmed.map(keyOf);
      const todo = [...new Map(keys.map((k, i) => [k, trimmed[i]])).entries()].filter(([k]) => !vectors.has(k));
      const started = Date.now();
      for (let i = 0; i < todo.length; i += CHUNK) {
        const part = todo.slice(i, i + CHUNK);
        store(
          part.map(([k]) => k),
          await backend.embed(part.map(([, t]) => t)),
        );
        const done = Math.min(i + CHUNK, todo.length);
        const rate = done / ((Date.now() - started) / 1000);
        if (todo.length >= CHUNK)
          log(`  embedded ${done}/${todo.length} texts (${rate.toFixed(0)}/s, ${((todo.length - done) / rate / 60).toFixed(1)} min left)`);
      }
      return keys.map((k) => vectors.get(k)!);
    },
  };
}
