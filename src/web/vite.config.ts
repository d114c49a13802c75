/** Builds the insight app into dist/app; relative URLs, so the API can serve it under any base path. */
import { fileURLToPath } from 'node:url';
import { constants } from 'node:zlib';
import preact from '@preact/preset-vite';
import { defineConfig, type Plugin } from 'vite';
import { compression, defineAlgorithm } from 'vite-plugin-compression2';

/**
 * The charts' chunk (components/plot-lib.ts, imported dynamically) preloaded from index.html: it
 * arrives with the entry script, while the API is idle, rather than being asked for once the
 * page's queries keep the same process busy.
 */
function preloadChartChunk(): Plugin {
  return {
    name: 'verbatim:preload-chart-chunk',
    apply: 'build',
    transformIndexHtml(_html, ctx) {
      const chunk = Object.values(ctx.bundle ?? {}).find((c) => c.type === 'chunk' && c.facadeModuleId?.endsWith('/plot-lib.ts'));
      if (!chunk) throw new Error('the charts chunk (components/plot-lib.ts) is missing from the build');
      return [{ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${chunk.fileName}` }, injectTo: 'head' }];
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [
    preact(),
    preloadChartChunk(),
    // .br and .gz siblings of each hashed asset, served by src/server/app-static.ts; written only
    // where smaller. index.html is left out: the server rewrites it per request.
    compression({
      include: /\.(js|css|svg|json)$/,
      algorithms: [
        defineAlgorithm('brotliCompress', { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }),
        defineAlgorithm('gzip', { level: 9 }),
      ],
      skipIfLargerOrEqual: true,
    }),
  ],
  // The API serves /graphql; `vite` in dev proxies to a local `npm start`.
  server: { proxy: { '/graphql': { target: 'http://localhost:4000', ws: true } } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/app', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
  },
});
