/**
 * API keys: created with a random secret that is shown once (only its SHA-256 hash is stored),
 * listed without secrets, revoked, and checked on every request through a short in-process cache.
 *
 * Revocation latency: the process that revokes forgets the key at once; other API instances
 * stop accepting it within the cache TTL (VERBATIM_API_KEY_CACHE_SECONDS).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyEntity, ApiKeyRole } from '../../../models/apikey/apikey.entity.js';
import { API_KEY_ROLES } from '../../../models/apikey/apikey.entity.js';
import type { ApiKeyRepository } from '../../../models/apikey/apikey.repository.js';
import type { Attribute } from '../../../models/response/response.entity.js';
import { AppError, InputError, type FieldProblem } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { ATTRIBUTE_KEY } from '../pipeline/response-input.js';
import { WELL_KNOWN_KEY_HASHES } from './well-known-keys.js';

/** Who is calling: the key's id (hash), role and scope. */
export interface AuthenticatedKey {
  keyId: string;
  /** The name given at creation (audit trails such as corrections record it). */
  name?: string;
  role: ApiKeyRole;
  scope: Attribute[];
}

export interface NewApiKey {
  name: string;
  role: ApiKeyRole;
  scope?: Attribute[] | null;
}

const SECRET_PREFIX = 'vbt_';
/** The `prefix` of keys bootstrapped from VERBATIM_ADMIN_KEY (or the local key file). */
const BOOTSTRAP_PREFIX = '(env)';
/** lastUsedAt is written at most this often per key and process. */
const TOUCH_EVERY_MS = 60_000;
const CACHE_MAX_ENTRIES = 10_000;
const MAX_SCOPE = 10;
/** Roles a scope makes sense for (ADMIN sees everything; INGEST writes). */
const SCOPED_ROLES: readonly ApiKeyRole[] = ['MANAGER', 'ANALYST', 'SUBSCRIBER'];

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** `Bearer <key>` → the key; anything else → null. */
export function bearerToken(header: string | string[] | undefined | null): string | null {
  const value = Array.isArray(header) ? header[0] : header;
  const match = typeof value === 'string' ? /^Bearer\s+(\S{1,512})\s*$/i.exec(value) : null;
  return match ? match[1] : null;
}

export class ApiKeyService {
  private readonly cache = new Map<string, { key: AuthenticatedKey | null; expires: number }>();
  private readonly touchedAt = new Map<string, number>();

