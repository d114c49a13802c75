/**
 * Role groups for `@Authorized(...)`. ADMIN may do everything, so it is never listed.
 * A root field without `@Authorized` is ADMIN-only (see enforceRootAccess).
 */
import type { ApiKeyRole as Role } from '../../models/apikey/apikey.entity.js';

/** Read insights and responses (a MANAGER within its scope). */
export const READ_ROLES: Role[] = ['ANALYST', 'MANAGER'];
/** Submit and import responses. */
export const INGEST_ROLES: Role[] = ['INGEST'];
/** Subscriptions: subscribers and the reading roles (scoped callers get scoped events). */
export const SUBSCRIBE_ROLES: Role[] = ['SUBSCRIBER', 'ANALYST', 'MANAGER'];
/** Webhook management. */
export const WEBHOOK_ROLES: Role[] = ['SUBSCRIBER'];
/** Correcting analyses (a MANAGER within its scope). */
export const CORRECTION_ROLES: Role[] = ['ANALYST', 'MANAGER'];
/** Acting on follow-ups (alerts): managers within their scope. */
export const FOLLOW_UP_ROLES: Role[] = ['MANAGER'];
/** Any authenticated caller. */
export const ANY_ROLE: Role[] = ['ANALYST', 'MANAGER', 'INGEST', 'SUBSCRIBER'];
/** Who may see customers' names and e-mail addresses. */
export const PII_ROLES: Role[] = ['ADMIN', 'MANAGER'];
