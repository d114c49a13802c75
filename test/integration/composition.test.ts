/**
 * The composition root builds the one hook list every analysis runs with (the worker's and the
 * bench's sandboxed processor's alike), and its close() releases every connection it opened.
 */
import { describe, expect, it } from 'vitest';
import { compose } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { testMongoUri, testRedisPrefix, testRedisUrl } from '../helpers/services.js';

const NAME = 'composition';

describe('composition root', () => {
  it('builds the full after-analysis hook list and closes what it opened', async () => {
    const config = loadConfig({
      MONGODB_URI: testMongoUri(NAME),
      REDIS_URL: testRedisUrl(),
      VERBATIM_QUEUE_PREFIX: testRedisPrefix(NAME),
      LOG_LEVEL: 'silent',
    });
    const composition = await compose({ config, log: createLogger('silent'), mongoUri: testMongoUri(NAME), redisUrl: testRedisUrl() });
    expect(composition.hooks.map((h) => h.name)).toEqual([
      'rollups',
      'churn-risk-and-alerts',
      'publish-response-analyzed',
      'webhook-response-analyzed',
    ]);

    await composition.close();
    expect(composition.db.connection.readyState).toBe(0);
    const { queueRedis } = composition;
    // disconnect() ends the connection asynchronously.
    if (queueRedis.status !== 'end') await new Promise((resolve) => queueRedis.once('end', resolve));
    expect(queueRedis.status).toBe('end');
  });
});
