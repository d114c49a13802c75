/// <reference lib="dom" />
/**
 * Headless Chromium for the app's end-to-end tests: Debian's `chromium` (installed by .ci/run)
 * driven by playwright-core, plus axe-core and screenshots under test/artifacts/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { APP_DIST_DIR } from '../../src/server/app-static.js';

export const ARTIFACTS_DIR = fileURLToPath(new URL('../artifacts/', import.meta.url));
const CHROMIUM_CANDIDATES = [
  process.env.VERBATIM_TEST_CHROMIUM,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
];

export async function launchBrowser(): Promise<Browser> {
  const executablePath = CHROMIUM_CANDIDATES.find((p): p is string => !!p && existsSync(p));
  if (!executablePath) throw new Error('no Chromium found: apt-get install -y chromium (or set VERBATIM_TEST_CHROMIUM)');
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
}

/** `npm ci` builds the app (prepare); a checkout whose install skipped it gets a build here. */
export function ensureAppBuilt(): void {
  if (existsSync(`${APP_DIST_DIR}/index.html`)) return;
  execFileSync('npm', ['run', 'app:build'], { stdio: 'inherit', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
}

export async function screenshot(page: Page, name: string, { fullPage = true } = {}): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = `${ARTIFACTS_DIR}${name}.png`;
  await page.screenshot({ path, fullPage });
  return path;
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  const require = createRequire(import.meta.url);
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe.run();
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Signs in through the form exactly as a person does: type the key, press Enter. */
export async function signIn(page: Page, appUrl: string, key: string): Promise<void> {
  await page.goto(appUrl);
  await page.locator('input[name="apiKey"]').fill(key);
  await page.locator('input[name="apiKey"]').press('Enter');
}
