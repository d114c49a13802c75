/** Builds the insight app into dist/app; relative URLs, so the API can serve it under any base path. */
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  plugins: [preact()],
  // The API serves /graphql; `vite` in dev proxies to a local `npm start`.
  server: { proxy: { '/graphql': { target: 'http://localhost:4000', ws: true } } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/app', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 600,
  },
});
