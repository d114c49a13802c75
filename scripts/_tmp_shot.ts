import { launchBrowser } from '../test/helpers/browser.js';
const [key, view = 'overview', out = '/tmp/appdev/shot.png', width = '1280'] = process.argv.slice(2);
const browser = await launchBrowser();
const page = await (await browser.newContext({ viewport: { width: Number(width), height: 900 } })).newPage();
page.on('console', (m) => console.log('console:', m.type(), m.text().slice(0, 300)));
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto('http://localhost:4610/app/');
await page.locator('input[name="apiKey"]').fill(key!);
await page.locator('input[name="apiKey"]').press('Enter');
await page.waitForTimeout(1500);
if (view !== 'overview') { await page.goto(`http://localhost:4610/app/?view=${view}`); }
await page.locator('main .card, .notice.error').first().waitFor({ timeout: 30000 }).catch(() => console.log('no card')); await page.waitForTimeout(1500);
if (process.env.CLICK) { await page.locator(process.env.CLICK).first().click(); await page.waitForTimeout(2000); }
await page.screenshot({ path: out, fullPage: true });
console.log((await page.locator('body').innerText()).slice(0, 1500));
await browser.close();
