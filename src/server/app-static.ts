/**
 * Serves the insight app (src/web, built into dist/app by `npm ci` / `npm run app:build`) under
 * the configured base path. The built files use relative URLs; index.html gets a <base> for the
 * base path, so one build serves any path. Assets are sent precompressed (the .br / .gz siblings
 * the build writes) when the request accepts it.
 */
import { existsSync, readFileSync, type Stats } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler, type Router } from 'express';
import type { Logger } from '../logger.js';

export const APP_DIST_DIR = fileURLToPath(new URL('../../dist/app', import.meta.url));

/** Scripts only from the app itself; the key lives in sessionStorage, so no foreign script may run. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'";

/** In order of preference at equal q: brotli is the smaller. */
const CODINGS = [
  { name: 'br', ext: '.br' },
  { name: 'gzip', ext: '.gz' },
] as const;
type Coding = (typeof CODINGS)[number];

/**
 * What the build compresses (src/web/vite.config.ts): one flat file name, matched on the raw
 * path, so no `/`, `%2F` or `..` segment ever reaches the file system check.
 */
const COMPRESSIBLE = /^\/[\w.-]+\.(?:js|css|svg|json)$/;

/** The coding to send (RFC 9110 §12.5.3): the highest q above 0, br first on ties; none = identity. */
function chooseCoding(acceptEncoding: string | undefined, available: readonly Coding[]): Coding | undefined {
  const q = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    if (name) q.set(name, qParam ? Number(qParam.slice(2)) || 0 : 1);
  }
  const qOf = (name: string) => q.get(name) ?? q.get('*') ?? 0;
  const best = available.filter((c) => qOf(c.name) > 0).sort((a, b) => qOf(b.name) - qOf(a.name))[0];
  // Identity is always acceptable as the fallback; it wins only when ranked above the best coding.
  return best && qOf(best.name) >= (q.get('identity') ?? 0) ? best : undefined;
}

/** Points the request at the chosen sibling; express.static then sends it with its own length. */
function precompressed(assetsDir: string): RequestHandler {
  return (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !COMPRESSIBLE.test(req.path)) return next();
    // Checked per request (a stat or two), so a rebuild needs no restart.
    const available = CODINGS.filter((c) => existsSync(join(assetsDir, req.path + c.ext)));
    if (available.length === 0) return next();
    res.vary('Accept-Encoding');
    const coding = chooseCoding(req.headers['accept-encoding'], available);
    if (coding) {
      // send() keeps a Content-Type already set, so the original's type goes out, not the sibling's.
      res.type(extname(req.path));
      res.setHeader('Content-Encoding', coding.name);
      req.url = req.path + coding.ext;
    }
    next();
  };
}

export function appRouter(basePath: string, log: Logger, dir = APP_DIST_DIR): Router {
  const router = express.Router({ strict: true });
  const indexFile = join(dir, 'index.html');
  const assetsDir = join(dir, 'assets');
  // Read per request (a small file, loaded once per visit), so a rebuild needs no restart.
  const readIndex = () =>
    existsSync(indexFile) ? readFileSync(indexFile, 'utf8').replace('<head>', `<head>\n    <base href="${basePath}/">`) : null;
  if (!existsSync(indexFile)) log.warn({ dir }, `the insight app is not built, ${basePath} answers 503: run npm run app:build`);

  router.get(basePath, (req, res) => res.redirect(301, `${basePath}/${req.url.slice(basePath.length)}`));
  router.use(`${basePath}/assets`, precompressed(assetsDir));
  router.use(
    `${basePath}/assets`,
    express.static(assetsDir, {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: false,
      setHeaders: (res, _path, stat: Stats) => {
        const coding = res.getHeader('content-encoding');
        // send()'s weak ETag is size-mtime only; naming the coding keeps a cache from matching
        // one encoding's ETag against another's body.
        if (typeof coding === 'string')
          res.setHeader('ETag', `W/"${stat.size.toString(16)}-${stat.mtime.getTime().toString(16)}-${coding}"`);
      },
    }),
  );
  router.get(`${basePath}/`, (_req, res) => {
    res.setHeader('content-security-policy', CSP);
    res.setHeader('cache-control', 'no-cache');
    const index = readIndex();
    if (!index) {
      res.status(503).type('text/plain').send('The insight app is not built: run `npm run app:build` (npm ci does it).');
      return;
    }
    res.type('html').send(index);
  });
  return router;
}
