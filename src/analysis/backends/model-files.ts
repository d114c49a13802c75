/**
 * Checks that a model is present in the local model directory before
 * @xenova/transformers tries to load it, so an operator gets one error that
 * names the folder and every missing file instead of a library stack trace.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';

export const REQUIRED_MODEL_FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json'] as const;
export const FULL_ONNX_FILE = 'onnx/model.onnx';
export const QUANTIZED_ONNX_FILE = 'onnx/model_quantized.onnx';

export class ModelFilesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelFilesError';
  }
}

export interface LocalModel {
  /** Absolute folder of the model: <modelDir>/<modelId>. */
  folder: string;
  /** Whether the quantized ONNX file is the one to load. */
  quantized: boolean;
}

/** How an operator gets the default model. */
export const INSTALL_HINT = 'run `npx verbatim models install` to install all-MiniLM-L6-v2 there';

const EXPECTED_LAYOUT =
  `${REQUIRED_MODEL_FILES.join(', ')} and ${FULL_ONNX_FILE} or ${QUANTIZED_ONNX_FILE} ` +
  `(${INSTALL_HINT}; see docs/transformer-backend.md)`;

async function kindOf(p: string): Promise<'file' | 'dir' | 'missing'> {
  try {
    const s = await stat(p);
    return s.isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}

/** A model id is a relative path such as "Xenova/all-MiniLM-L6-v2"; it must stay inside the model directory. */
export function assertModelId(modelId: string): void {
  const segments = modelId.split(/[\\/]/);
  if (!modelId.trim() || path.isAbsolute(modelId) || segments.some((s) => s === '..' || s === '')) {
    throw new ModelFilesError(
      `Invalid model id "${modelId}": expected a relative folder name inside the model directory, such as "Xenova/all-MiniLM-L6-v2".`,
    );
  }
}

/**
 * Finds the model's files. `quantized` undefined means: use model_quantized.onnx
 * when present, else model.onnx.
 */
export async function resolveLocalModel(modelDir: string, modelId: string, quantized?: boolean): Promise<LocalModel> {
  assertModelId(modelId);
  const root = path.resolve(modelDir);
  const folder = path.join(root, modelId);
  if ((await kindOf(root)) !== 'dir') {
    throw new ModelFilesError(
      `Transformer model directory "${root}" does not exist. Place the model "${modelId}" in "${folder}" with ${EXPECTED_LAYOUT}.`,
    );
  }
  if ((await kindOf(folder)) !== 'dir') {
    throw new ModelFilesError(`Model "${modelId}" not found: folder "${folder}" does not exist. It must contain ${EXPECTED_LAYOUT}.`);
  }

  const missing: string[] = [];
  for (const file of REQUIRED_MODEL_FILES) {
    if ((await kindOf(path.join(folder, file))) !== 'file') missing.push(file);
  }
  const hasQuantized = (await kindOf(path.join(folder, QUANTIZED_ONNX_FILE))) === 'file';
  const hasFull = (await kindOf(path.join(folder, FULL_ONNX_FILE))) === 'file';
  const useQuantized = quantized ?? hasQuantized;
  if (useQuantized && !hasQuantized) missing.push(QUANTIZED_ONNX_FILE);
  if (!useQuantized && !hasFull) missing.push(quantized === false ? FULL_ONNX_FILE : `${FULL_ONNX_FILE} or ${QUANTIZED_ONNX_FILE}`);

  if (missing.length > 0) {
    throw new ModelFilesError(
      `Model "${modelId}" in "${folder}" is incomplete: missing ${missing.join(', ')}. Expected ${EXPECTED_LAYOUT}.`,
    );
  }
  return { folder, quantized: useQuantized };
}
