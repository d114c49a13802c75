/**
 * Typed pub/sub over Redis, so an event published by any worker reaches subscribers on every
 * API instance (the in-memory pub/sub would only reach its own process).
 */
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { Redis } from 'ioredis';
import { createPubSub } from '@graphql-yoga/subscription';

/** Topic name → payload. Payloads carry ids and small summaries, never whole documents. */
export interface Topics {
  [key: string]: [unknown];
  RESPONSE_ANALYZED: [ResponseAnalyzedMessage];
  ALERT_RAISED: [AlertRaisedMessage];
  ALERT_UPDATED: [AlertUpdatedMessage];
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
  const eventTarget = createRedisEventTarget({ publishClient, subscribeClient });
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
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}
