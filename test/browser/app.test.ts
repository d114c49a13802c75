/// <reference lib="dom" />
/**
 * The insight app end to end: headless Chromium against the real service (API + worker, FerretDB,
 * Redis) with the demo's sample programme loaded. Screenshots go to test/artifacts/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphqlClient } from '../../src/demo/client.js';
import { loadSampleProgramme } from '../../src/demo/load.js';
import { generateSampleProgramme } from '../../src/demo/sample-programme.js';
import { startTestApp, TEST_ADMIN_KEY, waitFor, type TestApp } from '../helpers/app.js';
import { ensureAppBuilt, launchBrowser, screenshot, seriousAxeViolations, signIn } from '../helpers/browser.js';

const SIZE = 200;
const SEED = 7;
const REGION = 'EMEA';
/** The sample programme is a B2B SaaS company: its overview compares with that industry's published NPS. */
const BENCHMARK_INDUSTRY = 'B2B SaaS';
/** The sample programme's touchpoints in the order its customers meet them (VERBATIM_JOURNEY_TOUCHPOINTS). */
const JOURNEY = ['onboarding_complete', 'support_ticket_closed', 'renewal', 'quarterly_relationship'];
/** NPS targets: one for all responses (what an unscoped key sees), one for the scoped manager's region. */
const TARGET_BY = new Date(Date.now() + 120 * 86_400_000).toISOString().slice(0, 10);
const TARGETS = [
  { scope: [], nps: 45, label: `Target +45 by ${TARGET_BY}` },
  { scope: [{ key: 'region', value: 'EMEA' }], nps: 60, label: `Target +60 by ${TARGET_BY}` },
];
/** One unmistakable verbatim per region, so a leak across scopes cannot hide among similar texts. */
const MARKED = ['North America', 'EMEA', 'APAC', 'LATAM'].map((region, i) => ({
  externalId: `marked-${i}`,
  score: 1,
  comment: `Marker ${region.replace(' ', '')}Quokka: the billing portal failed again and we are cancelling next month.`,
  touchpoint: 'support_ticket_closed',
  customer: { externalId: `marked-customer-${i}`, name: `Marked ${region}`, accountValue: 90_000 },
  attributes: [
    { key: 'region', value: region },
    { key: 'account_manager', value: 'Priya Shah' },
  ],
}));

