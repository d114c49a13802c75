/**
 * Keys that must never grant access: values published in this repository's docs, scripts and
 * compose file over time (anyone can read them), and keys too weak to be secrets. The config
 * refuses them as VERBATIM_ADMIN_KEY, and authentication refuses them even if an old data
 * directory still stores one (`npm run demo` used to bootstrap `verbatim-demo-admin-key`).
 */
import { createHash } from 'node:crypto';

export const WELL_KNOWN_KEYS: readonly string[] = [
  'verbatim-demo-admin-key',
  'change-me-to-a-long-random-secret',
  'change-me-to-a-long-secret',
];

const MIN_DISTINCT_CHARACTERS = 8;

/** Why a key may not be used, or null when it may. */
export function weakKeyReason(key: string): string | null {
  if (WELL_KNOWN_KEYS.includes(key.trim().toLowerCase())) return 'is a published example key; generate one, e.g. `openssl rand -hex 32`';
  if (/change-?me|placeholder|your-?key/i.test(key)) return 'looks like a placeholder; generate one, e.g. `openssl rand -hex 32`';
  if (new Set(key).size < MIN_DISTINCT_CHARACTERS)
    return `has fewer than ${MIN_DISTINCT_CHARACTERS} distinct characters; generate one, e.g. \`openssl rand -hex 32\``;
  return null;
}

/** SHA-256 hashes of the well-known keys, as API keys are stored. */
export const WELL_KNOWN_KEY_HASHES: ReadonlySet<string> = new Set(
  WELL_KNOWN_KEYS.map((k) => createHash('sha256').update(k, 'utf8').digest('hex')),
);
