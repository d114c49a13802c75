/**
 * The insight app's static files over real HTTP (src/server/app-static.ts): precompressed assets
 * chosen by Accept-Encoding, their headers, 404s and traversal. Fixture files in a temp dir pin
 * each case; the last test checks what the real build (dist/app) wrote and serves.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_DIST_DIR, appRouter } from '../../src/server/app-static.js';
import { createLogger } from '../../src/logger.js';
import { ensureAppBuilt } from '../helpers/browser.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** Raw node:http, not fetch: fetch would decompress the body and normalise `..` out of the path. */
function get(base: string, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    // `path` as an option goes out as written (a URL string would have `..` resolved away).
    const req = request({ hostname, port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function serve(dir: string): Promise<{ server: Server; base: string }> {
  const app = express();
  app.use(appRouter('/app', createLogger('silent'), dir));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('app static files, precompressed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'verbatim-app-static-'));
  const js = Buffer.from(`export const rows = [${Array.from({ length: 2000 }, (_, i) => `{id:${i},label:"row ${i}"}`).join(',')}];\n`);
  const css = Buffer.from('body { margin: 0 }\n'.repeat(200));
  let server: Server;
  let base: string;

  beforeAll(async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
    writeFileSync(join(dir, 'assets', 'main-Ab12.js'), js);
    writeFileSync(join(dir, 'assets', 'main-Ab12.js.br'), brotliCompressSync(js));
    writeFileSync(join(dir, 'assets', 'main-Ab12.js.gz'), gzipSync(js, { level: 9 }));
    // Only a gzip sibling, as when brotli did not come out smaller.
    writeFileSync(join(dir, 'assets', 'style-Cd34.css'), css);
    writeFileSync(join(dir, 'assets', 'style-Cd34.css.gz'), gzipSync(css, { level: 9 }));
    writeFileSync(join(dir, 'assets', 'tiny-Ef56.js'), 'export {};\n');
    ({ server, base } = await serve(dir));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  function expectAssetHeaders(r: Reply, encoding: string | undefined, length: number): void {
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(r.headers['content-encoding']).toBe(encoding);
    expect(r.headers['vary']).toBe('Accept-Encoding');
    expect(r.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(r.headers['content-length']).toBe(String(length));
  }

  it('sends brotli when it is accepted, preferred to gzip at equal q whatever the order', async () => {
    for (const accept of ['br', 'gzip, deflate, br, zstd', 'gzip;q=0.8, br;q=0.8', '*']) {
      const r = await get(base, '/app/assets/main-Ab12.js', { 'accept-encoding': accept });
      expectAssetHeaders(r, 'br', r.body.length);
      expect(r.body.length).toBeLessThan(js.length / 2);
      expect(brotliDecompressSync(r.body).equals(js)).toBe(true);
    }
  });

  it('sends gzip when only gzip is accepted, or ranked above brotli', async () => {
    for (const accept of ['gzip', 'gzip, deflate', 'br;q=0, gzip', 'br;q=0.5, gzip;q=0.9']) {
      const r = await get(base, '/app/assets/main-Ab12.js', { 'accept-encoding': accept });
      expectAssetHeaders(r, 'gzip', r.body.length);
      expect(gunzipSync(r.body).equals(js)).toBe(true);
    }
  });

  it('sends the file as it is when no coding is accepted', async () => {
    const refusals = ['identity', 'br;q=0, gzip;q=0', 'deflate', 'identity, br;q=0.5, gzip;q=0.5'];
    for (const headers of [{}, ...refusals.map((accept) => ({ 'accept-encoding': accept }))]) {
      const r = await get(base, '/app/assets/main-Ab12.js', headers);
      expectAssetHeaders(r, undefined, js.length);
      expect(r.body.equals(js)).toBe(true);
    }
  });

  it('sends the coding a file has: gzip for a file without a .br, identity for one with neither', async () => {
    const style = await get(base, '/app/assets/style-Cd34.css', { 'accept-encoding': 'br, gzip' });
    expect(style.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(style.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(style.body).equals(css)).toBe(true);

    const tiny = await get(base, '/app/assets/tiny-Ef56.js', { 'accept-encoding': 'br, gzip' });
    expect(tiny.status).toBe(200);
    expect(tiny.headers['content-encoding']).toBeUndefined();
    expect(tiny.headers['vary']).toBeUndefined();
    expect(tiny.body.toString()).toBe('export {};\n');
  });

  it('answers HEAD with the headers of the GET and no body', async () => {
    const br = statSync(join(dir, 'assets', 'main-Ab12.js.br')).size;
    const r = await get(base, '/app/assets/main-Ab12.js', { 'accept-encoding': 'br' }, 'HEAD');
    expectAssetHeaders(r, 'br', br);
    expect(r.body.length).toBe(0);
  });

  it('gives each coding its own ETag and answers 304 only to the matching one', async () => {
    const tags = await Promise.all(
      ['br', 'gzip', 'identity'].map(
        async (accept) => (await get(base, '/app/assets/main-Ab12.js', { 'accept-encoding': accept })).headers.etag,
      ),
    );
    expect(new Set(tags).size).toBe(3);
    const [brTag, gzipTag] = tags as [string, string, string];
    expect((await get(base, '/app/assets/main-Ab12.js', { 'accept-encoding': 'br', 'if-none-match': brTag })).status).toBe(304);
    const crossed = await get(base, '/app/assets/main-Ab12.js', { 'accept-encoding': 'br', 'if-none-match': gzipTag });
    expect(crossed.status).toBe(200);
    expect(crossed.headers['content-encoding']).toBe('br');
  });

  it('answers 404 for an unknown asset, whatever the Accept-Encoding', async () => {
    for (const accept of ['br, gzip', 'identity']) {
      expect((await get(base, '/app/assets/missing-Zz99.js', { 'accept-encoding': accept })).status).toBe(404);
    }
  });

  it('never serves a file outside assets/ through `..`, plain or percent-encoded', async () => {
    writeFileSync(join(dir, 'secret.js'), 'the secret');
    writeFileSync(join(dir, 'secret.js.br'), brotliCompressSync('the secret'));
    for (const path of [
      '/app/assets/../secret.js',
      '/app/assets/..%2fsecret.js',
      '/app/assets/%2e%2e/secret.js',
      '/app/assets/%2e%2e%2fsecret.js',
      '/app/assets/..%5csecret.js',
    ]) {
      for (const accept of ['br, gzip', 'identity']) {
        const r = await get(base, path, { 'accept-encoding': accept });
        // send() answers 403 to any `..` segment, before it touches the file system.
        expect(r.status, path).toBe(403);
        expect(r.headers['content-encoding'], path).toBeUndefined();
        expect(r.body.toString(), path).not.toContain('the secret');
      }
    }
  });
});

describe('the built app (dist/app)', () => {
  beforeAll(() => ensureAppBuilt());

  it('has a smaller .br and .gz beside each script and stylesheet, and serves the main bundle as brotli', async () => {
    const assets = join(APP_DIST_DIR, 'assets');
    const originals = readdirSync(assets).filter((f) => /\.(js|css)$/.test(f));
    expect(originals.length).toBeGreaterThan(0);
    for (const name of originals) {
      const raw = readFileSync(join(assets, name));
      const br = readFileSync(join(assets, `${name}.br`));
      const gz = readFileSync(join(assets, `${name}.gz`));
      expect(br.length, name).toBeLessThan(raw.length);
      expect(gz.length, name).toBeLessThan(raw.length);
      expect(brotliDecompressSync(br).equals(raw), name).toBe(true);
      expect(gunzipSync(gz).equals(raw), name).toBe(true);
    }

    const main = /src="\.\/assets\/([^"]+\.js)"/.exec(readFileSync(join(APP_DIST_DIR, 'index.html'), 'utf8'))?.[1];
    expect(main).toBeDefined();
    const { server, base } = await serve(APP_DIST_DIR);
    try {
      const r = await get(base, `/app/assets/${main}`, { 'accept-encoding': 'gzip, deflate, br, zstd' });
      expect(r.status).toBe(200);
      expect(r.headers['content-encoding']).toBe('br');
      expect(brotliDecompressSync(r.body).equals(readFileSync(join(APP_DIST_DIR, 'assets', main!)))).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
