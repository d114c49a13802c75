/**
 * Two projects: `unit` (pure code, no services) and `integration` (everything else under test/,
 * against real FerretDB/MongoDB and Redis). Vitest runs a project's global setup only when that
 * project has files in the run, so `vitest run test/unit` never starts or builds a server.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    // Child processes, not threads: native modules (onnxruntime, sharp) and servers' sockets
    // behave, and a crashing file cannot take others down.
    pool: 'forks',
    // These machines have 2 cores, and the services under test need CPU too.
    poolOptions: { forks: { minForks: 1, maxForks: 2 } },
    teardownTimeout: 30_000,
    // The slow-files reporter names the files still running every few minutes (see the file).
    reporters: ['default', './test/setup/slow-files-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: ['test/unit/**', '**/node_modules/**'],
          globalSetup: ['test/setup/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
