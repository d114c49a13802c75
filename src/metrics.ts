/**
 * Prometheus metrics of this process (prom-client), served on /metrics by the API (and by a
 * worker-only process on VERBATIM_WORKER_METRICS_PORT). Each process has its own registry; the
 * scraper sums across instances. Labels are bounded: operation names come from the schema's root
 * fields, never from client-chosen operation names.
 *
 * Other modules record through `metrics.*`, e.g. `metrics.alertsRaised.inc({ route: 'default' })`.
 */
import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { graphql } from './server/graphql-module.js';

const { Kind } = graphql;

const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'verbatim_' });

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export const metrics = {
  httpRequests: new Counter({
    name: 'verbatim_http_requests_total',
    help: 'HTTP requests by route, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [registry],
  }),
  httpDuration: new Histogram({
    name: 'verbatim_http_request_duration_seconds',
    help: 'HTTP request latency by route, method and status code.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  graphqlOperations: new Counter({
    name: 'verbatim_graphql_operations_total',
    help: 'GraphQL operations by root field, operation type and outcome (ok or the first error code).',
    labelNames: ['operation', 'type', 'outcome'] as const,
    registers: [registry],
  }),
  graphqlDuration: new Histogram({
    name: 'verbatim_graphql_operation_duration_seconds',
    help: 'GraphQL operation latency by root field, operation type and outcome.',
    labelNames: ['operation', 'type', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  jobDuration: new Histogram({
    name: 'verbatim_job_duration_seconds',
    help: 'Background job run time by queue, job name and outcome (completed or failed).',
    labelNames: ['queue', 'job', 'outcome'] as const,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  }),
  analysisFailures: new Counter({
    name: 'verbatim_analysis_failures_total',
    help: 'Failed analysis attempts; final="true" when BullMQ gives up and the response is marked FAILED.',
    labelNames: ['final'] as const,
    registers: [registry],
  }),
  alertsRaised: new Counter({
    name: 'verbatim_alerts_raised_total',
    help: 'At-risk alerts raised.',
    registers: [registry],
  }),
  slaBreaches: new Counter({
    name: 'verbatim_alert_sla_breaches_total',
    help: 'Alerts whose follow-up SLA expired before they were resolved.',
    registers: [registry],
  }),
  webhookDeliveries: new Counter({
    name: 'verbatim_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome: delivered, failed (will retry), gave_up (last attempt failed), cancelled (endpoint deleted or disabled).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  }),
  rateLimited: new Counter({
    name: 'verbatim_rate_limited_total',
    help: 'Requests rejected with 429 by the rate limiter, by budget.',
    labelNames: ['budget'] as const,
    registers: [registry],
  }),
};

// ---------------------------------------------------------------- queue depth, read on scrape

export type JobCountsSource = () => Promise<Record<string, Record<string, number>>>;

/** Queues of running apps in this process: `{ analysis: { waiting: 3, … } }` per source. */
const queueSources = new Set<JobCountsSource>();

new Gauge({
  name: 'verbatim_queue_jobs',
  help: 'Jobs in each queue by state (waiting, active, delayed, failed), read from Redis at scrape time.',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    for (const source of queueSources) {
      try {
        for (const [queue, counts] of Object.entries(await source())) {
          for (const [state, count] of Object.entries(counts)) this.inc({ queue, state }, count);
        }
      } catch {
        // Redis down: the gauge is left out for this scrape rather than failing /metrics.
      }
    }
  },
});

/** Adds a queue-depth source; call the returned function on shutdown. */
export function registerQueueDepth(source: JobCountsSource): () => void {
  queueSources.add(source);
  return () => queueSources.delete(source);
}

// ---------------------------------------------------------------- HTTP and GraphQL

/** Counts and times every HTTP request; the route label is the mount path, not the raw URL. */
export function httpMetricsMiddleware(): RequestHandler {
  const known = new Set(['/graphql', '/healthz', '/readyz', '/metrics']);
  return (req, res, next) => {
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const path = req.originalUrl.split('?')[0] ?? '';
      const labels = { route: known.has(path) ? path : 'other', method: req.method, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      end(labels);
    });
    next();
  };
}

/** Records each GraphQL operation by its first root field (bounded by the schema) and outcome. */
export function graphqlMetricsPlugin<T extends object>(): ApolloServerPlugin<T> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse(ctx) {
          const operation = ctx.operation;
          const first = operation?.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
          const name = first && first.kind === Kind.FIELD ? first.name.value : 'unknown';
          // The formatted errors carry the codes clients see (the raw ones may not have one yet).
          const body = ctx.response.body;
          const errors = (body.kind === 'single' ? body.singleResult.errors : undefined) ?? ctx.errors;
          const code = errors?.[0]?.extensions?.code;
          const labels = {
            operation: operation ? name : 'invalid',
            type: operation?.operation ?? 'none',
            outcome: errors?.length ? (typeof code === 'string' ? code : 'INTERNAL_SERVER_ERROR') : 'ok',
          };
          metrics.graphqlOperations.inc(labels);
          metrics.graphqlDuration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
        },
      };
    },
  };
}

/** True when `/metrics` may answer this request: no token configured, or `Authorization: Bearer <token>`. */
function scrapeAllowed(authorization: string | undefined, token: string | undefined): boolean {
  if (!token) return true;
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(authorization ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function serveMetrics(req: http.IncomingMessage, res: http.ServerResponse, token: string | undefined): Promise<void> {
  if (!scrapeAllowed(req.headers.authorization, token)) {
    res.writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'text/plain' }).end('unauthorized\n');
    return;
  }
  res.setHeader('content-type', registry.contentType);
  res.end(await registry.metrics());
}

/** `/metrics` on the API; with a token (VERBATIM_METRICS_TOKEN) a scrape must present it as a bearer token. */
export function metricsHandler(token?: string): RequestHandler {
  return (req, res) => void serveMetrics(req, res, token);
}

/** A bare HTTP server with only /metrics, for worker-only processes. */
export async function startMetricsServer(port: number, host: string, token?: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.url?.split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    void serveMetrics(req, res, token); // answers the request itself; the collectors swallow Redis errors
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------- jobs

interface ObservableWorker {
  name: string;
  on(event: 'completed', listener: (job: { name: string; processedOn?: number; finishedOn?: number }) => void): unknown;
  on(event: 'failed', listener: (job: { name: string; processedOn?: number; finishedOn?: number } | undefined) => void): unknown;
}

/** Times every job of a BullMQ worker from its start to its end, by outcome. */
export function observeJobMetrics(worker: ObservableWorker): void {
  const record = (job: { name: string; processedOn?: number; finishedOn?: number } | undefined, outcome: 'completed' | 'failed') => {
    if (!job?.processedOn) return;
    const seconds = Math.max(0, ((job.finishedOn ?? Date.now()) - job.processedOn) / 1000);
    metrics.jobDuration.observe({ queue: worker.name, job: job.name, outcome }, seconds);
  };
  worker.on('completed', (job) => record(job, 'completed'));
  worker.on('failed', (job) => record(job, 'failed'));
}
