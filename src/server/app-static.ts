/**
 * Serves the insight app (src/web, built into dist/app by `npm ci` / `npm run app:build`) under
 * the configured base path. The built files use relative URLs; index.html gets a <base> for the
 * base path, so one build serves any path.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';
import type { Logger } from '../logger.js';

export const APP_DIST_DIR = fileURLToPath(new URL('../../dist/app', import.meta.url));

/** Scripts only from the app itself; the key lives in sessionStorage, so no foreign script may run. */
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'";

export function appRouter(basePath: string, log: Logger, dir = APP_DIST_DIR): Router {
  const router = express.Router({ strict: true });
  const indexFile = join(dir, 'index.html');
  // Read per request (a small file, loaded once per visit), so a rebuild needs no restart.
  const readIndex = () =>
    existsSync(indexFile) ? readFileSync(indexFile, 'utf8').replace('<head>', `<head>\n    <base href="${basePath}/">`) : null;
  if (!existsSync(indexFile)) log.warn({ dir }, `the insight app is not built, ${basePath} answers 503: run npm run app:build`);

  router.get(basePath, (req, res) => res.redirect(301, `${basePath}/${req.url.slice(basePath.length)}`));
  router.use(
    `${basePath}/assets`,
    express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }),
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
