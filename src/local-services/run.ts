/**
 * Runs the local services on their own, e.g. to run `npm run api` and `npm run worker` as separate
 * processes against them:
 *
 *   npx tsx src/local-services/run.ts [--data DIR] [--ephemeral]
 *
 * Prints `MONGODB_URI=…` and `REDIS_URL=…` on stdout once both answer, then runs until Ctrl-C or
 * SIGTERM. Data goes to VERBATIM_DATA_DIR (default ./.data) unless --data or --ephemeral is given.
 */
import { parseArgs } from 'node:util';
import { startLocalServices } from './index.js';

const { values } = parseArgs({
  options: { data: { type: 'string' }, ephemeral: { type: 'boolean', default: false } },
});

const ephemeral = values.ephemeral ?? false;
const dataDir = values.data ?? (ephemeral ? undefined : process.env.VERBATIM_DATA_DIR || './.data');

let services: Awaited<ReturnType<typeof startLocalServices>>;
try {
  services = await startLocalServices({ dataDir, persistent: !ephemeral });
} catch (err) {
  console.error(`verbatim local services: ${(err as Error).message}`);
  process.exit(1);
}

process.stdout.write(`MONGODB_URI=${services.mongoUri}\nREDIS_URL=${services.redisUrl}\n`);

// The servers do not keep this process alive by themselves (they die with it); this does.
const keepAlive = setInterval(() => {}, 1 << 30);
let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  clearInterval(keepAlive);
  await services.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown());
process.on('SIGTERM', () => void shutdown());
