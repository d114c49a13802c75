/**
 * Screenshots a rendered report HTML file with headless Chromium (playwright-core, Debian's
 * chromium): `tsx scripts/report-screenshot.ts docs/weekly-report-sample.html docs/img/weekly-report.png`.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: tsx scripts/report-screenshot.ts REPORT.html OUT.png');
  process.exit(2);
}
const executablePath = [process.env.VERBATIM_TEST_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (p): p is string => !!p && existsSync(p),
);
if (!executablePath) throw new Error('no Chromium found: apt-get install -y chromium (or set VERBATIM_TEST_CHROMIUM)');
const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 680, height: 900 } });
  // A mail client shows the file offline: block every network request, as most clients do by default.
  await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
  await page.goto(pathToFileURL(resolve(input)).href);
  await page.screenshot({ path: output, fullPage: true });
  console.log(`wrote ${output}`);
} finally {
  await browser.close();
}
