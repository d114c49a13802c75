/** Looking at and stopping processes by pid (never by name). */
import { readFileSync } from 'node:fs';
import { sleep } from './net.js';

export interface ProcessInfo {
  /** Running (zombies count as gone: they serve nothing and only wait to be reaped). */
  alive: boolean;
  /** The command line, or null where /proc is not available. */
  commandLine: string | null;
  /** Start time in clock ticks since boot (tells a process from a later one that got the same pid); null without /proc. */
  startTime: string | null;
}

export function processInfo(pid: number): ProcessInfo {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return { alive: false, commandLine: null, startTime: null };
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name (which may contain spaces): state is field 3, starttime field 22.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    if (state === 'Z' || state === 'X') return { alive: false, commandLine: null, startTime: null };
    const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { alive: true, commandLine, startTime: fields[19] ?? null };
  } catch {
    return { alive: true, commandLine: null, startTime: null };
  }
}

/** Waits until the process is gone; true if it went within the time. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (processInfo(pid).alive) {
    if (Date.now() > deadline) return false;
    await sleep(50);
  }
  return true;
}

/** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
export async function terminate(pid: number, graceMs = 10_000): Promise<void> {
  if (!signal(pid, 'SIGTERM')) return;
  if (await waitForExit(pid, graceMs)) return;
  signal(pid, 'SIGKILL');
  await waitForExit(pid, 5_000);
}

function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}
