/** Loopback ports: finding a free one, and polling until a server answers. */
import { createServer, Socket } from 'node:net';

export const LOOPBACK = '127.0.0.1';

/** A port that is free right now. Another process may take it before we bind, so callers retry on conflict. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Sends `request` on a fresh TCP connection and resolves with the first chunk of the reply (null on any failure). */
export function tcpExchange(port: number, request: string, timeoutMs = 1000): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (reply: string | null) => {
      socket.destroy();
      resolve(reply);
    };
    socket.setTimeout(timeoutMs, () => done(null));
    socket.once('error', () => done(null));
    socket.once('data', (chunk) => done(chunk.toString('utf8')));
    socket.connect(port, LOOPBACK, () => socket.write(request));
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
