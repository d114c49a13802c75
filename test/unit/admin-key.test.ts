/**
 * Keys and defaults: published or weak VERBATIM_ADMIN_KEY values are refused (without echoing
 * them), the local key is printed only when it is created, and docker-compose.yml neither ships a
 * key nor publishes the API beyond this host by default.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { localAdminKey } from '../../src/local-admin-key.js';
import { WELL_KNOWN_KEYS } from '../../src/services/auth/well-known-keys.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('VERBATIM_ADMIN_KEY', () => {
  it.each([
    'verbatim-demo-admin-key',
    'change-me-to-a-long-random-secret',
    'change-me-to-a-long-secret',
    'aaaaaaaaaaaaaaaaaaaaaaaa',
    'abababababababababab',
    'please-changeme-now-2026',
  ])('refuses %s, without echoing it', (key) => {
    expect(() => loadConfig({ VERBATIM_ADMIN_KEY: key })).toThrow(ConfigError);
    try {
      loadConfig({ VERBATIM_ADMIN_KEY: key });
    } catch (err) {
      expect((err as Error).message).toMatch(/VERBATIM_ADMIN_KEY=\(hidden\)/);
      expect((err as Error).message).not.toContain(key);
    }
  });

  it('takes a random key', () => {
    expect(loadConfig({ VERBATIM_ADMIN_KEY: 'f3a9c1d27be84e6a0c5d9e71b2a4f608' }).VERBATIM_ADMIN_KEY).toBe(
      'f3a9c1d27be84e6a0c5d9e71b2a4f608',
    );
  });
});

describe('the local ADMIN key', () => {
  function capture() {
    const lines: string[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    return { log, lines };
  }

  it('is created once in a 0600 file and printed only then; later starts say where it is', () => {
    const dir = mkdtempSync(join(tmpdir(), 'verbatim-key-'));
    dirs.push(dir);
    const first = capture();
    const created = localAdminKey(dir, first.log);
    expect(created.created).toBe(true);
    expect(statSync(created.file).mode & 0o777).toBe(0o600);
    expect(readFileSync(created.file, 'utf8').trim()).toBe(created.key);
    expect(first.lines.join('')).toContain(created.key);

    const second = capture();
    const again = localAdminKey(dir, second.log);
    expect(again).toMatchObject({ key: created.key, created: false });
    expect(second.lines.join('')).not.toContain(created.key);
    expect(second.lines.join('')).toContain(created.file);
  });
});

/** Compose's `${VAR:-default}` and `${VAR:?message}` interpolation of one file. */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{([A-Z0-9_]+)(?::([-?])([^}]*))?\}/g, (_m, name: string, op: string | undefined, arg: string) => {
    const value = env[name];
    if (value) return value;
    if (op === '?') throw new Error(`required variable ${name} is missing a value: ${arg}`);
    return op === '-' ? arg : '';
  });
}

/** The `x-verbatim-env` block: the service configuration compose passes to API and worker. */
function composeEnv(text: string): Record<string, string> {
  const block = /^x-verbatim-env: &verbatim-env\n((?: {2}.*\n|\n)*?)\n(?=\S)/m.exec(text)![1];
  const env: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const m = /^ {2}([A-Z0-9_]+): (.*)$/.exec(line);
    if (m) env[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return env;
}

describe('docker-compose.yml', () => {
  const text = readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');

  it('does not start without a VERBATIM_ADMIN_KEY the operator set', () => {
    expect(() => interpolate(text, {})).toThrow(/VERBATIM_ADMIN_KEY/);
    for (const key of WELL_KNOWN_KEYS) expect(text).not.toContain(key);
  });

  it('publishes the API on loopback only by default', () => {
    const resolved = interpolate(text, { VERBATIM_ADMIN_KEY: 'f3a9c1d27be84e6a0c5d9e71b2a4f608' });
    // A YAML list item, plain or in either kind of quotes.
    const ports = [...resolved.matchAll(/^\s+- ["']?([^"'\n]*:\d+)["']?$/gm)].map((m) => m[1]);
    expect(ports).toEqual(['127.0.0.1:4000:4000']);
  });

  it('passes a configuration the service accepts', () => {
    const env = composeEnv(interpolate(text, { VERBATIM_ADMIN_KEY: 'f3a9c1d27be84e6a0c5d9e71b2a4f608' }));
    expect(env.VERBATIM_SHUTDOWN_TIMEOUT_MS).toBeDefined();
    expect(() => loadConfig(env)).not.toThrow();
  });
});
