/**
 * The FerretDB binary: built once with `go build` from tools/ferretdb and cached under
 * `$XDG_CACHE_HOME/verbatim` (default `~/.cache/verbatim`), keyed by a hash of its sources, so a
 * change to main.go, go.mod or go.sum builds a new one and every later start reuses it.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findExecutable } from './executables.js';
import { FERRETDB_PATCH_VERSION, preparePatchedFerretDb } from './ferretdb-patch.js';
import { defaultLog, type Log } from './log.js';

const SOURCES = ['main.go', 'go.mod', 'go.sum'];

export interface FerretDbBinaryOptions {
  log?: Log;
  env?: NodeJS.ProcessEnv;
}

export class GoMissingError extends Error {
  override name = 'GoMissingError';
}

/** Path of the FerretDB binary, building it first if this version of tools/ferretdb has no cached build. */
export async function ensureFerretDbBinary({ log = defaultLog, env = process.env }: FerretDbBinaryOptions = {}): Promise<string> {
  const sourceDir = findSourceDir();
  const binary = join(ferretDbCacheDir(env), `ferretdb-${sourceHash(sourceDir)}`);
  if (existsSync(binary)) return binary;

  // Go's official installer puts it in /usr/local/go/bin without touching PATH.
  const go = findExecutable('go', env, ['/usr/local/go/bin']);
  if (!go) {
    throw new GoMissingError(
      'No MongoDB server is available. Choose one of: (1) set MONGODB_URI to a MongoDB server; ' +
        '(2) put `mongod` on PATH; (3) install Go >= 1.22 (https://go.dev/dl/) so Verbatim can build its local FerretDB from tools/ferretdb.',
    );
  }

  mkdirSync(dirname(binary), { recursive: true });
  // Built under a temporary name and renamed: a concurrent run never sees a half-written binary.
  const partial = `${binary}.${process.pid}.partial`;
  const workDir = `${binary}.${process.pid}.src`;
  log(`building FerretDB from ${sourceDir} into ${binary} (first run only; downloading Go modules can take 1-3 minutes)`);
  const started = Date.now();
  try {
    const modFile = preparePatchedFerretDb(go, sourceDir, workDir, env);
    await goBuild(go, sourceDir, modFile, partial, env, log);
    renameSync(partial, binary);
  } finally {
    rmSync(partial, { force: true });
    rmSync(workDir, { recursive: true, force: true });
  }
  log(`built FerretDB in ${Math.round((Date.now() - started) / 1000)} s`);
  return binary;
}

export function ferretDbCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'verbatim');
}

function sourceHash(sourceDir: string): string {
  const hash = createHash('sha256').update(`patch ${FERRETDB_PATCH_VERSION}\0`);
  for (const file of SOURCES)
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(sourceDir, file)))
      .update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** tools/ferretdb of this checkout, found upwards from this file (works from src/ and from a build in dist/). */
function findSourceDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'tools', 'ferretdb');
    if (existsSync(join(candidate, 'go.mod'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('tools/ferretdb not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

function goBuild(go: string, sourceDir: string, modFile: string, output: string, env: NodeJS.ProcessEnv, log: Log): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(go, ['build', '-trimpath', `-modfile=${modFile}`, '-o', output, '.'], {
      cwd: sourceDir,
      env: { ...env, CGO_ENABLED: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output_ = '';
    let downloads = 0;
    child.stdout.on('data', (chunk: Buffer) => (output_ += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      output_ += text;
      downloads += text.match(/^go: downloading /gm)?.length ?? 0;
    });
    const started = Date.now();
    const progress = setInterval(() => {
      const seconds = Math.round((Date.now() - started) / 1000);
      log(`still building FerretDB (${seconds} s${downloads ? `, ${downloads} Go modules downloaded` : ''})`);
    }, 20_000);
    child.once('error', (err) => {
      clearInterval(progress);
      reject(new Error(`could not run ${go}: ${err.message}`));
    });
    child.once('close', (code) => {
      clearInterval(progress);
      if (code === 0) resolve();
      else reject(new Error(`go build of ${sourceDir} failed (exit ${code}):\n${output_.trim().split('\n').slice(-30).join('\n')}`));
    });
  });
}
