/**
 * SIGTERM under load ends the real `src/main.ts` process within VERBATIM_SHUTDOWN_TIMEOUT_MS:
 * open graphql-ws subscriptions, HTTP keep-alive sockets, and webhook deliveries stuck on a
 * receiver that accepts the connection and never answers must not hold the process up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { QUEUES } from '../../jobs/queues.js';
import { freePort } from '../../src/local-services/net.js';
import { Queue } from 'bullmq';
import { createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import mongoose from 'mongoose';
import WebSocket from 'ws';
import { createGqlClient, TEST_ADMIN_KEY, waitFor } from '../helpers/app.js';
import { testMongoUri, testRedisPrefix, testRedisUrl } from '../helpers/services.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const SHUTDOWN_TIMEOUT_MS = 10_000;
const running = new Set<ChildProcess>();
const sockets = new Set<Socket>();
let blackHole: Server | null = null;

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  for (const s of sockets) s.destroy();
  await new Promise((resolve) => (blackHole ? blackHole.close(resolve) : resolve(undefined)));
});

/** A webhook receiver that accepts connections, reads the request and never answers. */
async function neverAnswers(): Promise<number> {
  blackHole = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => blackHole!.listen(0, '127.0.0.1', resolve));
  return (blackHole.address() as AddressInfo).port;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

const SUBMIT = `mutation($in: ResponseInput!) { submitResponse(input: $in) { id } }`;

describe('SIGTERM', () => {
  it(
    'ends the process within the shutdown timeout with code 0, with subscriptions open and webhook deliveries hanging',
    { timeout: 300_000 },
    async () => {
      const port = await freePort();
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        MONGODB_URI: testMongoUri('shutdown'),
        REDIS_URL: testRedisUrl(),
        VERBATIM_QUEUE_PREFIX: testRedisPrefix('shutdown'),
        VERBATIM_ADMIN_KEY: TEST_ADMIN_KEY,
        LOG_LEVEL: 'info',
        VERBATIM_RATE_LIMIT_PER_MINUTE: '0',
        VERBATIM_INGEST_RATE_LIMIT_PER_MINUTE: '0',
        VERBATIM_ANONYMOUS_RATE_LIMIT_PER_MINUTE: '0',
        // The receiver is on this machine; a long delivery timeout, so only shutdown can end a stuck attempt.
        VERBATIM_WEBHOOK_ALLOW_HOSTS: '127.0.0.1',
        VERBATIM_WEBHOOK_TIMEOUT_MS: '120000',
        VERBATIM_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      };
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      running.add(child);
      child.once('exit', () => running.delete(child));
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      await waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`main.ts exited with ${child.exitCode}: ${output.slice(-2000)}`);
          return fetch(`http://127.0.0.1:${port}/readyz`).then(
            (r) => r.ok,
            () => false,
          );
        },
        { timeoutMs: 120_000, intervalMs: 250, what: 'the service to become ready' },
      );
      const url = `http://127.0.0.1:${port}/graphql`;
      const gql = createGqlClient(url, { authorization: `Bearer ${TEST_ADMIN_KEY}` });

      const receiverPort = await neverAnswers();
      const hook = await gql(`mutation($in: CreateWebhookInput!) { createWebhook(input: $in) { id } }`, {
        in: { url: `http://127.0.0.1:${receiverPort}/hooks`, events: ['response.analyzed', 'alert.raised'] },
      });
      expect(hook.errors, JSON.stringify(hook.errors)).toBeUndefined();

      // Subscriptions on several sockets.
      const clients = Array.from({ length: 5 }, () => {
        let onConnected!: () => void;
        const connected = new Promise<void>((resolve) => (onConnected = resolve));
        const client = createClient({
          url: url.replace(/^http/, 'ws'),
          webSocketImpl: WebSocket,
          connectionParams: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
          lazy: false,
          retryAttempts: 0,
          // The server closing the socket (1001) is what this test expects.
          onNonLazyError: () => undefined,
          on: { connected: () => onConnected() },
        });
        return { client, connected };
      });
      await Promise.all(clients.map((c) => c.connected));
      for (const { client } of clients) {
        for (let i = 0; i < 4; i++) {
          client.subscribe(
            { query: 'subscription { responseAnalyzed { id } }' },
            { next: () => undefined, error: () => undefined, complete: () => undefined },
          );
          client.subscribe(
            { query: 'subscription { atRiskAlert { id } }' },
            { next: () => undefined, error: () => undefined, complete: () => undefined },
          );
        }
      }

      // Responses whose analysis triggers deliveries to the receiver that never answers.
      for (let i = 0; i < 12; i++) {
        const res = await gql(SUBMIT, {
          in: {
            externalId: `shutdown-${i}`,
            score: i % 3 === 0 ? 1 : 9,
            comment: i % 3 === 0 ? 'I will cancel, billing is a mess' : 'Great support',
            customer: { externalId: `c-${i}` },
          },
        });
        expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      }
      await waitFor(async () => sockets.size > 0, { timeoutMs: 90_000, intervalMs: 250, what: 'a webhook delivery to reach the receiver' });

      const started = Date.now();
      child.kill('SIGTERM');
      const code = await Promise.race([
        exited(child),
        new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), SHUTDOWN_TIMEOUT_MS + 20_000)),
      ]);
      const tookMs = Date.now() - started;
      for (const { client } of clients) await client.dispose();

      const after = `exit ${code} after ${tookMs} ms; log:\n${output.slice(output.indexOf('shutting down') - 200)}`;
      expect(code, after).toBe(0);
      // The deadline plus the time a loaded shared machine needs to schedule and tear down a Node
      // process (the hang this guards against lasted minutes).
      expect(tookMs, after).toBeLessThan(SHUTDOWN_TIMEOUT_MS + 10_000);
      expect(output).toMatch(/shutting down/);

      // The interrupted deliveries are back on the queue with no attempt used, none failed or stuck
      // active, and the endpoint is not charged with a failure.
      const connection = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
      const queue = new Queue(QUEUES.webhooks, { connection, prefix: testRedisPrefix('shutdown') });
      try {
        const counts = await queue.getJobCounts('active', 'delayed', 'waiting', 'failed');
        expect(counts).toMatchObject({ active: 0, failed: 0 });
        const delayed = await queue.getJobs(['delayed']);
        expect(delayed.length).toBeGreaterThan(0);
        expect(delayed.every((job) => job.attemptsMade === 0)).toBe(true);
      } finally {
        await queue.close();
        connection.disconnect();
      }
      const db = await mongoose.createConnection(testMongoUri('shutdown')).asPromise();
      try {
        expect(await db.collection('webhook_deliveries').countDocuments({ status: { $in: ['FAILED', 'RETRYING'] } })).toBe(0);
        expect((await db.collection('webhook_endpoints').findOne({}))?.consecutiveFailures ?? 0).toBe(0);
      } finally {
        await db.close();
      }
    },
  );
});
