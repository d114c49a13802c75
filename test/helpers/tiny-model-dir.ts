/**
 * A temporary model directory holding the tiny test models, built at test time.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { writeTinyEmbeddingModel, writeTinySentimentModel } from './tiny-model.js';

export const TINY_EMBEDDING_MODEL = 'verbatim-test/tiny-embedding';
export const TINY_SENTIMENT_MODEL = 'verbatim-test/tiny-sentiment';

export interface TinyModelDir {
  modelDir: string;
  remove(): Promise<void>;
}

export async function createTinyModelDir(): Promise<TinyModelDir> {
  const modelDir = await mkdtemp(path.join(os.tmpdir(), 'verbatim-models-'));
  await writeTinyEmbeddingModel(modelDir, TINY_EMBEDDING_MODEL);
  await writeTinySentimentModel(modelDir, TINY_SENTIMENT_MODEL);
  return { modelDir, remove: () => rm(modelDir, { recursive: true, force: true }) };
}
