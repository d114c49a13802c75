/**
 * The ADMIN key of a local data directory (`<data dir>/admin-key`, mode 0600), so `npm start`
 * works without configuring one. The key is printed once, when it is created; later starts only
 * say where it is, so it does not spread through every start log. Deployments set VERBATIM_ADMIN_KEY.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from './logger.js';
import { weakKeyReason } from './services/auth/well-known-keys.js';

export function localAdminKeyFile(dataDir: string): string {
  return join(resolve(dataDir), 'admin-key');
}

export function localAdminKey(dataDir: string, log: Logger): { key: string; file: string; created: boolean } {
  const file = localAdminKeyFile(dataDir);
  const stored = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (stored.length >= 16 && !weakKeyReason(stored)) {
    chmodSync(file, 0o600); // a copy or an older version may have left it readable by others
    log.info({ file }, `VERBATIM_ADMIN_KEY is not set: the local ADMIN key is in ${file}`);
    return { key: stored, file, created: false };
  }
  const key = `vbt_local_${randomBytes(24).toString('base64url')}`;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // writeFileSync keeps the mode of a file that already existed
  log.warn(
    { file },
    `VERBATIM_ADMIN_KEY is not set: created the local ADMIN key ${key} (Authorization: Bearer <key>), kept in ${file}; it is printed only this once`,
  );
  return { key, file, created: true };
}
