/** What every resolver receives: the request's id, logger, caller and the services. */
import type { ApiKeyRole } from '../models/apikey/apikey.entity.js';
import type { Logger } from '../src/logger.js';
import type { Services } from '../src/services/index.js';

export interface Caller {
  keyId: string;
  /** The key's name, when known (recorded in audit trails). */
  name?: string;
  role: ApiKeyRole;
  /** MANAGER keys only see responses matching every one of these attributes. */
  scope: { key: string; value: string }[];
}

export interface Context {
  requestId: string;
  log: Logger;
  services: Services;
  caller: Caller | null;
}
