/**
 * `npm run demo`: starts Verbatim with embedded defaults (local FerretDB and Redis under
 * VERBATIM_DATA_DIR, default ./.data), loads the Northwind Cloud sample programme through the
 * GraphQL API, shows a progress bar while the worker analyses it, prints a short report and keeps
 * serving until Ctrl-C. Re-running it on the same data dir only counts duplicates.
 *
 *   --exit          stop after the report
 *   --size N        responses to generate (default 3000)
 *   --seed N        sample seed (default 20260401)
 *   VERBATIM_URL    load into that running service instead (needs VERBATIM_ADMIN_KEY)
 *
 * The key: VERBATIM_ADMIN_KEY when set, else the local ADMIN key of the data directory
 * (`$VERBATIM_DATA_DIR/admin-key`, random, mode 0600), the one `npm start` uses. There is no
 * built-in demo key: a published key would open every data directory the demo ever ran on.
 */
import { parseArgs } from 'node:util';
import cliProgress from 'cli-progress';
import { startApp, type RunningApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { localAdminKeyFile } from '../src/local-admin-key.js';
import { createLogger } from '../src/logger.js';
import { GraphqlClient } from '../src/demo/client.js';
import { loadSampleProgramme } from '../src/demo/load.js';
import { buildReport, formatReport } from '../src/demo/report.js';
import { COMPANY } from '../src/demo/sample-programme.js';

async function main() {
  const { values } = parseArgs({
    options: {
      exit: { type: 'boolean', default: false },
      size: { type: 'string', default: '3000' },
      seed: { type: 'string', default: '20260401' },
    },
  });
  const size = Number(values.size);
  const seed = Number(values.seed);
  if (!Number.isInteger(size) || size < 1 || !Number.isInteger(seed)) throw new Error('--size and --seed must be integers');

  let app: RunningApp | null = null;
  let url = process.env.VERBATIM_URL ?? null;
  let key = process.env.VERBATIM_ADMIN_KEY || null;
  // How the printed examples name the key: never its value.
  let keyInShell = '$VERBATIM_ADMIN_KEY';
  if (url) {
    if (!key) throw new Error('VERBATIM_URL is set: also set VERBATIM_ADMIN_KEY to a key that may import');
    if (!/\/graphql\/?$/.test(url)) url = `${url.replace(/\/$/, '')}/graphql`;
  } else {
    // Local demo only: the service listens on 127.0.0.1 unless HOST says otherwise. More concurrent
    // jobs than the default: the demo's worker has the machine to itself.
    // A planner tick every 10 s, so the sample's survey invitations appear while the demo waits.
    const env = {
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      VERBATIM_WORKER_CONCURRENCY: '8',
      VERBATIM_DISPATCH_EVERY_SECONDS: '10',
      ...process.env,
    };
    const config = loadConfig(env);
    if (!key && config.MONGODB_URI)
      throw new Error('MONGODB_URI is set: also set VERBATIM_ADMIN_KEY (the demo makes a key of its own only for a local data directory)');
    console.log(`Starting Verbatim (data in ${config.VERBATIM_DATA_DIR}) …`);
    app = await startApp(['api', 'worker'], config, createLogger(config.LOG_LEVEL));
    url = app.url!;
    if (!key) {
      // startApp made or reused the data directory's local ADMIN key.
      key = app.config.VERBATIM_ADMIN_KEY!;
      keyInShell = `$(cat ${localAdminKeyFile(config.VERBATIM_DATA_DIR)})`;
    }
  }

  const client = new GraphqlClient(url, key);
  console.log(`Loading ${size} responses of the ${COMPANY} sample programme into ${url} …`);
  const bar = new cliProgress.SingleBar(
    { format: 'Analysing |{bar}| {percentage}% | {value}/{total} responses | {duration}s', hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const loaded = await loadSampleProgramme(client, {
    size,
    seed,
    dispatchEverySeconds: app?.config.VERBATIM_DISPATCH_EVERY_SECONDS ?? Number(process.env.VERBATIM_DISPATCH_EVERY_SECONDS ?? 300),
    onImported: (t) => {
      console.log(`Imported: ${t.accepted} new, ${t.duplicates} already there${t.errors ? `, ${t.errors} rejected` : ''}.`);
      console.log('Recording touchpoint events and waiting for the dispatch planner to release their surveys …');
    },
    onProgress: (p) => {
      if (!started) {
        bar.start(p.total, p.done + p.failed);
        started = true;
      }
      bar.setTotal(p.total);
      bar.update(p.done + p.failed);
    },
  });
  bar.stop();
  console.log(`Analysed in ${loaded.seconds.toFixed(0)} s (${loaded.progress.done} done, ${loaded.progress.failed} failed).`);
  const p = loaded.programme;
  if (p)
    console.log(
      `Survey programme: ${p.events.accepted} touchpoint events recorded (${p.events.duplicates} already there), ${p.invitations} invitations planned, ${p.answered} answered now.`,
    );

  const report = await buildReport(client);
  console.log(formatReport(report, { company: COMPANY, url, key: keyInShell }));

  if (values.exit || !app) {
    await app?.stop();
    process.exit(0);
  }
  console.log('Serving until Ctrl-C …');
  const stop = async () => {
    await app.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((err) => {
  console.error(`demo: ${(err as Error).message}`);
  process.exit(1);
});
