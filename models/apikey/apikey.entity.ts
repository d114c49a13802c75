/** An API key as stored: never the secret, only its SHA-256 hash (which is also the `_id`). */
import type { Attribute } from '../response/response.entity.js';

export type ApiKeyRole = 'ADMIN' | 'ANALYST' | 'MANAGER' | 'INGEST' | 'SUBSCRIBER';
export const API_KEY_ROLES: readonly ApiKeyRole[] = ['ADMIN', 'ANALYST', 'MANAGER', 'INGEST', 'SUBSCRIBER'];

export interface ApiKeyEntity {
  /** Hex SHA-256 of the secret: a lookup by key is an `_id` read. */
  _id: string;
  name: string;
  role: ApiKeyRole;
  /** The key only sees responses whose attributes include every one of these pairs. */
  scope: Attribute[];
  /** The first characters of the secret, so people can tell their keys apart. */
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}
