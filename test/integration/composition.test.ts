/**
 * The composition root builds the one hook list every analysis runs with (the worker's and the
 * bench's sandboxed processor's alike), and its close() releases every connection it opened.
 */
import { describe, expect, it } from 'vitest';
import { compose } from '../../src/composition.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { changeChannel, createRedisPubSub } from '../../src/pubsub.js';
import { waitFor } from '../helpers/app.js';
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

  it('tells every process of a routing-rule change at once, and stops listening when closed', async () => {
    // Two processes' pub/sub connections: the API instance that edits a rule and a worker that caches rules.
    const [api, worker] = [
      createRedisPubSub(testRedisUrl(), testRedisPrefix(NAME)),
      createRedisPubSub(testRedisUrl(), testRedisPrefix(NAME)),
    ];
    const [apiChanges, workerChanges] = [
      changeChannel(api.pubSub, 'ROUTING_RULES_CHANGED'),
      changeChannel(worker.pubSub, 'ROUTING_RULES_CHANGED'),
    ];
    let seen = 0;
    workerChanges.subscribe(() => seen++);
    // The subscription is made asynchronously: publish until the first change arrives.
    await waitFor(
      async () => {
        apiChanges.publish();
        return seen > 0;
      },
      { timeoutMs: 10_000, what: 'the worker to see the rule change' },
    );
    await workerChanges.close();
    const before = seen;
    apiChanges.publish();
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toBe(before);
    await Promise.all([apiChanges.close(), api.close(), worker.close()]);
  });
});
