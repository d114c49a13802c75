/**
 * Configuration from the environment, validated once at start.
 * A bad value stops the process with a message naming the variable and what is allowed.
 */
import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Every variable the service reads, with its default and what it means (rendered in the README). */
export const CONFIG_SPEC = {
  PORT: { schema: int(0, 65535).default(4000), doc: 'HTTP port of the API (GraphQL at /graphql); 0 picks a free one.' },
  HOST: { schema: z.string().min(1).default('0.0.0.0'), doc: 'Interface the API listens on.' },
  MONGODB_URI: {
    schema: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
    doc: 'MongoDB connection string. Unset: `npm start` runs a local FerretDB (or `mongod` if on PATH).',
  },
  REDIS_URL: {
    schema: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
    doc: 'Redis connection string. Unset: `npm start` runs a local `redis-server`.',
  },
  VERBATIM_DATA_DIR: { schema: z.string().min(1).default('./.data'), doc: 'Where local services keep their data.' },
  VERBATIM_DB_NAME: { schema: z.string().regex(/^[A-Za-z0-9_-]{1,60}$/).default('verbatim'), doc: 'Database name used when the URI names none.' },
  VERBATIM_QUEUE_PREFIX: {
    schema: z.string().regex(/^[A-Za-z0-9_{}:-]{1,60}$/).default('verbatim'),
    doc: 'BullMQ key prefix. Use a hash tag such as `{verbatim}` on Redis Cluster.',
  },
  VERBATIM_ADMIN_KEY: {
    schema: z.string().min(16, 'must be at least 16 characters').optional(),
    doc: 'Bootstraps an ADMIN API key with this value (only its hash is stored).',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    doc: 'pino log level.',
  },
  VERBATIM_MAX_COMMENT_LENGTH: { schema: int(1, 100_000).default(5000), doc: 'Longest accepted comment, in characters; longer is rejected.' },
  VERBATIM_MAX_IMPORT_ROWS: { schema: int(1, 100_000).default(5000), doc: 'Most rows one `importResponses` call takes.' },
  VERBATIM_CLOCK_SKEW_SECONDS: { schema: int(0, 86_400).default(300), doc: 'How far in the future `respondedAt` may be.' },
  VERBATIM_MAX_PAGE_SIZE: { schema: int(1, 1000).default(100), doc: 'Largest `first` a connection query accepts.' },
  VERBATIM_WORKER_CONCURRENCY: { schema: int(1, 256).default(4), doc: 'Analysis jobs one worker runs at once.' },
  VERBATIM_RECONCILE_EVERY_SECONDS: { schema: int(5, 86_400).default(60), doc: 'How often the reconciler looks for responses left PENDING.' },
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
  VERBATIM_INTROSPECTION: { schema: bool.default(true), doc: 'Allow GraphQL introspection (turn off in production if you wish).' },
  VERBATIM_LANDING_PAGE: { schema: bool.default(true), doc: 'Serve the Apollo landing page on GET /graphql.' },
} as const;

type Spec = typeof CONFIG_SPEC;
export type Config = { [K in keyof Spec]: z.output<Spec[K]['schema']> };

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, { schema }] of Object.entries(CONFIG_SPEC)) {
    const raw = env[name];
    const result = (schema as z.ZodTypeAny).safeParse(raw === '' ? undefined : raw);
    if (result.success) values[name] = result.data;
    else problems.push(`${name}=${JSON.stringify(raw)}: ${result.error.issues.map((i) => i.message).join('; ')}`);
  }
  if (problems.length > 0) {
    throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  return values as Config;
}
