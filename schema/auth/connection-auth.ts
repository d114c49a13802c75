/**
 * Who is calling, for HTTP requests (`Authorization: Bearer <key>`) and graphql-ws connections
 * (`connectionParams.authorization` in `connection_init`). Without a valid key nothing runs:
 * HTTP answers UNAUTHENTICATED (401), a WebSocket is closed with 4401.
 */
import type { Services } from '../../src/services/index.js';
import { bearerToken } from '../../src/services/auth/api-key.service.js';
import type { Caller } from '../context.js';
import { unauthenticated } from './auth-checker.js';

/** WebSocket close code for a connection without a valid key (as graphql-ws uses for "Unauthorized"). */
const WS_UNAUTHENTICATED = 4401;

export async function httpCaller(services: Pick<Services, 'apiKeys'>, authorization: string | string[] | undefined): Promise<Caller> {
  const caller = await services.apiKeys.authenticate(bearerToken(authorization));
  if (!caller) throw unauthenticated();
  return caller;
}

/** The key in `connection_init`'s payload: `authorization` (or `Authorization`), with or without `Bearer `. */
function connectionKey(params: Readonly<Record<string, unknown>> | undefined): string | null {
  const raw = params?.authorization ?? params?.Authorization;
  if (typeof raw !== 'string') return null;
  return bearerToken(raw) ?? (/^\S{1,512}$/.test(raw) ? raw : null);
}

export interface WsAuthExtra {
  caller?: Caller;
  socket: { close(code?: number, reason?: string): void };
}

/** graphql-ws `onConnect`: refuses (closes 4401) unless the connection carries a valid key. */
export function wsOnConnect(services: Pick<Services, 'apiKeys'>) {
  return async (ctx: { connectionParams?: Readonly<Record<string, unknown>>; extra: WsAuthExtra }): Promise<boolean> => {
    const caller = await services.apiKeys.authenticate(connectionKey(ctx.connectionParams));
    if (!caller) {
      ctx.extra.socket.close(WS_UNAUTHENTICATED, 'UNAUTHENTICATED: a valid API key is required in connectionParams.authorization');
      return false;
    }
    ctx.extra.caller = caller;
    return true;
  };
}

/** The connection's caller, re-checked for each new subscription (a revoked key stops within the cache TTL). */
export async function wsCaller(services: Pick<Services, 'apiKeys'>, extra: WsAuthExtra): Promise<Caller | null> {
  if (!extra.caller) return null;
  const current = await services.apiKeys.byHash(extra.caller.keyId);
  return current;
}
