/**
 * Configuration from the environment, validated once at start.
 * A bad value stops the process with a message naming the variable and what is allowed.
 */
import { z } from 'zod';
import { parseBandEdges } from './domain/account-value-bands.js';
import { parseAllowList } from './services/webhooks/target-policy.js';
import { weakKeyReason } from './services/auth/well-known-keys.js';
import { ATTRIBUTE_KEY } from './services/pipeline/response-input.js';

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Every variable the service reads, with its default and what it means (rendered in the README). */
export const CONFIG_SPEC = {
  PORT: { schema: int(0, 65535).default(4000), doc: 'HTTP port of the API (GraphQL at /graphql); 0 picks a free one.' },
  HOST: { schema: z.string().min(1).default('0.0.0.0'), doc: 'Interface the API listens on.' },
  MONGODB_URI: {
    schema: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://')
      .optional(),
    doc: 'MongoDB connection string. Unset: `npm start` runs a local FerretDB (or `mongod` if on PATH).',
  },
  REDIS_URL: {
    schema: z
      .string()
      .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
      .optional(),
    doc: 'Redis connection string. Unset: `npm start` runs a local `redis-server`.',
  },
  VERBATIM_DATA_DIR: { schema: z.string().min(1).default('./.data'), doc: 'Where local services keep their data.' },
  VERBATIM_DB_NAME: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,60}$/)
      .default('verbatim'),
    doc: 'Database name used when the URI names none.',
  },
  VERBATIM_QUEUE_PREFIX: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_{}:-]{1,60}$/)
      .default('verbatim'),
    doc: 'BullMQ key prefix. Use a hash tag such as `{verbatim}` on Redis Cluster.',
  },
  VERBATIM_ADMIN_KEY: {
    schema: z
      .string()
      .min(16, 'must be at least 16 characters')
      .superRefine((key, ctx) => {
        const reason = weakKeyReason(key);
        if (reason) ctx.addIssue({ code: z.ZodIssueCode.custom, message: reason });
      })
      .optional(),
    doc: 'Bootstraps an ADMIN API key with this value (only its hash is stored); published example keys and weak ones are refused. Changing it revokes the key it replaces. Unset on a local run (no MONGODB_URI): a key is generated once into `$VERBATIM_DATA_DIR/admin-key` (mode 0600) and the log says where.',
  },
  VERBATIM_API_KEY_CACHE_SECONDS: {
    schema: int(0, 3_600).default(30),
    doc: 'How long an API instance trusts a key lookup; a revoked key stops working on every instance within this time (0: look up every request).',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    doc: 'pino log level.',
  },
  VERBATIM_MAX_COMMENT_LENGTH: {
    schema: int(1, 100_000).default(5000),
    doc: 'Longest accepted comment, in characters; longer is rejected.',
  },
  VERBATIM_MAX_IMPORT_ROWS: {
    schema: int(1, 100_000).default(5000),
    doc: 'Most rows one `importResponses` or `importTouchpointEvents` call takes.',
  },
  VERBATIM_CLOCK_SKEW_SECONDS: { schema: int(0, 86_400).default(300), doc: 'How far in the future `respondedAt` may be.' },
  VERBATIM_MAX_PAGE_SIZE: { schema: int(1, 1000).default(100), doc: 'Largest `first` a connection query accepts.' },
  VERBATIM_WORKER_CONCURRENCY: {
    schema: int(1, 256).default(16),
    doc: 'Analysis jobs one worker runs at once (a job mostly waits on the database, so this is well above the core count).',
  },
  VERBATIM_ANALYSIS_BATCH: {
    schema: int(1, 500).default(100),
    doc: 'Most analysis jobs a worker coalesces into one batch (one read, one bulk write, effects once per batch); 1 analyses each job alone. The worker runs at least twice this many jobs at once.',
  },
  VERBATIM_ANALYSIS_BATCH_WINDOW_MS: {
    schema: int(0, 1000).default(20),
    doc: 'How long a worker waits after the first job of a batch for more to join it (a full batch starts at once).',
  },
  VERBATIM_SCHEDULES_EVERY_SECONDS: {
    schema: int(1, 86_400).default(60),
    doc: 'How often each worker re-asserts the repeatable jobs (reconciler, outbox drain, sweeps, report and survey rounds), so a Redis that lost its data gets them back.',
  },
  VERBATIM_RECONCILE_EVERY_SECONDS: {
    schema: int(5, 86_400).default(60),
    doc: 'How often the reconciler looks for responses left PENDING. A round that takes a second or more makes the next ones rest nine times as long (at most 30 minutes), so its scans never take more than a tenth of the time.',
  },
  VERBATIM_RECONCILE_AFTER_SECONDS: { schema: int(1, 86_400).default(120), doc: 'Age after which a PENDING response is re-enqueued.' },
  VERBATIM_JOB_LOCK_SECONDS: {
    schema: int(2, 3_600).default(30),
    doc: 'Job lock duration; a job whose worker died is picked up again within about twice this.',
  },
  VERBATIM_EMERGING_SAMPLE: {
    schema: int(50, 20_000).default(2000),
    doc: 'Most recent verbatims `emergingThemes` reads to find candidate themes (bounds its CPU time).',
  },
  VERBATIM_INSIGHTS_MAX_SCAN: {
    schema: int(1000, 10_000_000).default(200_000),
    doc: 'Most responses an insight may scan when its filter needs the responses themselves (comment search, analysis status); beyond it the query asks for a narrower filter.',
  },
  VERBATIM_WARM_INSIGHT_CACHES: {
    schema: bool.default(true),
    doc: 'On start the API rebuilds stale insight rollup caches in the background, newest month first (it is ready meanwhile; the log says when it is done): the core ones and those of the attributes below and of every scoped API key, so the first dashboard visit after a start does not wait for them. `false`: each cache is built by the first read that needs it.',
  },
  VERBATIM_WARM_INSIGHT_ATTRIBUTES: {
    schema: z
      .string()
      .default('region')
      .transform((v) =>
        v
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(ATTRIBUTE_KEY, 'must be attribute keys (a letter, then letters, digits, _ or -)')).max(20)),
    doc: 'Attribute keys whose insight caches are warmed on start too, comma-separated (the app groups and filters by `region` first); scoped API keys add their scope keys.',
  },
  VERBATIM_RISK_WEIGHTS: {
    schema: z
      .string()
      .regex(/^\s*[A-Za-z]+\s*=\s*\d+(\.\d+)?\s*(,\s*[A-Za-z]+\s*=\s*\d+(\.\d+)?\s*)*$/, 'must be key=number pairs separated by commas')
      .optional(),
    doc: 'Overrides of churn-risk weights, e.g. `churnSignal=35,highValue=15` (keys and defaults in docs/alerts.md).',
  },
  VERBATIM_RISK_THRESHOLDS: {
    schema: z
      .string()
      .regex(/^\d+,\d+,\d+$/, 'must be three numbers, e.g. 25,50,75')
      .default('25,50,75'),
    doc: 'Lowest risk score of MEDIUM, HIGH and CRITICAL.',
  },
  VERBATIM_RISK_HIGH_VALUE_ACCOUNT: {
    schema: z.coerce.number().min(0).default(50_000),
    doc: 'Account value from which the high-value risk points apply.',
  },
  VERBATIM_ALERT_MIN_LEVEL: {
    schema: z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']).default('MEDIUM'),
    doc: 'Lowest risk level at which the default route (no rule matched) raises an alert for a detractor.',
  },
  VERBATIM_BENCHMARK_INDUSTRY: {
    schema: z.string().trim().min(1).max(100).optional(),
    doc: 'Industry (as named in the benchmarks file) whose published NPS `nps { benchmark }` and weekly reports compare with; none when unset.',
  },
  VERBATIM_JOURNEY_TOUCHPOINTS: {
    schema: z
      .string()
      .optional()
      .transform((v) =>
        (v ?? '')
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().max(100)).max(50)),
    doc: 'Touchpoints in the order customers meet them, comma-separated (e.g. `onboarding_complete,support_ticket_closed,renewal`): the default journey until an ADMIN sets one with `setJourney`; `journey` returns it and the app lists touchpoints in this order; unset or empty: no order (the app lists them happiest first).',
  },
  VERBATIM_SMTP_URL: {
    schema: z
      .string()
      .regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL, e.g. smtp://user:pass@host:587')
      .optional(),
    doc: 'SMTP server for e-mailed reports and alert notifications, e.g. `smtp://user:pass@host:587` (smtps:// for TLS on connect); unset: reports go out only as GraphQL and `report.weekly` webhook events.',
  },
  VERBATIM_MAIL_FROM: {
    schema: z.string().min(3).max(200).default('Verbatim <verbatim@localhost>'),
    doc: 'Sender of report and notification e-mails (`Name <address>`).',
  },
  VERBATIM_REPORT_CHECK_EVERY_SECONDS: {
    schema: int(1, 3_600).default(60),
    doc: 'How often the scheduler looks for report subscriptions that are due.',
  },
  VERBATIM_REPORT_ATTEMPTS: { schema: int(1, 50).default(8), doc: 'Attempts per report e-mail before its delivery is logged FAILED.' },
  VERBATIM_REPORT_BACKOFF_MS: {
    schema: int(10, 3_600_000).default(60_000),
    doc: 'First retry delay of a failed report e-mail; doubles per attempt.',
  },
  VERBATIM_NOTIFY_CHECK_EVERY_SECONDS: {
    schema: int(1, 3_600).default(60),
    doc: 'How often the notification round sends due daily digests and re-queues notifications whose job was lost.',
  },
  VERBATIM_NOTIFY_ATTEMPTS: {
    schema: int(1, 50).default(8),
    doc: 'Attempts per alert notification (one channel, one recipient) before its delivery is logged FAILED.',
  },
  VERBATIM_NOTIFY_BACKOFF_MS: {
    schema: int(10, 3_600_000).default(30_000),
    doc: 'First retry delay of a failed alert notification; doubles per attempt.',
  },
  VERBATIM_FALLBACK_ASSIGNEE: {
    schema: z.string().min(1).max(200).default('unassigned'),
    doc: 'Queue that takes alerts whose owner is unknown.',
  },
  VERBATIM_OWNER_ATTRIBUTE: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .default('account_manager'),
    doc: 'Attribute naming the owner of a response (default routing, leaderboard NPS per owner).',
  },
  VERBATIM_TEAM_ATTRIBUTE: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/)
      .default('team'),
    doc: 'Attribute naming the team of a response (leaderboard NPS per team).',
  },
  VERBATIM_FOLLOW_UP_CATEGORIES: {
    schema: z
      .string()
      .default('PROMOTER,PASSIVE,DETRACTOR')
      .transform((v) =>
        v.trim().toLowerCase() === 'none'
          ? []
          : v
              .split(',')
              .map((c) => c.trim().toUpperCase())
              .filter(Boolean),
      )
      .pipe(z.array(z.enum(['PROMOTER', 'PASSIVE', 'DETRACTOR']))),
    doc: 'Categories the default route (no rule matched) creates follow-ups for, comma-separated, or `none`: promoters get THANK_AND_ASK_REVIEW, passives ASK_WHAT_WOULD_MAKE_IT_A_10, detractors (from VERBATIM_ALERT_MIN_LEVEL) RECOVERY_CALL. Slipping promoters always get ASK_WHAT_CHANGED.',
  },
  VERBATIM_REVIEW_URL: {
    schema: z
      .string()
      .url()
      .refine((u) => u.startsWith('https://'), 'must be an https URL')
      .optional(),
    doc: 'Review link put into promoter follow-ups (THANK_AND_ASK_REVIEW) whose routing rule names no `reviewUrl`; unset: the task says no link is configured.',
  },
  VERBATIM_ACCOUNT_VALUE_BANDS: {
    schema: z
      .string()
      .default('1000,10000,100000')
      .transform((v, ctx) => {
        try {
          return parseBandEdges(v);
        } catch (err) {
          ctx.addIssue({ code: z.ZodIssueCode.custom, message: (err as Error).message });
          return z.NEVER;
        }
      }),
    doc: 'Edges of the spend bands, ascending: a response sent with `customer.accountValue` gets the attribute `account_value_band` (`under 1k`, `1k-10k`, `10k-100k`, `100k+` by default), a segment dimension of `segments` and `npsTrend(groupBy)`.',
  },
  VERBATIM_DEFAULT_SLA_HOURS: {
    schema: z.coerce.number().positive().max(8760).default(48),
    doc: 'SLA of the default route and of rules that set none, in hours.',
  },
  VERBATIM_ALERT_MAX_AGE_DAYS: {
    schema: int(1, 36_500).default(14),
    doc: 'Alerts of responses answered longer ago than this (by respondedAt: historical imports, re-analysis) are recorded as HISTORICAL: queryable, never paged, no SLA.',
  },
  VERBATIM_SLA_CHECK_EVERY_SECONDS: { schema: int(1, 86_400).default(60), doc: 'How often the SLA sweep flags overdue alerts.' },
  VERBATIM_DISPATCH_BATCH_SIZE: {
    schema: int(1, 10_000).default(50),
    doc: 'Most surveys one dispatch planner tick releases (one `survey.due` webhook per tick).',
  },
  VERBATIM_DISPATCH_EVERY_SECONDS: {
    schema: int(1, 86_400).default(300),
    doc: 'Length of a dispatch planner tick: one plan per tick however many workers run.',
  },
  VERBATIM_MAX_DEFER_DAYS: {
    schema: int(1, 365).default(7),
    doc: 'A due survey still deferred (outside business hours, quiet hours, the team capacity used up) this many days after it was due is SKIPPED with skipRule DEFERRED_TOO_LONG, so the due queue stays bounded.',
  },
  VERBATIM_INVITATION_EXPIRY_DAYS: {
    schema: int(1, 365).default(14),
    doc: 'Survey invitations released longer ago than this and not answered become EXPIRED.',
  },
  VERBATIM_WEBHOOK_ALLOW_HOSTS: {
    schema: z
      .string()
      .optional()
      .superRefine((raw, ctx) => {
        for (const message of parseAllowList(raw).problems) ctx.addIssue({ code: 'custom', message });
      }),
    doc: 'Comma-separated host names, IPs and CIDRs webhooks may target although they are private, loopback, link-local or otherwise internal (e.g. `127.0.0.1,10.0.0.0/8,hooks.internal`). Unset: only public addresses (see docs/security.md).',
  },
  VERBATIM_WEBHOOKS_PER_KEY: {
    schema: int(1, 10_000).default(25),
    doc: 'Most webhook endpoints one API key may own (ADMIN keys included); VERBATIM_WEBHOOK_MAX_ENDPOINTS caps the deployment.',
  },
  VERBATIM_WEBHOOK_OUTBOX_EVERY_SECONDS: {
    schema: int(1, 3_600).default(10),
    doc: 'How often a worker enqueues webhook deliveries logged but never queued (Redis was down when the event happened).',
  },
  VERBATIM_WEBHOOK_OUTBOX_AFTER_SECONDS: {
    schema: int(1, 3_600).default(5),
    doc: 'Age after which a still-PENDING webhook delivery is (re-)enqueued by that drain.',
  },
  VERBATIM_WEBHOOK_MAX_ENDPOINTS: { schema: int(1, 10_000).default(50), doc: 'Most webhook endpoints one deployment may register.' },
  VERBATIM_WEBHOOK_TIMEOUT_MS: {
    schema: int(100, 120_000).default(10_000),
    doc: 'How long one webhook delivery attempt waits for a response.',
  },
  VERBATIM_WEBHOOK_ATTEMPTS: {
    schema: int(1, 30).default(14),
    doc: 'Delivery attempts per event and endpoint (the first one included) before the delivery is FAILED.',
  },
  VERBATIM_WEBHOOK_BACKOFF_MS: {
    schema: int(10, 3_600_000).default(10_000),
    doc: 'First retry delay of a webhook delivery; it doubles each time (defaults: retries for about 23 hours).',
  },
  VERBATIM_WEBHOOK_LOG_RETENTION_DAYS: {
    schema: z.coerce
      .number()
      .int()
      .max(3650)
      .refine((d) => d === 0 || d >= 2, 'must be 0 (keep forever) or at least 2 (deliveries retry for about a day)')
      .default(30),
    doc: 'Days finished webhook deliveries and their events stay in the delivery log; pruned hourly by a worker. 0 keeps them forever.',
  },
  VERBATIM_WEBHOOK_CONCURRENCY: { schema: int(1, 256).default(10), doc: 'Webhook deliveries one worker sends at once.' },
  VERBATIM_WEBHOOK_DISABLE_AFTER_FAILURES: {
    schema: int(1, 100_000).default(15),
    doc: 'An endpoint is disabled after this many failed attempts in a row (with no success in between)…',
  },
  VERBATIM_WEBHOOK_DISABLE_AFTER_SECONDS: {
    schema: int(0, 90 * 86_400).default(3 * 86_400),
    doc: '…spanning at least this long since its first failure; `enableWebhook` turns it back on.',
  },
  VERBATIM_WEBHOOK_SECRET_KEY: {
    schema: z.string().min(32, 'must be at least 32 characters').optional(),
    doc: 'Encrypts webhook signing secrets at rest (AES-256-GCM). Unset: stored as issued. Keep it stable: secrets sealed with it need it to sign.',
  },
  VERBATIM_WEBHOOK_REDACT_PII: {
    schema: bool.default(true),
    doc: 'Replace e-mail addresses and phone numbers inside verbatim text of webhook payloads with `[email]` / `[phone]`.',
  },
  VERBATIM_ANALYSIS_ENGINE: {
    schema: z.enum(['lexical', 'transformer', 'auto']).default('auto'),
    doc: '`lexical` (no model files), `transformer` (sentence embeddings, and a sentiment model if set, from VERBATIM_MODEL_DIR; see docs/transformer-backend.md) or `auto`: transformer when the model files are present (`npx verbatim models install`), else lexical with a warning. The API uses the same choice for emerging themes (embedding clusters and near-duplicates, model loaded on their first query).',
  },
  VERBATIM_MODEL_DIR: {
    schema: z.string().min(1).optional(),
    doc: 'Local model directory for the transformer engine, where `npx verbatim models install` puts the model. Unset: `$VERBATIM_DATA_DIR/models`.',
  },
  VERBATIM_EMBEDDING_MODEL: {
    schema: z.string().min(1).default('sentence-transformers/all-MiniLM-L6-v2'),
    doc: 'Sentence-embedding model: a folder inside the model directory (the default is the one `verbatim models install` writes).',
  },
  VERBATIM_SENTIMENT_MODEL: {
    schema: z.string().min(1).optional(),
    doc: 'Optional text-classification model (a folder inside the model directory) replacing the lexical sentiment.',
  },
  VERBATIM_SENTIMENT_HEAD: {
    schema: z.string().min(1).optional(),
    doc: "The transformer engine's sentiment head (JSON weights over the embeddings); unset: the shipped one, trained by `npm run train:head`.",
  },
  VERBATIM_ALLOW_REMOTE_MODELS: {
    schema: bool.default(false),
    doc: 'Let the transformer engine download missing model files from the model hub (off: local files only).',
  },
  VERBATIM_INTROSPECTION: { schema: bool.default(true), doc: 'Allow GraphQL introspection (turn off in production if you wish).' },
  VERBATIM_LANDING_PAGE: { schema: bool.default(true), doc: 'Serve the Apollo landing page on GET /graphql.' },
  VERBATIM_APP_BASE_PATH: {
    schema: z
      .string()
      .regex(/^(\/[A-Za-z0-9._~-]+)+$|^off$/, 'must be a path such as /app or /insights/app (no trailing slash), or off')
      .default('/app'),
    doc: 'Where the API serves the insight app (built into `dist/app` by `npm ci`); `off` serves none.',
  },
  VERBATIM_MAX_QUERY_DEPTH: {
    schema: int(2, 100).default(12),
    doc: 'Deepest field nesting a GraphQL operation may have (introspection fields excluded).',
  },
  VERBATIM_MAX_QUERY_COST: {
    schema: int(10, 1_000_000).default(20_000),
    doc: 'Largest cost of one operation: each field costs 1, insight and search fields much more (docs/security.md), times the items (`first`, `limit`) of the lists above it.',
  },
  VERBATIM_MAX_ALIASES: {
    schema: int(0, 1000).default(15),
    doc: 'Most aliases one GraphQL operation may use (fragments counted where spread).',
  },
  VERBATIM_MAX_DIRECTIVES: { schema: int(0, 1000).default(50), doc: 'Most directives one GraphQL operation may use.' },
  VERBATIM_MAX_TOKENS: {
    schema: int(100, 1_000_000).default(5_000),
    doc: 'Most lexical tokens a GraphQL document may have; longer documents are refused before they are parsed in full.',
  },
  VERBATIM_MAX_CONCURRENT_EXPENSIVE: {
    schema: int(0, 1000).default(3),
    doc: 'Operations selecting an insight field (themeBreakdown, emergingThemes, npsTrend, atRiskCustomers…) one key may have running at once on one API instance; more get TOO_MANY_CONCURRENT_OPERATIONS. 0 = no limit.',
  },
  VERBATIM_MAX_TREND_POINTS: {
    schema: int(10, 100_000).default(1_000),
    doc: 'Most points (periods × series) one `npsTrend` may return; larger asks fail with BAD_USER_INPUT naming `interval` or `limit`.',
  },
  VERBATIM_WS_MAX_OPERATIONS: {
    schema: int(1, 10_000).default(20),
    doc: 'Operations (subscriptions included) one WebSocket connection may have open at once.',
  },
  VERBATIM_WS_MAX_CONNECTIONS_PER_KEY: {
    schema: int(0, 100_000).default(20),
    doc: 'WebSocket connections one API key may hold open on one API instance; 0 = no limit.',
  },
  VERBATIM_MAX_BODY_BYTES: {
    schema: int(1024, 100_000_000).default(10_000_000),
    doc: 'Largest HTTP request body on /graphql; larger gets 413.',
  },
  VERBATIM_MAX_BATCH_OPERATIONS: {
    schema: int(1, 100).default(1),
    doc: 'Operations one batched HTTP request (a JSON array) may hold; 1 turns batching off.',
  },
  VERBATIM_RATE_LIMIT_PER_MINUTE: {
    schema: int(0, 10_000_000).default(1200),
    doc: 'Operations per minute per valid API key (queries, subscriptions and other mutations, over HTTP and WebSocket alike), shared by all API instances through Redis; 0 = no limit.',
  },
  VERBATIM_INGEST_RATE_LIMIT_PER_MINUTE: {
    schema: int(0, 10_000_000).default(30_000),
    doc: 'Operations per minute per valid API key whose every root field is `submitResponse`/`importResponses`/`recordTouchpointEvent`/`importTouchpointEvents`; 0 = no limit.',
  },
  VERBATIM_ANONYMOUS_RATE_LIMIT_PER_MINUTE: {
    schema: int(0, 10_000_000).default(300),
    doc: 'Requests and WebSocket connections per minute per IP address without a valid API key (none, unknown or revoked); 0 = no limit.',
  },
  VERBATIM_METRICS_TOKEN: {
    schema: z.string().min(16, 'must be at least 16 characters').optional(),
    doc: 'When set, `/metrics` answers only scrapes sending `Authorization: Bearer <token>`, and the API port serves `/metrics` too; unset, the API port answers 404 there.',
  },
  VERBATIM_METRICS_PORT: {
    schema: int(0, 65535).default(9464),
    doc: "Port of the API process's own `/metrics` listener (bound to VERBATIM_METRICS_HOST); 0 picks a free one.",
  },
  VERBATIM_METRICS_HOST: {
    schema: z.string().min(1).default('127.0.0.1'),
    doc: 'Interface of the `/metrics` listeners (API and worker). Loopback by default; set `0.0.0.0` only with VERBATIM_METRICS_TOKEN or on a private network.',
  },
  VERBATIM_WORKER_METRICS_PORT: {
    schema: int(0, 65535).default(0),
    doc: 'Port of `/metrics` for a worker-only process (`npm run worker`), bound to VERBATIM_METRICS_HOST; 0 = off.',
  },
  VERBATIM_SHUTDOWN_TIMEOUT_MS: {
    schema: int(1000, 600_000).default(10_000),
    doc: 'On SIGTERM/SIGINT the process stops within this time: sockets closed, running jobs given part of it, in-flight webhook deliveries abandoned to retry; past it, it exits with code 1.',
  },
} as const;

type Spec = typeof CONFIG_SPEC;
export type Config = { [K in keyof Spec]: z.output<Spec[K]['schema']> };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Values never echoed in a configuration error. */
const SECRET_VARIABLES = new Set(['VERBATIM_ADMIN_KEY', 'VERBATIM_METRICS_TOKEN', 'VERBATIM_WEBHOOK_SECRET_KEY', 'VERBATIM_SMTP_URL']);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, { schema }] of Object.entries(CONFIG_SPEC)) {
    const raw = env[name];
    const result = (schema as z.ZodTypeAny).safeParse(raw === '' ? undefined : raw);
    if (result.success) values[name] = result.data;
    else
      problems.push(
        `${name}=${SECRET_VARIABLES.has(name) ? '(hidden)' : JSON.stringify(raw)}: ${result.error.issues.map((i) => i.message).join('; ')}`,
      );
  }
  if (problems.length > 0) {
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return values as Config;
}
