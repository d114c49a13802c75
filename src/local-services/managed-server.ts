/**
 * The lifecycle every local server shares: claim its data directory, start on a free loopback
 * port, wait until it answers, and stop or restart it on the same port and data.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from './log.js';
import { freePort, sleep } from './net.js';
import { claimDataDir, type PidFile } from './pid-file.js';
import { spawnTied, type TiedProcess } from './tied-process.js';

export interface ServerSpec {
  /** Used in file names: `<dir>/<name>.pid`, `<dir>/<name>.log`. */
  name: string;
  /** Used in messages. */
  label: string;
  /** Expected in the server's command line. */
  program: string;
  /** The server's own data directory (created if missing). */
  dir: string;
  command: string;
  args(port: number): string[];
  /** true when the program does not stop by itself when its stdin closes. */
  wrap: boolean;
  /** Start with an empty data directory (earlier data is deleted once the directory is claimed). */
  fresh?: boolean;
  /** One readiness check: true once the server accepts and answers requests. */
  probe(port: number): Promise<boolean>;
  readyTimeoutMs: number;
  log: Log;
  env?: NodeJS.ProcessEnv;
}

export interface ManagedServer {
  readonly port: number;
  /** pid of the running server, null while stopped. */
  readonly pid: number | null;
  readonly logFile: string;
  /** Stops the server; data and port are kept for `restart()`. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory (stopping it first if it runs). */
  restart(): Promise<void>;
}

export async function startManagedServer(spec: ServerSpec): Promise<ManagedServer> {
  mkdirSync(spec.dir, { recursive: true });
  const logFile = join(spec.dir, `${spec.name}.log`);
  let port = 0;
  let current: { process: TiedProcess; pidFile: PidFile } | null = null;
  let stopping = false;
  // stop/restart calls run one after another, never interleaved.
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  const launch = async (fixedPort: number | null) => {
    const pidFile = await claimDataDir(spec.dir, spec.name, spec.program, spec.log);
    try {
      if (spec.fresh && fixedPort === null) emptyDirExcept(spec.dir, pidFile.path);
      const failures: string[] = [];
      // A free port can be taken by someone else before the server binds it: try a few.
      for (let attempt = 0; attempt < 3; attempt++) {
        const candidate = fixedPort ?? (await freePort());
        const started = await startOnce(spec, candidate, logFile);
        if (started.ok) {
          port = candidate;
          pidFile.record(started.process.pid, port);
          current = { process: started.process, pidFile };
          watchForCrash(started.process);
          return;
        }
        failures.push(started.reason);
        if (fixedPort !== null) await sleep(500); // the old socket may linger for a moment
      }
      throw new Error(`${spec.label} did not start (log: ${logFile}):\n${failures.at(-1)}`);
    } catch (err) {
      pidFile.release();
      throw err;
    }
  };

  const watchForCrash = (child: TiedProcess) => {
    void child.exited.then(({ code, signal }) => {
      if (stopping || current?.process !== child) return;
      spec.log(`${spec.label} on port ${port} exited unexpectedly (${signal ?? `code ${code}`}); see ${logFile}`);
      current.pidFile.release();
      current = null;
    });
  };

  const stopNow = async () => {
    if (!current) return;
    stopping = true;
    try {
      await current.process.stop();
      current.pidFile.release();
      current = null;
    } finally {
      stopping = false;
    }
  };

  await launch(null);
  return {
    get port() {
      return port;
    },
    get pid() {
      return current?.process.pid ?? null;
    },
    logFile,
    stop: () => serial(stopNow),
    restart: () =>
      serial(async () => {
        await stopNow();
        await launch(port);
      }),
  };
}

type StartResult = { ok: true; process: TiedProcess } | { ok: false; reason: string };

async function startOnce(spec: ServerSpec, port: number, logFile: string): Promise<StartResult> {
  const child = await spawnTied({ command: spec.command, args: spec.args(port), logFile, wrap: spec.wrap, env: spec.env });
  const deadline = Date.now() + spec.readyTimeoutMs;
  for (;;) {
    if (child.hasExited()) return { ok: false, reason: child.logTail() };
    // Checked again after the probe: what answered might be another program that won the port.
    if ((await spec.probe(port)) && !child.hasExited()) return { ok: true, process: child };
    if (Date.now() > deadline) {
      await child.stop(2_000);
      return { ok: false, reason: `not ready after ${spec.readyTimeoutMs} ms\n${child.logTail()}` };
    }
    await sleep(100);
  }
}

function emptyDirExcept(dir: string, keep: string): void {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (path !== keep) rmSync(path, { recursive: true, force: true });
  }
}
