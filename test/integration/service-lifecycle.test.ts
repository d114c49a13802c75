/**
 * `npm start` as a user runs it: one process with API + worker that starts its own FerretDB and
 * Redis under VERBATIM_DATA_DIR. Data survives a restart, stopping it (SIGTERM, or even SIGKILL)
 * leaves no stray server processes, and `verbatim import` streams a file through the same API.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/local-services/net.js';
import { createGqlClient, TEST_ADMIN_KEY, waitFor } from '../helpers/app.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'verbatim-start-'));
const running = new Set<ChildProcess>();

afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** The service's child servers are the processes whose command line names this data dir. */
function serverProcesses(): string[] {
  const out = spawnSync('pgrep', ['-af', dataDir], { encoding: 'utf8' }).stdout;
  return out.split('\n').filter((line) => line.trim() && !line.includes('pgrep'));
}

async function startService(port: number, adminKey?: string): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    VERBATIM_DATA_DIR: dataDir,
    VERBATIM_ADMIN_KEY: adminKey,
    LOG_LEVEL: 'warn',
    VERBATIM_METRICS_PORT: '0',
  };
  if (!adminKey) delete env.VERBATIM_ADMIN_KEY;
  delete env.MONGODB_URI;
  delete env.REDIS_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.once('exit', () => running.delete(child));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}: ${stderr.slice(-2000)}`);
      return fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
    },
    { timeoutMs: 240_000, intervalMs: 250, what: 'the service to become ready' },
  );
  return child;
}

function stopped(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

const SUBMIT = `mutation($in: ResponseInput!) { submitResponse(input: $in) { id category } }`;
const BY_FILTER = `query($f: ResponseFilter) { responses(filter: $f, first: 10) { totalCount edges { node { externalId score category } } } }`;

describe('npm start', () => {
  it('keeps data across a restart, stops its servers with it, and imports files through the API', { timeout: 420_000 }, async () => {
    const port = await freePort();
    const gql = createGqlClient(`http://127.0.0.1:${port}/graphql`, { authorization: `Bearer ${TEST_ADMIN_KEY}` });

    let service = await startService(port, TEST_ADMIN_KEY);
    expect(serverProcesses().length).toBeGreaterThanOrEqual(2); // FerretDB and Redis
    const submitted = await gql(SUBMIT, {
      in: { externalId: 'life-1', score: 3, comment: 'Billing is a mess', attributes: [{ key: 'batch', value: 'life' }] },
    });
    expect(submitted.errors, JSON.stringify(submitted.errors)).toBeUndefined();
    expect(submitted.data?.submitResponse).toMatchObject({ category: 'DETRACTOR' });

    // The import command streams a JSONL file (one bad line) through importResponses.
    const file = join(dataDir, 'rows.jsonl');
    writeFileSync(
      file,
      [
        '{"externalId":"life-2","score":10,"attributes":[{"key":"batch","value":"life"}]}',
        '{"externalId":"life-3","score":42}',
        '{"externalId":"life-4","score":8,"attributes":[{"key":"batch","value":"life"}]}',
      ].join('\n'),
    );
    const cli = spawnSync(
      process.execPath,
      ['bin/verbatim.js', 'import', file, '--url', `http://127.0.0.1:${port}/graphql`, '--key', TEST_ADMIN_KEY],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(cli.status).toBe(1); // one row failed
    expect(cli.stdout + cli.stderr).toMatch(/stored: 2\b/);
    expect(cli.stdout + cli.stderr).toMatch(/line 2/i);

    service.kill('SIGTERM');
    expect(await stopped(service)).toBe(0);
    await waitFor(async () => serverProcesses().length === 0, { timeoutMs: 20_000, what: 'FerretDB and Redis to stop' });

    // Without VERBATIM_ADMIN_KEY a local run makes an ADMIN key of its own, kept in the data dir.
    service = await startService(port);
    const localKey = readFileSync(join(dataDir, 'admin-key'), 'utf8').trim();
    expect(localKey).toMatch(/^vbt_local_/);
    const after = await createGqlClient(`http://127.0.0.1:${port}/graphql`, { authorization: `Bearer ${localKey}` })(BY_FILTER, {
      f: { attributes: [{ key: 'batch', value: 'life' }] },
    });
    expect(after.data?.responses.totalCount).toBe(3);
    expect(after.data?.responses.edges.map((e: any) => e.node.externalId).sort()).toEqual(['life-1', 'life-2', 'life-4']);

    // Even a SIGKILL of the service takes its servers down (they watch their parent).
    service.kill('SIGKILL');
    await stopped(service);
    await waitFor(async () => serverProcesses().length === 0, { timeoutMs: 20_000, what: 'servers to stop after SIGKILL' });
  });
});
