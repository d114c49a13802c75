/**
 * Warming of the insight caches when the API starts. Caches live in the database and are rebuilt
 * by the first read that finds them stale: on a large data set that is minutes (one pass over the
 * rollup entries), which the first visitor after a restore, a migration or a format change would
 * wait for. Warming does that pass in the background instead, for the kinds the dashboards read:
 * the core ones, the configured attributes' and those of every scoped key (a scoped reader's
 * queries read the caches of its scope's attribute, narrowed to its values at read time).
 */
import type { Logger } from '../../logger.js';
import type { ApiKeyService } from '../auth/api-key.service.js';
import type { RollupStore } from './rollups/rollup-store.js';

export async function warmInsightCaches(deps: {
  rollups: RollupStore;
  apiKeys: Pick<ApiKeyService, 'list'>;
  /** Attribute keys warmed besides the scoped keys' (VERBATIM_WARM_INSIGHT_ATTRIBUTES). */
  attributes: readonly string[];
  log: Logger;
}): Promise<void> {
  const started = performance.now();
  const scoped = (await deps.apiKeys.list()).filter((k) => !k.revokedAt).flatMap((k) => (k.scope ?? []).map((s) => s.key));
  const attributes = [...new Set([...deps.attributes, ...scoped])].sort();
  deps.log.info({ attributes }, 'insight caches: warming');
  const months = await deps.rollups.warmAll(attributes);
  deps.log.info({ attributes, months, ms: Math.round(performance.now() - started) }, 'insight caches: warmed');
}
