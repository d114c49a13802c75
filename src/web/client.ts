/** One urql client per signed-in key: queries over HTTP, subscriptions over graphql-ws on the same path. */
import { Client, cacheExchange, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient } from 'graphql-ws';
import { graphql } from './graphql';
import { graphqlUrl } from './session';

export function createApiClient(key: string): { client: Client; close(): void } {
  const url = graphqlUrl();
  const ws = createWsClient({
    url: url.replace(/^http/, 'ws'),
    connectionParams: { authorization: `Bearer ${key}` },
    lazy: true,
    retryAttempts: Infinity,
  });
  const client = new Client({
    url,
    fetchOptions: () => ({ headers: { authorization: `Bearer ${key}` } }),
    requestPolicy: 'cache-and-network',
    // POST only: Apollo's CSRF prevention refuses simple GET requests.
    preferGetMethod: false,
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? '' }, sink) }),
        }),
      }),
    ],
  });
  return { client, close: () => void ws.dispose() };
}

export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      role
      scope {
        key
        value
      }
    }
  }
`);

/** Checks a key before it is stored: the viewer query, with a message a person can act on. */
export async function checkKey(key: string): Promise<{ ok: true } | { ok: false; message: string }> {
  try {
    const res = await fetch(graphqlUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: 'query Viewer { viewer { role } }' }),
    });
    const body = (await res.json().catch(() => null)) as {
      data?: unknown;
      errors?: { message: string; extensions?: { code?: string } }[];
    } | null;
    const code = body?.errors?.[0]?.extensions?.code;
    if (res.status === 401 || code === 'UNAUTHENTICATED') {
      return {
        ok: false,
        message: 'That API key was not accepted. Check it for typos, or ask an administrator for a new key (it may have been revoked).',
      };
    }
    if (code === 'RATE_LIMITED') return { ok: false, message: 'Too many attempts. Wait a minute and try again.' };
    if (!res.ok || !body?.data)
      return { ok: false, message: `The service could not check the key (HTTP ${res.status}). Try again shortly.` };
    return { ok: true };
  } catch {
    return { ok: false, message: 'The service cannot be reached. Check your connection and try again.' };
  }
}