  constructor(
    private readonly deps: {
      keys: ApiKeyRepository;
      log: Logger;
      /** How long a lookup is trusted; 0 disables the cache. */
      cacheTtlMs: number;
      now?: () => Date;
    },
  ) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Creates a key; the returned secret is never retrievable again. */
  async create(input: NewApiKey): Promise<{ key: ApiKeyEntity; secret: string }> {
    const scope = validateNewKey(input);
    const secret = SECRET_PREFIX + randomBytes(32).toString('base64url');
    const key: ApiKeyEntity = {
      _id: hashSecret(secret),
      name: input.name.trim(),
      role: input.role,
      scope,
      prefix: secret.slice(0, SECRET_PREFIX.length + 6),
      createdAt: this.now(),
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.deps.keys.insert(key);
    this.deps.log.info({ keyId: key._id.slice(0, 12), role: key.role, name: key.name }, 'API key created');
    return { key, secret };
  }

  /**
   * Upserts the ADMIN key VERBATIM_ADMIN_KEY names (idempotent; a revoked one stays revoked) and
   * revokes the bootstrapped key it replaces, so changing the variable rotates the key. Published
   * example keys stored by older versions (the demo's) are revoked whatever the variable says.
   */
  async bootstrapAdmin(secret: string | undefined): Promise<void> {
    const at = this.now();
    for (const hash of WELL_KNOWN_KEY_HASHES) await this.deps.keys.revoke(hash, at);
    if (!secret) return;
    const hash = hashSecret(secret);
    await this.deps.keys.insertIfMissing({
      _id: hash,
      name: 'VERBATIM_ADMIN_KEY',
      role: 'ADMIN',
      scope: [],
      prefix: BOOTSTRAP_PREFIX,
      createdAt: at,
      lastUsedAt: null,
      revokedAt: null,
    });
    if ((await this.deps.keys.findByHash(hash))?.revokedAt) {
      // Revoking the current key too would lock every admin out: leave the others alone.
      this.deps.log.error('VERBATIM_ADMIN_KEY names a revoked key: it grants nothing; set a new one');
      return;
    }
    const revoked = await this.deps.keys.revokeBootstrappedExcept(hash, BOOTSTRAP_PREFIX, at);
    if (revoked > 0) {
      this.cache.clear();
      this.deps.log.warn({ revoked }, 'VERBATIM_ADMIN_KEY changed: the previously bootstrapped ADMIN key is revoked');
    }
  }

  async list(): Promise<ApiKeyEntity[]> {
    return this.deps.keys.list();
  }

  async revoke(id: string): Promise<ApiKeyEntity> {
    if (!/^[0-9a-f]{64}$/.test(id)) throw new InputError([{ field: 'id', message: 'is not an API key id' }]);
    const key = await this.deps.keys.revoke(id, this.now());
    if (!key) throw new AppError('NOT_FOUND', `API key ${id} not found`, { id });
    this.cache.delete(id);
    this.deps.log.info({ keyId: id.slice(0, 12) }, 'API key revoked');
    return key;
  }

  /** The caller behind a secret, or null for an unknown or revoked one. */
  async authenticate(secret: string | null | undefined): Promise<AuthenticatedKey | null> {
    if (!secret) return null;
    return this.byHash(hashSecret(secret));
  }

  /** The key by id (its hash), through the cache; used to re-check long-lived connections. */
  async byHash(hash: string): Promise<AuthenticatedKey | null> {
    if (WELL_KNOWN_KEY_HASHES.has(hash)) return null;
    const nowMs = Date.now();
    const cached = this.cache.get(hash);
    if (cached && cached.expires > nowMs) {
      if (cached.key) this.touch(hash, nowMs);
      return cached.key;
    }
    const doc = await this.deps.keys.findByHash(hash);
    const key =
      doc && !doc.revokedAt
        ? { keyId: doc._id, name: doc.name, role: doc.role, scope: (doc.scope ?? []).map(({ key: k, value }) => ({ key: k, value })) }
        : null;
    if (this.deps.cacheTtlMs > 0) {
      if (this.cache.size >= CACHE_MAX_ENTRIES) this.cache.clear();
      this.cache.set(hash, { key, expires: nowMs + this.deps.cacheTtlMs });
    }
    if (key) this.touch(hash, nowMs, doc?.lastUsedAt ?? null);
    return key;
  }

  /** Records use at most once a minute per key, without holding up the request. */
  private touch(hash: string, nowMs: number, stored: Date | null = null): void {
    const last = this.touchedAt.get(hash) ?? stored?.getTime() ?? 0;
    if (nowMs - last < TOUCH_EVERY_MS) return;
    this.touchedAt.set(hash, nowMs);
    if (this.touchedAt.size > CACHE_MAX_ENTRIES) this.touchedAt.clear();
    this.deps.keys
      .touch(hash, new Date(nowMs))
      .catch((err: Error) => this.deps.log.warn({ err: err.message }, 'could not record API key use'));
  }
}

function validateNewKey(input: NewApiKey): Attribute[] {
  const problems: FieldProblem[] = [];
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (name.length < 1 || name.length > 100) problems.push({ field: 'input.name', message: 'must be 1–100 characters' });
  if (!API_KEY_ROLES.includes(input.role)) problems.push({ field: 'input.role', message: `must be one of ${API_KEY_ROLES.join(', ')}` });
  const scope = (input.scope ?? []).map((a) => ({ key: String(a.key), value: String(a.value) }));
  if (scope.length > MAX_SCOPE) problems.push({ field: 'input.scope', message: `must have at most ${MAX_SCOPE} entries` });
  scope.forEach((a, i) => {
    if (!ATTRIBUTE_KEY.test(a.key))
      problems.push({ field: `input.scope[${i}].key`, message: 'must be an attribute key (letters, digits, _ or -)' });
    if (a.value.trim() !== a.value || a.value.length < 1 || a.value.length > 200) {
      problems.push({ field: `input.scope[${i}].value`, message: 'must be 1–200 characters without surrounding spaces' });
    }
    if (scope.findIndex((b) => b.key === a.key) !== i) problems.push({ field: `input.scope[${i}].key`, message: 'must not repeat a key' });
  });
  if (scope.length > 0 && !SCOPED_ROLES.includes(input.role))
    problems.push({ field: 'input.scope', message: `only ${SCOPED_ROLES.join(', ')} keys take a scope` });
  if (input.role === 'MANAGER' && scope.length === 0)
    problems.push({ field: 'input.scope', message: 'a MANAGER key needs a scope, e.g. [{ key: "region", value: "Nevada" }]' });
  if (problems.length) throw new InputError(problems);
  return scope;
}
