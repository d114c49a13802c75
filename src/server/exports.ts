/**
 * Exports over HTTP: `GET /export/responses.csv`, `/export/responses.jsonl` and `/export/themes.csv`,
 * with the GraphQL filter as query parameters (src/server/export-filter.ts), the same API key and
 * roles as the `responses` / `themeBreakdown` queries, and the key's scope AND-ed in. Responses are
 * streamed from a database cursor through the stringifier with backpressure (`pipeline`).
 */
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { Router, type NextFunction, type Request, type Response } from 'express';
import { AppError, InputError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Services } from '../services/index.js';
import { applyScope } from '../services/auth/scope.js';
import { bearerToken } from '../services/auth/api-key.service.js';
import type { ResponseEntity } from '../../models/response/response.entity.js';
import type { ResponseQueryFilter } from '../../models/response/response.filter.js';
import type { ThemeInsight } from '../services/insights/reports/theme-breakdown.js';
import { READ_ROLES } from '../../schema/auth/roles.js';
import { exportFilter, parameterOf } from './export-filter.js';
import { sendGraphqlError } from './limits.js';

type ExportServices = Pick<Services, 'apiKeys' | 'responses' | 'insights'>;

const RESPONSE_COLUMNS = [
  'id',
  'externalId',
  'respondedAt',
  'score',
  'category',
  'touchpoint',
  'channel',
  'comment',
  'attributes',
  'themes',
  'sentiment',
  'analysisStatus',
  'customerExternalId',
];
const THEME_COLUMNS = [
  'themeKey',
  'themeLabel',
  'mentions',
  'share',
  'nps',
  'marginOfError',
  'promoters',
  'passives',
  'detractors',
  'averageScore',
  'npsWithout',
  'impact',
  'significant',
  'smallSample',
];

/** Spreadsheets run cells starting with these as formulas (OWASP "CSV injection"): such text gets a leading quote. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A text cell as a spreadsheet shows it, never as a formula. Numbers are cast separately, so −12.5 stays a number. */
function defuseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

function responseRecord(r: ResponseEntity) {
  return {
    id: r._id.toHexString(),
    externalId: r.externalId,
    respondedAt: r.respondedAt.toISOString(),
    score: r.score,
    category: r.category,
    touchpoint: r.touchpoint,
    channel: r.channel,
    comment: r.comment,
    attributes: r.attributes.map((a) => ({ key: a.key, value: a.value })),
    themes: r.themeKeys,
    sentiment: r.analysis?.sentiment.label ?? null,
    analysisStatus: r.analysisStatus,
    customerExternalId: r.customerExternalId,
  };
}

function responseRow(r: ResponseEntity): unknown[] {
  const record = responseRecord(r);
  return [
    ...RESPONSE_COLUMNS.slice(0, 8).map((c) => record[c as keyof typeof record]),
    record.attributes.map((a) => `${a.key}=${a.value}`).join('; '),
    record.themes.join('; '),
    record.sentiment,
    record.analysisStatus,
    record.customerExternalId,
  ];
}

function themeRow(t: ThemeInsight): unknown[] {
  return [
    t.theme.key,
    t.theme.label,
    t.mentions,
    t.share,
    t.nps,
    t.marginOfError,
    t.promoters,
    t.passives,
    t.detractors,
    t.averageScore,
    t.npsWithout,
    t.impact,
    t.significant,
    t.smallSample,
  ];
}

function csvStringifier(columns: string[]) {
  return stringify({ header: true, columns, cast: { string: defuseFormula, boolean: (b) => String(b) } });
}

function mapStream<T>(map: (row: T) => unknown) {
  return new Transform({ objectMode: true, transform: (row: T, _enc, done) => done(null, map(row)) });
}

export function exportRouter(services: ExportServices, log: Logger): Router {
  const router = Router();

  /** The caller's filter, scoped; or null after answering 400/401/403. */
  async function scopedFilter(req: Request, res: Response): Promise<ResponseQueryFilter | null> {
    const caller = await services.apiKeys.authenticate(bearerToken(req.headers.authorization));
    if (!caller) {
      sendGraphqlError(res, 401, 'UNAUTHENTICATED', 'A valid API key is required: send Authorization: Bearer <key>');
      return null;
    }
    if (caller.role !== 'ADMIN' && !READ_ROLES.includes(caller.role)) {
      sendGraphqlError(res, 403, 'FORBIDDEN', `A ${caller.role} key may not export responses`);
      return null;
    }
    try {
      const filter = exportFilter(new URL(req.originalUrl, 'http://export').searchParams);
      return applyScope(filter, caller.scope) ?? {};
    } catch (err) {
      if (err instanceof InputError) sendInputError(res, err);
      else throw err;
      return null;
    }
  }

  function sendInputError(res: Response, err: InputError): void {
    const field = parameterOf(err.problems[0]?.field ?? '');
    sendGraphqlError(res, 400, 'BAD_USER_INPUT', err.message, { field, fields: err.problems.map((p) => parameterOf(p.field)) });
  }

  /** Streams rows; an error before the first byte is a JSON error, after it the connection is cut (a truncated file, never a silent one). */
  async function send(res: Response, contentType: string, filename: string, open: () => [Readable, ...Transform[]]): Promise<void> {
    let stages: [Readable, ...Transform[]];
    try {
      stages = open();
    } catch (err) {
      if (err instanceof InputError) return sendInputError(res, err);
      throw err;
    }
    res.setHeader('content-type', contentType);
    res.setHeader('content-disposition', `attachment; filename="${filename}"`);
    res.setHeader('cache-control', 'no-store');
    try {
      await pipeline([...stages, res]);
    } catch (err) {
      log.warn({ err: (err as Error).message, filename }, 'export stopped');
      res.destroy();
    }
  }

  router.get('/export/responses.csv', async (req, res) => {
    const filter = await scopedFilter(req, res);
    if (!filter) return;
    await send(res, 'text/csv; charset=utf-8', 'responses.csv', () => [
      services.responses.stream(filter),
      mapStream(responseRow),
      csvStringifier(RESPONSE_COLUMNS),
    ]);
  });

  router.get('/export/responses.jsonl', async (req, res) => {
    const filter = await scopedFilter(req, res);
    if (!filter) return;
    await send(res, 'application/x-ndjson; charset=utf-8', 'responses.jsonl', () => [
      services.responses.stream(filter),
      mapStream((r: ResponseEntity) => `${JSON.stringify(responseRecord(r))}\n`),
    ]);
  });

  router.get('/export/themes.csv', async (req, res) => {
    const filter = await scopedFilter(req, res);
    if (!filter) return;
    let themes: ThemeInsight[];
    try {
      // One row per theme: the breakdown is small and computed by the same service as `themeBreakdown`.
      themes = await services.insights.themeBreakdown(filter, { examples: 0 });
    } catch (err) {
      if (err instanceof InputError) return sendInputError(res, err);
      if (err instanceof AppError) return sendGraphqlError(res, 400, err.code, err.message);
      throw err;
    }
    await send(res, 'text/csv; charset=utf-8', 'themes.csv', () => [Readable.from(themes.map(themeRow)), csvStringifier(THEME_COLUMNS)]);
  });

  router.use('/export', (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    log.error({ err }, 'export failed');
    if (res.headersSent) res.destroy();
    else sendGraphqlError(res, 500, 'INTERNAL_SERVER_ERROR', 'The export failed; see the server log');
  });
  return router;
}
