/**
 * Observability over real HTTP: /metrics in Prometheus text format with request, GraphQL,
 * queue-depth and job metrics; a worker-only process serving its own /metrics; and a request id
 * that goes from the submit (x-request-id) to the stored response and the worker's job logs.
 */
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { startTestApp, TEST_ADMIN_KEY, waitFor, type TestApp } from '../helpers/app.js';
import { testMongoUri, testRedisPrefix, testRedisUrl } from '../helpers/services.js';

const NAME = 'metrics';
const SUBMIT = `mutation Submit($input: ResponseInput!) { submitResponse(input: $input) { id analysisStatus } }`;

const logLines: Record<string, unknown>[] = [];
let app: RunningApp & { url: string; metricsUrl: string };
let gqlUrl: string;

/** Sample value of one series, e.g. value(text, 'verbatim_http_requests_total', { route: '/graphql' }). */
function value(text: string, name: string, labels: Record<string, string> = {}): number | null {
  let total: number | null = null;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (!Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    total = (total ?? 0) + Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** Scrapes `<base>/metrics`, or the metrics listener's own address when given one ending in /metrics. */
async function scrape(base: string): Promise<string> {
  const res = await fetch(base.endsWith('/metrics') ? base : `${base}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return res.text();
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function gql(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = await fetch(gqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_ADMIN_KEY}`, ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, requestId: res.headers.get('x-request-id'), body: await res.json() };
}

beforeAll(async () => {
  // Started by hand (not startTestApp) to capture the logs, at debug level, in memory.
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    MONGODB_URI: testMongoUri(NAME),
    REDIS_URL: testRedisUrl(),
    VERBATIM_QUEUE_PREFIX: testRedisPrefix(NAME),
    VERBATIM_ADMIN_KEY: TEST_ADMIN_KEY,
    LOG_LEVEL: 'debug',
    VERBATIM_METRICS_PORT: '0',
  });
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line.trim()) logLines.push(JSON.parse(line));
      done();
    },
  });
  const running = await startApp(['api', 'worker'], config, pino({ level: 'debug' }, sink));
  app = { ...running, url: running.url!, metricsUrl: running.metricsUrl! };
  gqlUrl = app.url;
});

afterAll(async () => {
  await app?.stop();
});