describe('insight app in a browser', () => {
  let app: TestApp;
  let browser: Browser;
  let appUrl: string;
  let analystKey: string;
  let managerKey: string;
  /** Verbatims only other regions have: none may appear anywhere in the scoped manager's pages. */
  let foreignComments: string[];
  const contexts: BrowserContext[] = [];

  const newPage = async (width = 1280, height = 900): Promise<Page> => {
    const context = await browser.newContext({
      viewport: { width, height },
      deviceScaleFactor: 1,
      bypassCSP: true /* to inject axe-core */,
    });
    contexts.push(context);
    return context.newPage();
  };

  beforeAll(async () => {
    ensureAppBuilt();
    app = await startTestApp('app-browser', {
      env: { VERBATIM_BENCHMARK_INDUSTRY: BENCHMARK_INDUSTRY, VERBATIM_JOURNEY_TOUCHPOINTS: JOURNEY.join(',') },
    });
    appUrl = app.url.replace(/\/graphql$/, '/app/');
    await loadSampleProgramme(new GraphqlClient(app.url, TEST_ADMIN_KEY), { size: SIZE, seed: SEED, pollMs: 500, withProgramme: false });
    const imported = await app.gql(`mutation($rows: [ResponseInput!]!) { importResponses(input: $rows) { accepted } }`, { rows: MARKED });
    expect(imported.data?.importResponses.accepted).toBe(MARKED.length);
    await waitFor(
      async () => {
        const r = await app.gql(`{ responses(first: 1, filter: { analysisStatus: PENDING }) { totalCount } }`);
        return r.data?.responses.totalCount === 0;
      },
      { what: 'analysis of the marked responses', timeoutMs: 60_000 },
    );

    const key = async (name: string, role: string, scope?: { key: string; value: string }[]) => {
      const r = await app.gql(`mutation($in: CreateApiKeyInput!) { createApiKey(input: $in) { key } }`, { in: { name, role, scope } });
      return r.data!.createApiKey.key as string;
    };
    analystKey = await key('pm', 'ANALYST');
    managerKey = await key('emea manager', 'MANAGER', [{ key: 'region', value: REGION }]);
    for (const t of TARGETS) {
      const set = await app.gql(`mutation($in: SetTargetInput!) { setTarget(input: $in) { label } }`, {
        in: { scope: t.scope, nps: t.nps, by: `${TARGET_BY}T00:00:00Z` },
      });
      expect(set.data?.setTarget.label).toBe(t.label);
    }

    const sample = [...generateSampleProgramme({ size: SIZE, seed: SEED }), ...MARKED];
    const inRegion = (r: (typeof sample)[number]) => r.attributes.some((a) => a.key === 'region' && a.value === REGION);
    const own = new Set(sample.filter(inRegion).map((r) => r.comment ?? ''));
    const ownText = [...own].join('\n');
    // Generated verbatims share fragments: a foreign one that is part of an own one proves nothing.
    foreignComments = [...new Set(sample.filter((r) => !inRegion(r) && r.comment && !ownText.includes(r.comment)).map((r) => r.comment!))];
    browser = await launchBrowser();
  }, 300_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await app?.stop();
  });

  it('signing in with a wrong key shows a clear error and keeps the key out of the URL', async () => {
    const page = await newPage();
    await signIn(page, appUrl, 'not-a-real-key-0000000000');
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('not accepted');
    expect(page.url()).not.toContain('not-a-real-key');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await screenshot(page, 'signin-error');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });

  it('a product manager reads the overview, the drivers and a theme’s verbatims with highlights', async () => {
    const page = await newPage();
    await signIn(page, appUrl, analystKey);
    await page.getByTestId('nps').waitFor();
    await page.locator('.chart-canvas svg').first().waitFor();
    expect(await page.getByTestId('nps').textContent()).toMatch(/^[+-]?\d+$/);
    expect(await page.evaluate(() => sessionStorage.getItem('verbatim.apiKey'))).toBe(analystKey);
    expect(page.url()).not.toContain(analystKey);
    // The industry benchmark: a dashed rule on the trend, its source named, and a row of the trend's table.
    const benchmark = (await app.gql(`{ benchmarks(industry: "${BENCHMARK_INDUSTRY}") { source } }`)).data!.benchmarks[0] as {
      source: string;
    };
    expect(await page.getByTestId('benchmark').textContent()).toContain(benchmark.source);
    const trend = page.locator('.card', { hasText: 'NPS trend' });
    expect(await trend.locator('svg [stroke-dasharray]').count()).toBeGreaterThan(0);
    expect(await trend.locator('table').textContent()).toContain(`${BENCHMARK_INDUSTRY} benchmark`);
    // The target of the viewer's scope (all responses for this key): a labelled rule and a row of the table.
    expect(await page.getByTestId('target').textContent()).toContain(TARGETS[0].label);
    expect(await trend.locator('svg text', { hasText: TARGETS[0].label }).count()).toBe(1);
    expect(await trend.locator('table').textContent()).toContain(TARGETS[0].label);
    await screenshot(page, 'overview');
    expect(await seriousAxeViolations(page)).toEqual([]);

    await page.getByRole('link', { name: 'Why' }).click();
    await page.locator('table button.link').first().waitFor();
    await page.locator('table button.link').first().click();
    expect(page.url()).toContain('theme=');
    const marks = page.getByTestId('verbatims').locator('mark');
    await marks.first().waitFor();
    expect(await marks.count()).toBeGreaterThan(0);
    await page.locator('.card', { has: page.getByTestId('verbatims') }).scrollIntoViewIfNeeded();
    await screenshot(page, 'why');
    expect(await seriousAxeViolations(page)).toEqual([]);

    // The URL carries the view: opened afresh in the same tab, it shows the same drill-down.
    await page.reload();
    await page.getByTestId('verbatims').locator('mark').first().waitFor();

    // An analyst corrects the first verbatim's sentiment and themes; the API then serves the correction.
    const theme = new URL(page.url()).searchParams.get('theme')!;
    const verbatim = page.getByTestId('verbatims').locator('li').first();
    const responseId = (await verbatim.getAttribute('data-response-id'))!;
    await verbatim.getByRole('button', { name: 'Correct…' }).click();
    // Themes are picked from the taxonomy: only the drilled-down theme stays ticked.
    const picker = verbatim.getByRole('group', { name: 'Themes' });
    await picker.getByRole('checkbox').first().waitFor();
    for (const box of await picker.getByRole('checkbox').all()) await box.setChecked((await box.getAttribute('value')) === theme);
    await verbatim.getByLabel('Sentiment').selectOption('POSITIVE');
    await verbatim.getByRole('button', { name: 'Save correction' }).click();
    await expect.poll(() => verbatim.getByTestId('corrected').textContent()).toContain(`themes ${theme}; sentiment positive`);
    const stored = await app.gql(`query($id: ID!) { response(id: $id) { analysis { corrected sentiment { label } themes { key } } } }`, {
      id: responseId,
    });
    expect(stored.data?.response.analysis).toEqual({ corrected: true, sentiment: { label: 'POSITIVE' }, themes: [{ key: theme }] });
    await screenshot(page, 'correction');

    for (const view of ['segments', 'emerging', 'atrisk']) {
      await page.goto(`${appUrl}?view=${view}`);
      await page.locator('main .card').first().waitFor();
      await screenshot(page, view);
      expect(await seriousAxeViolations(page), view).toEqual([]);
      if (view === 'segments') {
        // Touchpoints in journey order, not happiest first.
        const touchpoints = page.locator('.card', { hasText: 'journey order' }).locator('table tbody tr th');
        expect(await touchpoints.allTextContents()).toEqual(JOURNEY);
      }
    }
  });

  it('a manager scoped to one region sees no other region’s verbatims anywhere', async () => {
    const page = await newPage();
    await signIn(page, appUrl, managerKey);
    await page.getByTestId('nps').waitFor();
    const seen: string[] = [];
    for (const view of ['overview', 'why', 'segments', 'followups', 'atrisk', 'emerging']) {
      await page.goto(`${appUrl}?view=${view}`);
      // A view with nothing to show (no emerging candidate in the region) says so instead of a card.
      await page.locator('main .card, main p.empty').first().waitFor();
      if (view === 'why') {
        await page.locator('table button.link').first().click();
        await page.getByTestId('verbatims').locator('li').first().waitFor();
        // A manager corrects a verbatim of its region (the only ones it is shown); the API stores it.
        const verbatim = page.getByTestId('verbatims').locator('li').first();
        const responseId = (await verbatim.getAttribute('data-response-id'))!;
        await verbatim.getByRole('button', { name: 'Correct…' }).click();
        await verbatim.getByRole('group', { name: 'Themes' }).getByRole('checkbox').first().waitFor();
        await verbatim.getByLabel('Sentiment').selectOption('NEGATIVE');
        await verbatim.getByRole('button', { name: 'Save correction' }).click();
        await expect.poll(() => verbatim.getByTestId('corrected').textContent()).toContain('sentiment negative');
        const stored = await app.gql(`query($id: ID!) { response(id: $id) { analysis { corrected sentiment { label } } } }`, {
          id: responseId,
        });
        expect(stored.data?.response.analysis).toEqual({ corrected: true, sentiment: { label: 'NEGATIVE' } });
      }
      if (view === 'followups') await page.locator('[data-alert-id]').first().waitFor();
      const text = await page.locator('body').innerText();
      const html = await page.content();
      seen.push(text);
      for (const comment of foreignComments) expect(html, `${view} shows another region’s verbatim`).not.toContain(comment);
      expect(html).not.toMatch(/Marker (NorthAmerica|APAC|LATAM)Quokka/);
    }
    expect(seen.join('\n')).toContain('Marker EMEAQuokka');
    // The overview's target is the region's, never the all-responses one.
    await page.goto(`${appUrl}?view=overview`);
    await page.getByTestId('target').waitFor();
    expect(await page.getByTestId('target').textContent()).toContain(TARGETS[1].label);
    expect(await page.locator('body').innerText()).not.toContain(TARGETS[0].label);
    expect(seen.join('\n')).toContain('region: EMEA');
  });

  it('acknowledging an alert in one browser updates a second one through the subscription', async () => {
    const [first, second] = [await newPage(), await newPage()];
    for (const page of [first, second]) {
      await signIn(page, appUrl, managerKey);
      await page.getByTestId('nps').waitFor();
      await page.goto(`${appUrl}?view=followups`);
    }
    const open = first.locator('[data-alert-id][data-status="OPEN"]').first();
    await open.waitFor();
    const id = (await open.getAttribute('data-alert-id'))!;
    await second.locator(`[data-alert-id="${id}"][data-status="OPEN"]`).waitFor();
    await screenshot(second, 'followups', { fullPage: false });

    await open.getByRole('button', { name: 'Acknowledge' }).click();
    await second.locator(`[data-alert-id="${id}"][data-status="ACKNOWLEDGED"]`).waitFor({ timeout: 15_000 });
    expect(await second.getByTestId('live').textContent()).toContain('Alert updated');
    expect(await seriousAxeViolations(second)).toEqual([]);
  });

  it('fits a phone', async () => {
    const page = await newPage(390, 844);
    await signIn(page, appUrl, analystKey);
    await page.getByTestId('nps').waitFor();
    await page.locator('.chart-canvas svg').first().waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'overview-phone');
  });

  it('an ADMIN accepts an emerging theme in two clicks and follows the re-analysis it starts', async () => {
    const page = await newPage();
    await signIn(page, appUrl, TEST_ADMIN_KEY);
    await page.getByTestId('nps').waitFor();
    await page.goto(`${appUrl}?view=emerging`);
    const candidate = page.locator('main .card').first();
    await candidate.getByRole('button', { name: 'Accept…' }).click();
    const confirm = candidate.getByRole('button', { name: /^Confirm: add/ });
    const label = (await confirm.textContent())!.replace(/^Confirm: add “(.*)”$/, '$1');
    await confirm.click();
    const status = page.getByRole('status');
    await expect
      .poll(() => status.textContent(), { timeout: 60_000 })
      .toMatch(/\(taxonomy version \d+\)\. Re-analysis done: \d+ responses/);
    expect(await status.textContent()).toContain(`Added “${label}”`);
    // A theme now: no longer a candidate.
    await expect.poll(() => page.locator('main .card h2', { hasText: `“${label}”` }).count()).toBe(0);
    const themes = await app.gql(`{ themes { label } }`);
    expect(themes.data?.themes.map((t: { label: string }) => t.label)).toContain(label);
    await screenshot(page, 'emerging-accepted');
    expect(await seriousAxeViolations(page)).toEqual([]);
  });
});
