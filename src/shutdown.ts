/**
 * Bounded shutdown: the steps of a stop run in order, each within what is left of one budget, so
 * a step stuck on a peer (a webhook receiver that never answers, a client that never closes its
 * socket) is abandoned instead of holding the process up. Work abandoned this way is retried:
 * jobs go back to their queue, deliveries are re-sent.
 */
import type { Logger } from './logger.js';

export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown>;
}

/** Exit code of a process whose shutdown outran VERBATIM_SHUTDOWN_TIMEOUT_MS and was cut short. */
const FORCED_EXIT_CODE = 1;

/** Resolves to 'done', or to 'timeout' once `ms` have passed (the promise keeps running). */
export async function within(promise: Promise<unknown>, ms: number): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, ms));
    timer.unref();
  });
  try {
    return await Promise.race([promise.then(() => 'done' as const), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs the steps in order within `budgetMs` in all; a failing or late step is logged and skipped. */
export async function runSteps(steps: ShutdownStep[], budgetMs: number, log: Logger): Promise<void> {
  const deadline = Date.now() + budgetMs;
  for (const step of steps) {
    const left = deadline - Date.now();
    const outcome = await within(
      step.run().catch((err: Error) => log.warn({ step: step.name, err: err.message }, 'error during shutdown')),
      left,
    );
    if (outcome === 'timeout') log.warn({ step: step.name }, 'shutdown step did not finish in time; abandoned');
  }
}

/** The last resort: exits with FORCED_EXIT_CODE if the process is still there after `ms`. */
export function forceExitAfter(ms: number, log: Logger): void {
  setTimeout(() => {
    log.error({ timeoutMs: ms }, 'shutdown did not finish within VERBATIM_SHUTDOWN_TIMEOUT_MS: forcing exit');
    process.exit(FORCED_EXIT_CODE);
  }, ms).unref();
}
