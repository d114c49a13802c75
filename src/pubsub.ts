/**
 * Typed pub/sub over Redis, so an event published by any worker reaches subscribers on every
 * API instance (the in-memory pub/sub would only reach its own process).
 */
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';
import { createPubSub } from '@graphql-yoga/subscription';
import { closeRedisGently } from './redis-close.js';

/** Topic name → payload. Payloads carry ids and small summaries, never whole documents. */
export interface Topics {
  [key: string]: [unknown];
  RESPONSE_ANALYZED: [ResponseAnalyzedMessage];
  ALERT_RAISED: [AlertRaisedMessage];
  ALERT_UPDATED: [AlertUpdatedMessage];
  /** A routing rule was created, changed or deleted: every process drops its rule cache. */
  ROUTING_RULES_CHANGED: [{ at: string }];
}

/** Published by the worker when an alert is raised (the `atRiskAlert` subscription reloads it by id). */
export interface AlertRaisedMessage {
  alertId: string;
  assignee: string;
  /** Attributes of the response, so scoped subscribers are filtered without a read. */
  attributes: { key: string; value: string }[];
}

/** Published by the API when an alert is acknowledged, reassigned or resolved (`alertUpdated` reloads it by id). */
export interface AlertUpdatedMessage extends AlertRaisedMessage {
  /** The owner before a reassignment, so the old owner's inbox sees the alert leave. */
  previousAssignee: string;
}

/** Published by the worker after a response's analysis is stored (subscribers reload the response by id). */
export interface ResponseAnalyzedMessage {
  responseId: string;
  revision: number;
  category: string;
  touchpoint: string | null;
  themeKeys: string[];
  sentiment: string | null;
  customerExternalId: string | null;
  /** Segment attributes, so scoped subscribers are filtered without a read (absent in older publishers). */
  attributes?: { key: string; value: string }[];
}

/**
 * The event target sends publish/subscribe/unsubscribe without awaiting them. A command cut by
 * close() (a subscribe made just before) or lost while Redis is down is nothing anyone can act on —
 * ioredis resubscribes by itself after a reconnect — so it must not become an unhandled rejection.
 */
function caughtCommands(client: Redis): Redis {
  const caught =
    (command: 'publish' | 'subscribe' | 'unsubscribe') =>
    (...args: unknown[]) => {
      const sent = (client[command] as (...a: unknown[]) => Promise<unknown>).apply(client, args);
      sent.catch(() => undefined);
      return sent;
    };
  const overrides: Record<string, unknown> = {
    publish: caught('publish'),
    subscribe: caught('subscribe'),
    unsubscribe: caught('unsubscribe'),
  };
  return new Proxy(client, {
    get: (target, key, receiver): unknown =>
      typeof key === 'string' && key in overrides ? overrides[key] : Reflect.get(target, key, receiver),
  });
}

export type PubSub = ReturnType<typeof createPubSub<Topics>>;

export interface RedisPubSub {
  pubSub: PubSub;
  close(): Promise<void>;
}

export function createRedisPubSub(redisUrl: string, channelPrefix: string): RedisPubSub {
  const publishClient = new Redis(redisUrl, { maxRetriesPerRequest: null, keyPrefix: undefined });
  const subscribeClient = new Redis(redisUrl, { maxRetriesPerRequest: null });
  // ioredis reconnects by itself; without listeners every failed attempt is logged as unhandled.
  for (const client of [publishClient, subscribeClient]) client.on('error', () => undefined);
  const eventTarget = createRedisEventTarget({
    publishClient: caughtCommands(publishClient),
    subscribeClient: caughtCommands(subscribeClient),
  });
  const pubSub = createPubSub<Topics>({ eventTarget });
  // Namespacing keeps several deployments (or test files) on one Redis apart.
  const prefixed = {
    publish: ((topic: string, ...args: unknown[]) =>
      (pubSub.publish as (...a: unknown[]) => void)(`${channelPrefix}:${topic}`, ...args)) as PubSub['publish'],
    subscribe: ((topic: string, ...args: unknown[]) =>
      (pubSub.subscribe as (...a: unknown[]) => unknown)(`${channelPrefix}:${topic}`, ...args)) as PubSub['subscribe'],
  };
  return {
    pubSub: prefixed,
    async close() {
      await Promise.all([publishClient, subscribeClient].map(closeRedisGently));
    },
  };
}

/** A "something changed" signal over pub/sub, for caches every process keeps (routing rules). */
export interface ChangeChannel {
  publish(): void;
  subscribe(onChange: () => void): void;
  /** Ends every subscription made through this channel. */
  close(): Promise<void>;
}

export function changeChannel(pubSub: PubSub, topic: 'ROUTING_RULES_CHANGED'): ChangeChannel {
  const subscriptions: AsyncIterator<unknown>[] = [];
  return {
    publish: () => pubSub.publish(topic, { at: new Date().toISOString() }),
    subscribe(onChange) {
      const iterator = pubSub.subscribe(topic)[Symbol.asyncIterator]();
      subscriptions.push(iterator);
      void (async () => {
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) onChange();
      })();
    },
    async close() {
      await Promise.all(subscriptions.map((it) => it.return?.() ?? Promise.resolve()));
    },
  };
}
