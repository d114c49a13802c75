/**
 * One server per data directory. A pid file records which process owns the directory and which
 * server runs in it, so a later start can tell an earlier run's leftover (owner gone: stop it and
 * take over) from a live one (owner running: refuse, two servers on one data dir corrupt it).
 */
import { openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from './log.js';
import { processInfo, terminate } from './processes.js';

interface PidRecord {
  ownerPid: number;
  ownerStartTime: string | null;
  pid: number | null;
  pidStartTime: string | null;
  port: number | null;
  /** Program name expected in the server's command line (guards against a reused pid where /proc has no start time). */
  program: string;
}

export class DataDirInUseError extends Error {
  override name = 'DataDirInUseError';
}

export interface PidFile {
  readonly path: string;
  /** Records the running server. */
  record(pid: number, port: number): void;
  /** Gives the directory up (after the server stopped). */
  release(): void;
}

/** Takes the data directory for `program`, stopping a leftover server of an earlier run. */
export async function claimDataDir(dir: string, name: string, program: string, log: Log): Promise<PidFile> {
  const path = join(dir, `${name}.pid`);
  const me = processInfo(process.pid);
  const base = { ownerPid: process.pid, ownerStartTime: me.startTime, program };

  for (let attempt = 0; attempt < 3; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      await clearLeftover(path, name, dir, log);
      continue;
    }
    writeFileSync(fd, JSON.stringify({ ...base, pid: null, pidStartTime: null, port: null } satisfies PidRecord));
    closeSync(fd);
    return {
      path,
      record(pid, port) {
        const record: PidRecord = { ...base, pid, pidStartTime: processInfo(pid).startTime, port };
        writeFileSync(path, JSON.stringify(record));
      },
      release() {
        rmSync(path, { force: true });
      },
    };
  }
  throw new Error(`could not claim ${path}: another process keeps creating it`);
}

async function clearLeftover(path: string, name: string, dir: string, log: Log): Promise<void> {
  let record: PidRecord | null = null;
  try {
    record = JSON.parse(readFileSync(path, 'utf8')) as PidRecord;
  } catch {
    // Unreadable or half-written by a crashed run: nothing to stop.
  }
  if (record) {
    if (isSameProcess(record.ownerPid, record.ownerStartTime, 'node')) {
      throw new DataDirInUseError(
        `${name} data in ${dir} is in use by process ${record.ownerPid}. Stop that process, or use another VERBATIM_DATA_DIR.`,
      );
    }
    if (record.pid && isSameProcess(record.pid, record.pidStartTime, record.program)) {
      log(`stopping ${name} (pid ${record.pid}) left running by an earlier run in ${dir}`);
      await terminate(record.pid);
    }
  }
  rmSync(path, { force: true });
}

function isSameProcess(pid: number, startTime: string | null, program: string): boolean {
  const info = processInfo(pid);
  if (!info.alive) return false;
  if (startTime && info.startTime) return startTime === info.startTime;
  return info.commandLine === null || info.commandLine.includes(program);
}
