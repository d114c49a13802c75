/**
 * `npm run demo` on a fresh data directory (local FerretDB and Redis) has no built-in key: it uses
 * the directory's random local ADMIN key (a 0600 file) and its report never prints a key.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../src/local-services/net.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'verbatim-demo-key-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('npm run demo', () => {
  it('uses the data directory’s random local key and prints no key', { timeout: 400_000 }, async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(await freePort()), VERBATIM_DATA_DIR: dataDir };
    delete env.VERBATIM_ADMIN_KEY;
    delete env.MONGODB_URI;
    delete env.REDIS_URL;
    delete env.VERBATIM_URL;
    const run = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/demo.ts', '--size', '20', '--exit'], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
      timeout: 380_000,
    });
    const output = run.stdout + run.stderr;
    const file = join(dataDir, 'admin-key');
    const key = readFileSync(file, 'utf8').trim();
    expect(key).toMatch(/^vbt_local_/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(output).not.toContain('verbatim-demo-admin-key');
    expect(output).toContain(`Bearer $(cat ${file})`);
    // Printed once, in the warning of the start that created it; the report itself shows none.
    expect(output.split(key).length - 1).toBeLessThanOrEqual(1);
    expect(output.slice(output.indexOf('GraphQL API:'))).not.toContain(key);
  });
});
