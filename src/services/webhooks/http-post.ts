/**
 * One POST of a webhook body through node:http(s), so the socket's address comes from the
 * target policy's `lookup` (fetch offers no hook for that). Redirects are not followed: a 3xx is
 * just a non-2xx answer. The answer's body is discarded.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

export interface PostOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  lookup: LookupFunction;
  /** Aborts the request (shutdown). */
  signal?: AbortSignal;
}

class PostTimeoutError extends Error {
  override name = 'TimeoutError';
}

/** Resolves with the HTTP status; rejects on connection errors, refusals and timeouts. */
export function postJson(url: string, body: string, { headers, timeoutMs, lookup, signal }: PostOptions): Promise<number> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup,
        signal,
        // A fresh connection per attempt: a pooled socket would skip the lookup (and its check).
        agent: false,
      },
      (res: IncomingMessage) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', () => resolve(res.statusCode ?? 0));
      },
    );
    const timer = setTimeout(() => req.destroy(new PostTimeoutError(`timed out after ${timeoutMs} ms`)), timeoutMs);
    req.on('error', reject);
    req.on('close', () => clearTimeout(timer));
    req.end(body);
  });
}