describe('/metrics', () => {
  it('counts GraphQL operations by root field and outcome, HTTP requests, queue depth and job durations', async () => {
    const ok = await gql(SUBMIT, { input: { externalId: 'm-1', score: 3, comment: 'Too expensive, we are switching to a competitor' } });
    expect(ok.body.errors).toBeUndefined();
    const bad = await gql(SUBMIT, { input: { externalId: 'm-2', score: 42 } });
    expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    await waitFor(
      async () =>
        (await gql(`query($id: ID!) { response(id: $id) { analysisStatus } }`, { id: ok.body.data.submitResponse.id })).body.data.response
          .analysisStatus === 'DONE',
      {
        timeoutMs: 60_000,
        what: 'analysis',
      },
    );

    const text = await waitFor(
      async () => {
        const t = await scrape(app.metricsUrl);
        return (value(t, 'verbatim_job_duration_seconds_count', { queue: 'analysis', job: 'analyze-response', outcome: 'completed' }) ??
          0) >= 1
          ? t
          : null;
      },
      { what: 'job duration metric' },
    );

    expect(
      value(text, 'verbatim_graphql_operations_total', { operation: 'submitResponse', type: 'mutation', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value(text, 'verbatim_graphql_operations_total', { operation: 'submitResponse', type: 'mutation', outcome: 'BAD_USER_INPUT' }),
    ).toBeGreaterThanOrEqual(1);
    expect(value(text, 'verbatim_graphql_operation_duration_seconds_count', { operation: 'submitResponse' })).toBeGreaterThanOrEqual(2);
    expect(value(text, 'verbatim_http_requests_total', { route: '/graphql', method: 'POST', status: '200' })).toBeGreaterThanOrEqual(2);
    expect(value(text, 'verbatim_http_request_duration_seconds_bucket', { route: '/graphql', le: '+Inf' })).toBeGreaterThanOrEqual(2);
    for (const state of ['waiting', 'active', 'delayed', 'failed']) {
      expect(value(text, 'verbatim_queue_jobs', { queue: 'analysis', state }), state).not.toBeNull();
    }
    // Declared even before anything happened, so dashboards and alerts can rely on them.
    for (const name of [
      'verbatim_analysis_failures_total',
      'verbatim_alerts_raised_total',
      'verbatim_alert_sla_breaches_total',
      'verbatim_webhook_deliveries_total',
      'verbatim_rate_limited_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} counter`);
    }
    expect(text).toContain('verbatim_process_resident_memory_bytes');
  });

  it('labels operations by the schema root field, never by the client-chosen operation name', async () => {
    await gql(`query EvilName${Date.now()} { nps { responses } }`, {});
    const text = await scrape(app.metricsUrl);
    expect(text).not.toMatch(/EvilName/);
    expect(value(text, 'verbatim_graphql_operations_total', { operation: 'nps', type: 'query', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
  });

  it('is served on its own listener bound to loopback, and not on the public API port without a token', async () => {
    const onApiPort = await fetch(`${app.url.replace(/\/graphql$/, '')}/metrics`);
    expect(onApiPort.status).toBe(404);
    expect(await onApiPort.text()).not.toMatch(/verbatim_/);

    const listener = new URL(app.metricsUrl);
    expect(listener.hostname).toBe('127.0.0.1');
    expect(listener.port).not.toBe(new URL(app.url).port);
    expect(await scrape(app.metricsUrl)).toMatch(/verbatim_http_requests_total/);
    // Bound to 127.0.0.1 itself, not to every interface: another loopback address is refused.
    const elsewhere = await fetch(`http://127.0.0.2:${listener.port}/metrics`).then(
      (res) => res.status,
      () => 'refused',
    );
    expect(elsewhere).toBe('refused');
  });

  it('is served by a worker-only process on VERBATIM_WORKER_METRICS_PORT', async () => {
    const port = await freePort();
    let worker: TestApp | null = null;
    try {
      worker = await startTestApp(NAME, { roles: ['worker'], env: { VERBATIM_WORKER_METRICS_PORT: String(port) } });
      const text = await scrape(`http://127.0.0.1:${port}`);
      expect(value(text, 'verbatim_queue_jobs', { queue: 'analysis', state: 'waiting' })).not.toBeNull();
      expect((await fetch(`http://127.0.0.1:${port}/graphql`)).status).toBe(404);
    } finally {
      await worker?.stop();
    }
  });
});

describe('/metrics with VERBATIM_METRICS_TOKEN', () => {
  const TOKEN = 'scrape-token-0123456789';

  it('answers 401 without the bearer token and the metrics with it, on the API and a worker-only process', async () => {
    const port = await freePort();
    let api: TestApp | null = null;
    let worker: TestApp | null = null;
    try {
      api = await startTestApp(`${NAME}-token`, { roles: ['api'], env: { VERBATIM_METRICS_TOKEN: TOKEN } });
      worker = await startTestApp(`${NAME}-token`, {
        roles: ['worker'],
        env: { VERBATIM_METRICS_TOKEN: TOKEN, VERBATIM_WORKER_METRICS_PORT: String(port) },
      });
      for (const base of [api.url.replace(/\/graphql$/, ''), `http://127.0.0.1:${port}`]) {
        const anonymous = await fetch(`${base}/metrics`);
        expect(anonymous.status).toBe(401);
        expect(await anonymous.text()).not.toMatch(/verbatim_/);
        expect((await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}x` } })).status).toBe(401);
        const scraped = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
        expect(scraped.status).toBe(200);
        expect(await scraped.text()).toMatch(/verbatim_queue_jobs/);
      }
      // Health checks stay open for load balancers.
      expect((await fetch(`${api.url.replace(/\/graphql$/, '')}/healthz`)).status).toBe(200);
    } finally {
      await worker?.stop();
      await api?.stop();
    }
  });
});

describe('request ids', () => {
  it('follow a response from the submit to its stored record and its analysis job logs', async () => {
    const requestId = `req-trace-${Date.now()}`;
    const submitted = await gql(
      SUBMIT,
      { input: { externalId: 'trace-1', score: 9, comment: 'Lovely onboarding' } },
      { 'x-request-id': requestId },
    );
    expect(submitted.requestId).toBe(requestId);
    const id = submitted.body.data.submitResponse.id;

    const generated = await gql(SUBMIT, { input: { externalId: 'trace-2', score: 8 } });
    expect(generated.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const hostile = await gql(SUBMIT, { input: { externalId: 'trace-3', score: 8 } }, { 'x-request-id': 'bad id\twith spaces' });
    expect(hostile.requestId).not.toBe('bad id\twith spaces');

    await waitFor(
      async () => logLines.find((l) => l.requestId === requestId && l.msg === 'analysis job completed' && l.responseId === id),
      { timeoutMs: 60_000, what: 'worker log line with the request id' },
    );
    const status = await gql(`query($r: String) { pipelineStatus(requestId: $r) { requestId } }`, { r: requestId }).catch(() => null);
    if (status && !status.body.errors) expect(status.body.data.pipelineStatus.requestId).toBe(requestId);
  });
});
