/**
 * Child servers whose life is tied to ours. Each child gets a stdin pipe from this process; the
 * pipe closes when this process ends for any reason (exit, Ctrl-C, uncaught error, SIGKILL), and
 * the child then stops. FerretDB watches its stdin itself; other servers run under a small sh
 * wrapper that does it for them. Children run in their own session, so a Ctrl-C in the terminal
 * reaches only us and we stop them in order (after the app closed its connections).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, renameSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { processInfo, terminate, waitForExit } from './processes.js';

// The pipe moves to fd 4 (a background job's stdin would be /dev/null). The server runs in the
// background without fds 3 and 4 and reports its pid on fd 3. A watcher subshell reads the pipe
// and kills the server at EOF. The shell waits for the server and exits with its status, so the
// parent sees the server's own exit.
const WRAPPER = `exec 4<&0 </dev/null
"$@" 3>&- 4<&- &
pid=$!
echo "$pid" >&3
exec 3>&-
( read _ignored <&4; kill "$pid" 2>/dev/null ) &
watcher=$!
exec 4<&-
wait "$pid"
status=$?
kill "$watcher" 2>/dev/null
exit "$status"`;

export interface TiedProcessOptions {
  command: string;
  args: string[];
  /** stdout and stderr go here (appended), not to pipes: a dead parent must not break the child's writes. */
  logFile: string;
  /** true for programs that do not stop by themselves when stdin closes. */
  wrap: boolean;
  env?: NodeJS.ProcessEnv;
}

interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface TiedProcess {
  /** pid of the server itself (not of the wrapper). */
  readonly pid: number;
  /** Resolves when the server has exited. */
  readonly exited: Promise<ExitInfo>;
  hasExited(): boolean;
  /** Closes the pipe (the server shuts down cleanly), escalating to signals if it lingers. */
  stop(graceMs?: number): Promise<void>;
  /** Last lines of the log file, for error messages. */
  logTail(lines?: number): string;
}

const MAX_LOG_BYTES = 5 * 1024 * 1024;

export async function spawnTied(options: TiedProcessOptions): Promise<TiedProcess> {
  rotateLog(options.logFile);
  const logFd = openSync(options.logFile, 'a');
  let child: ChildProcess;
  try {
    child = options.wrap
      ? spawn('sh', ['-c', WRAPPER, 'sh', options.command, ...options.args], {
          stdio: ['pipe', logFd, logFd, 'pipe'],
          detached: true,
          env: options.env,
        })
      : spawn(options.command, options.args, { stdio: ['pipe', logFd, logFd], detached: true, env: options.env });
  } finally {
    closeSync(logFd); // the child holds its own copy
  }

  let exitInfo: ExitInfo | null = null;
  let tailNote = '';
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => resolve((exitInfo = { code, signal })));
    child.once('error', (err) => {
      // spawn failure (e.g. ENOENT): reported like an exit, with the reason in the log tail.
      tailNote = `${options.command}: ${err.message}`;
      resolve((exitInfo = { code: null, signal: null }));
    });
  });

  // Neither the child nor its stdin keep this process alive: if the parent would otherwise exit,
  // it does, and the closed pipe takes the child down with it.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();

  const pid = options.wrap ? await readWrappedPid(child.stdio[3] as Readable, exited) : child.pid;
  if (!pid) {
    await exited;
    throw new Error(`could not start ${options.command}: ${tailNote || lastLines(options.logFile, 20)}`);
  }

  return {
    pid,
    exited,
    hasExited: () => exitInfo !== null,
    async stop(graceMs = 15_000) {
      if (exitInfo) return;
      child.stdin?.end();
      const gone = await Promise.race([exited.then(() => true), waitForExit(pid, graceMs).then((ok) => ok)]);
      if (!gone || processInfo(pid).alive) await terminate(pid, 5_000);
      // The wrapper exits right after the server; make sure it is reaped before we return.
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2_000))]);
    },
    logTail: (lines = 20) => [tailNote, lastLines(options.logFile, lines)].filter(Boolean).join('\n'),
  };
}

function readWrappedPid(stream: Readable, exited: Promise<ExitInfo>): Promise<number | null> {
  return new Promise((resolve) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (text += chunk));
    stream.once('end', () => resolve(Number.parseInt(text.trim(), 10) || null));
    void exited.then(() => setTimeout(() => resolve(Number.parseInt(text.trim(), 10) || null), 100));
  });
}

function rotateLog(path: string): void {
  try {
    if (statSync(path).size > MAX_LOG_BYTES) renameSync(path, `${path}.1`);
  } catch {
    // no log yet
  }
}

function lastLines(path: string, count: number): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
  } catch {
    return '';
  }
}
