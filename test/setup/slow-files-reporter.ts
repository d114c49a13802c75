/**
 * Prints, every few minutes, the test files still running and for how long, so a run that stalls
 * (in CI, where only the output survives) shows which files it stalled in.
 */
import type { Reporter, TestModule } from 'vitest/node';

const EVERY_MS = 3 * 60_000;
const shortName = (m: TestModule) => m.moduleId.replace(/^.*?\/test\//, 'test/');

export default class SlowFilesReporter implements Reporter {
  private readonly running = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;

  onTestRunStart(): void {
    this.timer = setInterval(() => this.print(), EVERY_MS);
    this.timer.unref();
  }

  onTestModuleStart(module: TestModule): void {
    this.running.set(shortName(module), Date.now());
  }

  onTestModuleEnd(module: TestModule): void {
    this.running.delete(shortName(module));
  }

  onTestRunEnd(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private print(): void {
    const now = Date.now();
    const files = [...this.running].map(([file, since]) => `${file} (${Math.round((now - since) / 1000)} s)`);
    process.stderr.write(`\nvitest: ${files.length ? `still running ${files.join(', ')}` : 'no file running'}\n`);
  }
}
