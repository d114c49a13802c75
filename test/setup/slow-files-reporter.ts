/**
 * Prints, every few minutes, the test files still running and for how long, so a run that stalls
 * (in CI, where only the output survives) shows which files it stalled in. A file still running
 * after VERBATIM_TEST_FILE_LIMIT_MINUTES (default 15; the slowest file takes about 3 on a quiet
 * machine) is stuck, not slow: the run then stops with an error naming it instead of hanging
 * until the CI's own limit cuts it off without a word. The local servers of the run stop with it
 * (they are tied to this process: src/local-services/tied-process.ts). It exits with
 * STALLED_EXIT_CODE if no file failed before (else 1). When VERBATIM_TEST_PASSED_LIST names a
 * file, every file that passed is listed there, one per line, and every file that failed in
 * `<that name>.failed`: after a stall without failures `.ci/run` re-runs the others once and says so.
 */
import { appendFileSync } from 'node:fs';
import { relative } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

const STALLED_EXIT_CODE = 75;
const PASSED_LIST = process.env.VERBATIM_TEST_PASSED_LIST;

const LIMIT_MS = Number(process.env.VERBATIM_TEST_FILE_LIMIT_MINUTES ?? 15) * 60_000;
const EVERY_MS = Math.min(3 * 60_000, LIMIT_MS);
// Relative to the project root (where npm runs vitest), as `.ci/run` lists the test files.
const shortName = (m: TestModule) => relative(process.cwd(), m.moduleId);

export default class SlowFilesReporter implements Reporter {
  private readonly running = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private anyFailed = false;

  onTestRunStart(): void {
    this.timer = setInterval(() => this.check(), EVERY_MS);
    this.timer.unref();
  }

  // Queued: from the moment a worker takes the file, so one stuck importing shows too.
  onTestModuleQueued(module: TestModule): void {
    this.running.set(shortName(module), Date.now());
  }

  onTestModuleEnd(module: TestModule): void {
    this.running.delete(shortName(module));
    if (module.state() === 'failed') {
      this.anyFailed = true;
      if (PASSED_LIST) appendFileSync(`${PASSED_LIST}.failed`, `${shortName(module)}\n`);
    }
    if (PASSED_LIST && module.state() === 'passed') appendFileSync(PASSED_LIST, `${shortName(module)}\n`);
  }

  onTestRunEnd(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private check(): void {
    const now = Date.now();
    const files = [...this.running].map(([file, since]) => ({ file, ms: now - since }));
    const list = files.map(({ file, ms }) => `${file} (${Math.round(ms / 1000)} s)`).join(', ');
    process.stderr.write(`\nvitest: ${files.length ? `still running ${list}` : 'no file running'}\n`);
    const stuck = files.filter(({ ms }) => ms > LIMIT_MS).map(({ file }) => file);
    if (stuck.length > 0) {
      process.stderr.write(
        `\nvitest: STUCK: ${stuck.join(', ')} ran longer than ${LIMIT_MS / 60_000} minutes (VERBATIM_TEST_FILE_LIMIT_MINUTES); stopping the run\n`,
      );
      process.exit(this.anyFailed ? 1 : STALLED_EXIT_CODE);
    }
  }
}
