/** An API key as stored: never the secret, only its SHA-256 hash (which is also the `_id`). */
import type { Attribute } from '../response/response.entity.js';

/** The roles, listed once: the service's type and the GraphQL enum (schema/auth/api-key.types.ts) derive from this. */
export const API_KEY_ROLES = ['ADMIN', 'ANALYST', 'MANAGER', 'INGEST', 'SUBSCRIBER'] as const;
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

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
